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
 * cleaned up. The point is either "before action {@code id} starts" (after the actions before it finished) or
 * "inside the AccessKey action, after {@code CreateAccessKey} answered and before the Secret is written".
 *
 * <p>The crash is a {@link SimulatedCrash}, an {@link Error}, so no executor's {@code catch (RuntimeException)}
 * cleans up after it. The reconciler's try-with-resources still closes the lock on the way out; a dead process
 * would not, so the lock wrapper puts the Lease back as the crashed holder left it: held, and expiring only when
 * its duration has passed since its last renewal.
 */
final class Crash {

  /** Where the apply dies. */
  record Point(String crashBefore, boolean insideAccessKey, String description) {

    static Point beforeAction(int position, String actionId) {
      return new Point(actionId, false, "after " + position + " action(s), before " + actionId);
    }

    static Point betweenKeyAndSecret() {
      return new Point(null, true, "inside access-key-secret: AccessKey created, Secret not yet written");
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
        return executor.execute(action, context);
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
      return () -> {
        Optional<Lease> left = crashed ? world.lease() : Optional.empty();
        // Stops the renewer; it also deletes the Lease, which a dead process would not do: put it back.
        held.close();
        left.ifPresent(lease -> world.client().leases().inNamespace(World.NAMESPACE).resource(new LeaseBuilder(lease)
            .editMetadata().withResourceVersion(null).withUid(null).withCreationTimestamp(null).endMetadata()
            .build()).create());
      };
    };
  }

  private SimulatedCrash crash() {
    crashed = true;
    return new SimulatedCrash(point);
  }
}
