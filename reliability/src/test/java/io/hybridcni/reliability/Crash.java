package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kills an apply at one point, as a crashed process would stop: nothing after that point runs, and nothing is
 * cleaned up. The point is "before action {@code id} starts" (after the actions before it finished), "inside the
 * AccessKey action, after {@code CreateAccessKey} answered and before the Secret is written", inside an action
 * that writes an object and then records an Event about it, between the two, or right after a given RAM call
 * answered (between DeletePolicyVersion and CreatePolicyVersion, say).
 *
 * <p>The crash is a {@link SimulatedCrash}, an {@link Error}, so no executor's {@code catch (RuntimeException)}
 * cleans up after it. The reconciler's try-with-resources still closes the lock on the way out; a dead process
 * would not, so the lock wrapper puts the Lease back as the crashed holder left it: held, and expiring only when
 * its duration has passed since its last renewal.
 */
final class Crash {

  /**
   * Where the apply dies: before an action starts (named by id, or by its position {@code crashBeforeStep} in the
   * run), between CreateAccessKey and the Secret write, inside an action after its object was written and before the
   * Event about it was recorded ({@code eventReason}), or right after the RAM call {@code crashAfterCall} answered.
   */
  record Point(String crashBefore, boolean insideAccessKey, String crashAfterWriteOf, String eventReason,
      String crashAfterCall, int crashBeforeStep, String description) {

    Point(String crashBefore, boolean insideAccessKey, String crashAfterWriteOf, String eventReason,
        String description) {
      this(crashBefore, insideAccessKey, crashAfterWriteOf, eventReason, null, -1, description);
    }

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

    /**
     * Right after the first RAM call {@code method} (a {@link RamApi} method name, e.g. {@code deletePolicyVersion})
     * answered, before anything else runs: between two calls of one action, or after its last call.
     */
    static Point afterRamCall(String method, String description) {
      return new Point(null, false, null, null, method, -1, description);
    }

    /**
     * Before the {@code step}-th action the run executes (0 for the first), whatever its id; {@code expected} is
     * the id planned there (ending in {@code *} for a prefix), checked against {@link Crash#crashedBefore()}.
     */
    static Point beforeStep(int step, String expected) {
      return new Point(expected, false, null, null, null, step, "after " + step + " action(s), before " + expected);
    }

    /** No crash at all: the wrappers only watch. */
    static Point none() {
      return new Point(null, false, null, null, null, -1, "no crash");
    }

    /** The action id (or prefix) a {@link #beforeStep} point expects, else {@code null}. */
    String expectedBefore() {
      return crashBeforeStep >= 0 ? crashBefore : null;
    }

    boolean matchesBefore(Action action, int step) {
      return crashBeforeStep >= 0 ? step == crashBeforeStep : action.id().equals(crashBefore);
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
  private volatile String crashedBefore;
  private final AtomicInteger steps = new AtomicInteger();
  private final List<String> violations = new CopyOnWriteArrayList<>();

  Crash(World world, Point point) {
    this.world = world;
    this.point = point;
  }

  boolean crashed() {
    return crashed;
  }

  /** The id of the action the run died before, or {@code null} when it died elsewhere (or not at all). */
  String crashedBefore() {
    return crashedBefore;
  }

  ActionExecutor<?> around(ActionExecutor<?> executor) {
    return executor.around((action, context, step) -> {
      if (point.matchesBefore(action, steps.getAndIncrement())) {
        crashedBefore = action.id();
        throw crash();
      }
      StepResult result = step.get();
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
    });
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

      // Reads go through untouched: an executor that cannot read the Secret back refuses to delete any key.
      @Override
      public java.util.Optional<String> accessKeyIdIn(String namespace, String name) {
        return store.accessKeyIdIn(namespace, name);
      }

      @Override
      public java.util.Optional<AccessKeyCredential> readAccessKey(String namespace, String name) {
        return store.readAccessKey(namespace, name);
      }
    };
  }

  /**
   * The RAM API, crashing right after the call {@link Point#crashAfterCall()} answered; and watching, before every
   * DeleteAccessKey, that the key is not the one the Secret names (recorded in {@link #violations()}, and the
   * deletion still made, so that the invariants see its consequences too), and after every CreateAccessKey, that the
   * user holds no more than RAM's 2 keys.
   */
  RamApi around(RamApi ram) {
    return (RamApi) Proxy.newProxyInstance(RamApi.class.getClassLoader(), new Class<?>[] {RamApi.class},
        (proxy, method, args) -> {
          if (method.getName().equals("deleteAccessKey")) {
            String id = (String) args[1];
            if (world.secretKeyId().filter(id::equals).isPresent()) {
              violations.add("DeleteAccessKey " + id + " while the Secret names it");
            }
          }
          Object answer;
          try {
            answer = method.invoke(ram, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("createAccessKey") && world.accessKeys().size() > 2) {
            violations.add("CreateAccessKey left the user with " + world.accessKeys().size() + " keys");
          }
          if (method.getName().equals(point.crashAfterCall()) && !crashed) {
            throw crash();
          }
          return answer;
        });
  }

  /** What the RAM watch saw go wrong during the crashed run; empty when nothing did. */
  List<String> violations() {
    return List.copyOf(violations);
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
