package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One seeded schedule of faults for a fresh BGP apply: faults of the fake Aliyun (throttling, 503, 500, a 403 that
 * is no use retrying, delays, and answers lost after the change was committed), of the mock cluster (409 on
 * calico-node and on the Secret, 5xx on the Secret, calico-node and the Lease), and sometimes a Secret changed by
 * another writer between two actions. The same seed
 * always gives the same schedule; {@link #toString()} lists it.
 */
final class FaultSchedule {

  /** Every Aliyun operation a fresh BGP apply calls. */
  static final List<String> ALIYUN_OPERATIONS = List.of("GetUser", "CreateUser", "GetPolicy", "ListPolicyVersions",
      "CreatePolicy", "ListPoliciesForUser", "AttachPolicyToUser", "ListAccessKeys", "CreateAccessKey",
      "DeleteAccessKey", "DescribeClusterDetail", "ListClusterAddonInstances", "GetClusterAddonInstance",
      "InstallClusterAddons");

  static final String SECRET_PATH = "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret";
  static final String SECRETS_PATH = "/api/v1/namespaces/kube-system/secrets";
  static final String CALICO_PATH = "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node";
  static final String LEASES_PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";

  /** One injected fault: what it is, and how to put it into a world. */
  record Fault(String description, Consumer<World> inject) {
    @Override
    public String toString() {
      return description;
    }
  }

  final long seed;
  final List<Fault> faults = new ArrayList<>();
  /** The action after which another writer changes the Secret, or {@code null}. */
  final String secretChangedAfter;
  /** The data keys (and base64 values) the other writer put into the Secret, once it did. */
  final Map<String, String> thirdPartyData = new LinkedHashMap<>();

  FaultSchedule(long seed) {
    this.seed = seed;
    Random random = new Random(seed);
    int aliyunFaults = 1 + random.nextInt(4);
    for (int i = 0; i < aliyunFaults; i++) {
      faults.add(aliyunFault(random));
    }
    int kubeFaults = random.nextInt(3);
    for (int i = 0; i < kubeFaults; i++) {
      faults.add(kubeFault(random));
    }
    secretChangedAfter = random.nextInt(10) < 3
        ? CrashAnywhereTest.FRESH_BGP_ACTIONS.get(random.nextInt(CrashAnywhereTest.FRESH_BGP_ACTIONS.size() - 1))
        : null;
  }

  private static Fault aliyunFault(Random random) {
    String op = ALIYUN_OPERATIONS.get(random.nextInt(ALIYUN_OPERATIONS.size()));
    switch (random.nextInt(6)) {
      case 0 -> {
        int times = 1 + random.nextInt(3);
        return new Fault(op + " throttled x" + times, w -> w.aliyun().faults().on(op).throttleTimes(times));
      }
      case 5 -> {
        // Not transient: never retried, so the run stops on it (when the call is made at all).
        return new Fault(op + " 403 NoPermission", w -> w.aliyun().faults().on(op).failWith("NoPermission", 403));
      }
      case 1 -> {
        int times = 1 + random.nextInt(3);
        return new Fault(op + " 503 x" + times, w -> w.aliyun().faults().on(op).serviceUnavailable(times));
      }
      case 2 -> {
        int times = 1 + random.nextInt(2);
        return new Fault(op + " answer lost after commit x" + times,
            w -> w.aliyun().faults().on(op).dropAfterCommit(times));
      }
      case 3 -> {
        int times = 1 + random.nextInt(2);
        return new Fault(op + " 500 InternalError x" + times,
            w -> w.aliyun().faults().on(op).failWith("InternalError", 500, times));
      }
      default -> {
        Duration delay = Duration.ofMillis(1 + random.nextInt(20));
        return new Fault(op + " delayed " + delay.toMillis() + " ms", w -> w.aliyun().faults().on(op).delay(delay));
      }
    }
  }

  private static Fault kubeFault(Random random) {
    switch (random.nextInt(6)) {
      case 5 -> {
        // Another writer's update of the Secret wins the race between hybridcni's read and its write.
        int times = 1 + random.nextInt(4);
        return new Fault("PUT Secret 409 x" + times, w -> w.failKube("PUT", SECRET_PATH, 409, "Conflict", times));
      }
      case 0 -> {
        int times = 1 + random.nextInt(6);
        return new Fault("PUT calico-node 409 x" + times,
            w -> w.failKube("PUT", CALICO_PATH, 409, "Conflict", times));
      }
      case 1 -> {
        int times = 1 + random.nextInt(4);
        int status = random.nextBoolean() ? 500 : 503;
        return new Fault("GET Secret " + status + " x" + times,
            w -> w.failKube("GET", SECRET_PATH, status, "InternalError", times));
      }
      case 2 -> {
        int times = 1 + random.nextInt(6);
        return new Fault("POST Secret 503 x" + times,
            w -> w.failKube("POST", SECRETS_PATH, 503, "ServiceUnavailable", times));
      }
      case 3 -> {
        int times = 1 + random.nextInt(4);
        return new Fault("GET calico-node 500 x" + times,
            w -> w.failKube("GET", CALICO_PATH, 500, "InternalError", times));
      }
      default -> {
        int times = 1 + random.nextInt(4);
        return new Fault("POST Lease 500 x" + times, w -> w.failKube("POST", LEASES_PATH, 500, "InternalError", times));
      }
    }
  }

  /** Puts every fault into the world (the Secret change happens during the apply, see {@link #around}). */
  void inject(World world) {
    faults.forEach(f -> f.inject().accept(world));
  }

  /** Wraps an executor so that another writer changes the Secret right after the chosen action. */
  ActionExecutor around(World world, ActionExecutor executor) {
    return new ActionExecutor() {
      @Override
      public boolean handles(ActionKind kind) {
        return executor.handles(kind);
      }

      @Override
      public StepResult execute(Action action, ExecutionContext context) {
        try {
          return executor.execute(action, context);
        } finally {
          if (action.id().equals(secretChangedAfter) && thirdPartyData.isEmpty()) {
            changeSecret(world);
          }
        }
      }
    };
  }

  /**
   * Another writer (say, a platform team's tooling) adds a key of its own to the Secret, creating it if needed. It
   * meets the same injected 5xx as hybridcni does, and simply tries again.
   */
  private void changeSecret(World world) {
    String value = Base64.getEncoder().encodeToString(("written by another tool, seed " + seed)
        .getBytes(StandardCharsets.UTF_8));
    var secrets = world.client().secrets().inNamespace(World.NAMESPACE);
    for (int attempt = 1; ; attempt++) {
      try {
        Secret existing = secrets.withName(World.SECRET_NAME).get();
        String key = existing != null ? "rotation-note" : "ca.crt";
        if (existing != null) {
          secrets.resource(new SecretBuilder(existing).addToData(key, value).build()).update();
        } else {
          secrets.resource(new SecretBuilder().withNewMetadata().withName(World.SECRET_NAME)
              .withNamespace(World.NAMESPACE).addToLabels("team", "platform").endMetadata().withType("Opaque")
              .addToData(key, value).build()).create();
        }
        thirdPartyData.put(key, value);
        return;
      } catch (KubernetesClientException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "seed " + seed + ": " + faults + (secretChangedAfter == null ? ""
        : ", Secret changed by another writer after " + secretChangedAfter);
  }
}
