package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import java.util.Optional;

/**
 * Kills an apply at one point, as a crashed process would stop: nothing after that point runs, and nothing is
 * cleaned up. The point is "before action {@code id} starts" (after the actions before it finished), "inside the
 * AccessKey action, after {@code CreateAccessKey} answered and before the Secret is written", or inside an action
 * that writes an object and then records an Event about it, between the two.
 *
 * <p>The crash is a {@link SimulatedCrash}, an {@link Error}, so no executor's {@code catch (RuntimeException)}
 * cleans up after it. The reconciler's try-with-resources still closes the lock on the way out; a dead process
 * would not, so the lock wrapper puts the Lease back as the crashed holder left it: held, and expiring only when
 * its duration has passed since its last renewal.
 */
final class Crash {

  /**
   * Where the apply dies: before an action starts, between CreateAccessKey and the Secret write, or inside an action
   * after its object was written and before the Event about it was recorded ({@code eventReason}).
   */
  record Point(String crashBefore, boolean insideAccessKey, String crashAfterWriteOf, String eventReason,
      String description) {

    static Point beforeAction(int position, String actionId) {
      return new Point(actionId, false, null, null, "after " + position + " action(s), before " + actionId);
    }

    static Point betweenKeyAndSecret() {
      return new Point(null, true, null, null, "inside access-key-secret: AccessKey created, Secret not yet written");
    }

    static Point betweenWriteAndEvent(String actionId, String written, String eventReason) {
      return new Point(null, false, actionId, eventReason, "inside " + actionId + ": " + written
          + " written, its " + eventReason + " Event not yet");
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** The crash itself: an Error, so that nothing catches it on the way out. */
  static final class SimulatedCrash extends Error {
    SimulatedCrash(Point point) {
      super("simulated crash " + point, null, false, false);
    }
  }

  private final World world;
  private final Point point;
  private volatile boolean crashed;

  Crash(World world, Point point) {
    this.world = world;
    this.point = point;
  }

  boolean crashed() {
    return crashed;
  }

  ActionExecutor around(ActionExecutor executor) {
    return new ActionExecutor() {
      @Override
      public boolean handles(ActionKind kind) {
        return executor.handles(kind);
      }

      @Override
      public StepResult execute(Action action, ExecutionContext context) {
        if (action.id().equals(point.crashBefore())) {
          throw crash();
        }
        StepResult result = executor.execute(action, context);
        if (action.id().equals(point.crashAfterWriteOf())) {
          // The process died between the write and the Event: the Event was never recorded.
          var events = world.client().v1().events().inAnyNamespace().list().getItems().stream()
              .filter(e -> point.eventReason().equals(e.getReason())).toList();
          if (events.isEmpty()) {
            throw new AssertionError(action.id() + " recorded no " + point.eventReason() + " Event to undo");
          }
          events.forEach(e -> world.client().v1().events().inNamespace(e.getMetadata().getNamespace())
              .withName(e.getMetadata().getName()).delete());
          throw crash();
        }
        return result;
      }
    };
  }

  SecretStore around(SecretStore store) {
    return new SecretStore() {
      @Override
      public void writeAccessKey(String namespace, String name, AccessKeyCredential credential) {
        if (point.insideAccessKey()) {
          throw crash();
        }
        store.writeAccessKey(namespace, name, credential);
      }
    };
  }

  ApplyLock around(ApplyLock lock) {
    return (holder, wait) -> {
      ApplyLock.Held held = lock.acquire(holder, wait);
      return new ApplyLock.Held() {
        @Override
        public Optional<String> lost() {
          return held.lost();
        }

        @Override
        public void close() {
          Optional<Lease> left = crashed ? world.lease() : Optional.empty();
          // Stops the renewer; it also deletes the Lease, which a dead process would not do: put it back.
          held.close();
          left.ifPresent(lease -> world.client().leases().inNamespace(World.NAMESPACE).resource(
              new LeaseBuilder(lease).editMetadata().withResourceVersion(null).withUid(null)
                  .withCreationTimestamp(null).endMetadata().build()).create());
        }
      };
    };
  }

  private SimulatedCrash crash() {
    crashed = true;
    return new SimulatedCrash(point);
  }
}
