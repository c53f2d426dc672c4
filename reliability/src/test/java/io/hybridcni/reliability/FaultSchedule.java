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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import io.hybridcni.testkit.aliyun.OperationFaults;
import io.hybridcni.testkit.kube.FaultDispatcher;

/**
 * One seeded schedule of faults for a fresh BGP apply: faults of the fake Aliyun (throttling, 503, 500, a 403 that
 * is no use retrying, delays, answers lost after the change was committed: dropped or answered 5xx), of the mock
 * cluster (a write committed and then answered 5xx or not at all before the client's timeout, refusals 401/403/409/
 * 422 and 5xx before the store, on the Secret, calico-node, Events, node lists and the Lease), and sometimes a Secret
 * changed by another writer between two actions. The same seed always gives the same schedule; {@link #toString()}
 * lists it.
 *
 * <p>Faults target what the run reaches: a fault that would stop the run for good (a refusal, a lost answer) sits
 * on a write, and faults on reads are few enough for the retries to outlast them; most faults are armed only when
 * the run makes its first write (a change of the cloud or the cluster, Lease writes aside), so that they meet the
 * apply rather than the first observation. Each fault counts whether it fired, and whether after that first write.
 */
final class FaultSchedule {

  /** Every Aliyun operation a fresh BGP apply calls. */
  static final List<String> ALIYUN_OPERATIONS = List.of("GetUser", "CreateUser", "GetPolicy", "ListPolicyVersions",
      "CreatePolicy", "ListPoliciesForUser", "AttachPolicyToUser", "ListAccessKeys", "CreateAccessKey",
      "DeleteAccessKey", "DescribeClusterDetail", "ListClusterAddonInstances", "GetClusterAddonInstance",
      "InstallClusterAddons");
  /** The writes among them, in the order a fresh BGP apply makes them. */
  static final List<String> ALIYUN_WRITES = List.of("CreateUser", "CreatePolicy", "AttachPolicyToUser",
      "CreateAccessKey", "InstallClusterAddons");
  /** The reads an apply makes after its first write (re-observation before each action, the addon's polls). */
  static final List<String> ALIYUN_READS_DURING_APPLY = List.of("GetUser", "GetPolicy", "ListPoliciesForUser",
      "ListAccessKeys", "GetClusterAddonInstance", "ListClusterAddonInstances", "DescribeClusterDetail");

  static final String SECRET_PATH = "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret";
  static final String SECRETS_PATH = "/api/v1/namespaces/kube-system/secrets";
  static final String CALICO_PATH = "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node";
  static final String LEASES_PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
  static final String EVENTS_PATH = "/api/v1/namespaces/kube-system/events";
  static final String NODES_PATH = "/api/v1/nodes";

  /** The kinds of fault a schedule draws from; the suite asserts each fires after some run's first write. */
  enum Kind {
    ALIYUN_THROTTLED,
    ALIYUN_503,
    ALIYUN_500,
    ALIYUN_403,
    ALIYUN_DELAY,
    ALIYUN_DROPPED_AFTER_COMMIT,
    ALIYUN_5XX_AFTER_COMMIT,
    KUBE_5XX_AFTER_COMMIT,
    KUBE_NO_ANSWER_AFTER_COMMIT,
    KUBE_409,
    KUBE_5XX_BEFORE_STORE,
    KUBE_401,
    KUBE_403,
    KUBE_422,
    KUBE_LIST_5XX,
    KUBE_EVENT_LOST,
    /** Lease creation fails: only ever before the first write (the lock comes first); counted, not required. */
    KUBE_LEASE_5XX
  }

  /** One injected fault: what it is, how to put it into a world, and whether (and when) it fired. */
  static final class Fault {
    final Kind kind;
    final String description;
    final boolean armAtFirstWrite;
    /** The read this fault answers with a retried failure ("GET /api/v1/nodes", "aliyun GetUser"), or null. */
    String readPath;
    /** How many consecutive failures it queues on {@link #readPath}. */
    int times;
    private final BiConsumer<World, Fault> inject;
    final AtomicInteger fired = new AtomicInteger();
    final AtomicBoolean firedAfterFirstWrite = new AtomicBoolean();

    Fault(Kind kind, String description, boolean armAtFirstWrite, BiConsumer<World, Fault> inject) {
      this.kind = kind;
      this.description = description;
      this.armAtFirstWrite = armAtFirstWrite;
      this.inject = inject;
    }

    void fire(boolean afterFirstWrite) {
      fired.incrementAndGet();
      if (afterFirstWrite) {
        firedAfterFirstWrite.set(true);
      }
    }

    /** Marks this fault as {@code times} consecutive retried failures of the read {@code path}. */
    Fault onRead(String path, int n) {
      readPath = path;
      times = n;
      return this;
    }

    @Override
    public String toString() {
      return description + (armAtFirstWrite ? " (from the first write on)" : "");
    }
  }

  final long seed;
  final List<Fault> faults = new ArrayList<>();
  /** The action after which another writer changes the Secret, or {@code null}. */
  final String secretChangedAfter;
  /** The data keys (and base64 values) the other writer put into the Secret, once it did. */
  final Map<String, String> thirdPartyData = new LinkedHashMap<>();
  /** Whether the run made a write (of an action, not the Lease): it reached apply. */
  final AtomicBoolean wrote = new AtomicBoolean();

  private final Map<FaultDispatcher.KubeFault, Fault> kubeFaults = new ConcurrentHashMap<>();
  /** Per Aliyun operation: its queued faults in order, each with how many outcomes it queued. */
  private final Map<String, List<Map.Entry<Fault, Integer>>> aliyunQueues = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> aliyunTaken = new ConcurrentHashMap<>();
  private final Map<String, Fault> aliyunDelays = new ConcurrentHashMap<>();

  FaultSchedule(long seed) {
    this.seed = seed;
    Random random = new Random(seed);
    int aliyunFaults = 1 + random.nextInt(3);
    int kubeFaults = 1 + random.nextInt(3);
    // At most one fault that stops the run for good: a second one would never be reached.
    boolean terminal = false;
    // Faults on the same read add up: two "GET nodes 500 x3" are six 500s in a row, more than fabric8's 4 attempts,
    // and the re-observation fails. This schedule's contract (its class comment) is that faults on reads are few
    // enough for the retries to outlast them: a read that gives up stops the run before the apply these schedules
    // exist to exercise. So the total of consecutive failures queued on one read stays below that client's attempts
    // (readBudget); the reads' own give-up is the concern of the retry tests, not of this suite.
    Map<String, Integer> perRead = new LinkedHashMap<>();
    for (int i = 0; i < aliyunFaults + kubeFaults; i++) {
      Fault f;
      do {
        f = i < aliyunFaults ? aliyunFault(random) : kubeFault(random);
      } while ((terminal && terminal(f))
          || (f.readPath != null && perRead.getOrDefault(f.readPath, 0) + f.times > readBudget(f.readPath)));
      terminal |= terminal(f);
      if (f.readPath != null) {
        perRead.merge(f.readPath, f.times, Integer::sum);
      }
      faults.add(f);
    }
    secretChangedAfter = random.nextInt(10) < 3
        ? CrashAnywhereTest.FRESH_BGP_ACTIONS.get(random.nextInt(CrashAnywhereTest.FRESH_BGP_ACTIONS.size() - 1))
        : null;
  }

  /**
   * How many consecutive failures a read may meet in one run and still succeed: one fewer than its client's attempts.
   * fabric8 makes 1 + {@code requestRetryBackoffLimit} (3 in {@link World}) attempts at a 5xx; our {@link
   * io.hybridcni.aliyun.Retrier} makes {@link io.hybridcni.aliyun.RetryPolicy#defaults()}' 6.
   */
  private static int readBudget(String readPath) {
    return readPath.startsWith("aliyun ") ? io.hybridcni.aliyun.RetryPolicy.defaults().maxAttempts() - 1
        : World.KUBE_RETRIES;
  }

  /** A refusal for sure of a write the run cannot do without (an Event's is only logged). */
  private static boolean terminal(Fault f) {
    return switch (f.kind) {
      case ALIYUN_403, KUBE_401, KUBE_403, KUBE_422 -> !f.description.startsWith("POST Event");
      default -> false;
    };
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private Fault aliyun(Kind kind, String op, String what, boolean armAtFirstWrite, int times,
      BiConsumer<OperationFaults, Integer> queue) {
    return new Fault(kind, op + " " + what, armAtFirstWrite, (w, f) -> {
      aliyunQueues.computeIfAbsent(op, k -> new CopyOnWriteArrayList<>()).add(Map.entry(f, times));
      queue.accept(w.aliyun().faults().on(op), times);
    });
  }

  private Fault aliyunFault(Random random) {
    String write = pick(random, ALIYUN_WRITES);
    // A read during the apply, or (one time in four) any operation of the run, the first observation's included.
    boolean early = random.nextInt(4) == 0;
    String read = early ? pick(random, ALIYUN_OPERATIONS) : pick(random, ALIYUN_READS_DURING_APPLY);
    switch (random.nextInt(7)) {
      case 0 -> {
        int times = 1 + random.nextInt(3);
        return aliyun(Kind.ALIYUN_THROTTLED, read, "throttled x" + times, !early, times,
            OperationFaults::throttleTimes).onRead("aliyun " + read, times);
      }
      case 1 -> {
        int times = 1 + random.nextInt(3);
        return aliyun(Kind.ALIYUN_503, read, "503 x" + times, !early, times, OperationFaults::serviceUnavailable)
            .onRead("aliyun " + read, times);
      }
      case 2 -> {
        int times = 1 + random.nextInt(2);
        return aliyun(Kind.ALIYUN_500, read, "500 InternalError x" + times, !early, times,
            (o, n) -> o.failWith("InternalError", 500, n)).onRead("aliyun " + read, times);
      }
      case 3 -> {
        // Not transient: never retried, so the run stops on it; on a write, so that the run gets that far.
        return aliyun(Kind.ALIYUN_403, write, "403 NoPermission", false, 1, (o, n) -> o.failWith("NoPermission", 403));
      }
      case 4 -> {
        int times = 1 + random.nextInt(2);
        return aliyun(Kind.ALIYUN_DROPPED_AFTER_COMMIT, write, "answer lost after commit x" + times, false, times,
            OperationFaults::dropAfterCommit);
      }
      case 5 -> {
        int times = 1 + random.nextInt(2);
        int status = pick(random, List.of(500, 502, 504));
        return aliyun(Kind.ALIYUN_5XX_AFTER_COMMIT, write, "committed, then answered " + status + " x" + times, false,
            times, (o, n) -> o.failAfterCommit(status, n));
      }
      default -> {
        Duration delay = Duration.ofMillis(1 + random.nextInt(20));
        String op = random.nextBoolean() ? write : read;
        return new Fault(Kind.ALIYUN_DELAY, op + " delayed " + delay.toMillis() + " ms", true, (w, f) -> {
          aliyunDelays.put(op, f);
          w.aliyun().faults().on(op).delay(delay);
        });
      }
    }
  }

  private Fault kube(Kind kind, String description, boolean armAtFirstWrite,
      Function<FaultDispatcher, FaultDispatcher.KubeFault> queue) {
    return new Fault(kind, description, armAtFirstWrite, (w, f) -> kubeFaults.put(queue.apply(w.kubeFaults()), f));
  }

  private Fault kubeFault(Random random) {
    // The writes a fresh BGP apply makes: the Secret's create, calico-node's update, the Events.
    record Write(String method, String path, String name) {}
    Write write = pick(random, List.of(new Write("POST", SECRETS_PATH, "Secret"),
        new Write("PUT", CALICO_PATH, "calico-node"), new Write("POST", EVENTS_PATH, "Event")));
    switch (random.nextInt(11)) {
      case 0, 1 -> {
        // fabric8's own retries (3) meet the Events' faults too; the Secret store and calico-node's update have
        // none, and calico-node's executor reads the object back after a lost answer, so a second fault there
        // would never be reached.
        int times = 1 + random.nextInt(switch (write.name()) {
          case "Secret" -> 2;
          case "calico-node" -> 1;
          default -> 4;
        });
        int status = pick(random, List.of(500, 502, 504));
        Kind kind = write.name().equals("Event") ? Kind.KUBE_EVENT_LOST : Kind.KUBE_5XX_AFTER_COMMIT;
        return kube(kind, write.method() + " " + write.name() + " committed, then answered " + status + " x" + times,
            false, d -> d.on(write.method(), write.path()).commitThenAnswer(status, times));
      }
      case 2 -> {
        // A real wait of World.SILENCE: rarer than the others.
        if (random.nextInt(3) != 0) {
          return kube(Kind.KUBE_5XX_AFTER_COMMIT, write.method() + " " + write.name() + " committed, then answered 504",
              false, d -> d.on(write.method(), write.path()).commitThenAnswer(504, 1));
        }
        Kind kind = write.name().equals("Event") ? Kind.KUBE_EVENT_LOST : Kind.KUBE_NO_ANSWER_AFTER_COMMIT;
        return kube(kind, write.method() + " " + write.name() + " committed, then no answer", false,
            d -> d.on(write.method(), write.path()).commitThenNoAnswer(World.SILENCE, 1));
      }
      case 3 -> {
        int times = 1 + random.nextInt(4);
        return kube(Kind.KUBE_409, "PUT calico-node 409 x" + times, false,
            d -> d.on("PUT", CALICO_PATH).reject(409, times));
      }
      case 4 -> {
        int times = 1 + random.nextInt(3);
        int status = random.nextBoolean() ? 500 : 503;
        String what = random.nextBoolean() ? "Secret" : "calico-node";
        return kube(Kind.KUBE_5XX_BEFORE_STORE, "GET " + what + " " + status + " x" + times, true,
            d -> d.on("GET", what.equals("Secret") ? SECRET_PATH : CALICO_PATH).reject(status, times))
            .onRead("GET " + what, times);
      }
      case 5 -> {
        int times = 1 + random.nextInt(4);
        return kube(Kind.KUBE_5XX_BEFORE_STORE, "POST Secret 503 x" + times, false,
            d -> d.on("POST", SECRETS_PATH).reject(503, times));
      }
      case 6 -> {
        return kube(Kind.KUBE_401, write.method() + " " + write.name() + " 401", false,
            d -> d.on(write.method(), write.path()).reject(401, 1));
      }
      case 7 -> {
        return kube(Kind.KUBE_403, write.method() + " " + write.name() + " 403", false,
            d -> d.on(write.method(), write.path()).reject(403, 1));
      }
      case 8 -> {
        return kube(Kind.KUBE_422, write.method() + " " + write.name() + " 422", false,
            d -> d.on(write.method(), write.path()).reject(422, 1));
      }
      case 9 -> {
        int times = 1 + random.nextInt(3);
        return kube(Kind.KUBE_LIST_5XX, "GET nodes (list) 500 x" + times, true,
            d -> d.on("GET", NODES_PATH).reject(500, times)).onRead("GET nodes", times);
      }
      default -> {
        int times = 1 + random.nextInt(3);
        return kube(Kind.KUBE_LEASE_5XX, "POST Lease 500 x" + times, false,
            d -> d.on("POST", LEASES_PATH).reject(500, times));
      }
    }
  }

  /**
   * Puts the faults into the world: those on writes now, the others when the run makes its first write (the Secret
   * change happens during the apply, see {@link #around}); and listens to both servers, to tell which fired when.
   */
  void inject(World world) {
    world.kubeFaults().listener((method, path, fault) -> {
      boolean write = !method.equals("GET") && !path.startsWith(LEASES_PATH);
      if (write) {
        firstWrite(world);
      }
      Fault f = fault == null ? null : kubeFaults.get(fault);
      if (f != null) {
        f.fire(wrote.get());
      }
    });
    world.aliyun().faults().listener((operation, injected) -> {
      if (ALIYUN_WRITES.contains(operation) || operation.startsWith("Delete")) {
        firstWrite(world);
      }
      Fault delay = aliyunDelays.get(operation);
      if (delay != null) {
        delay.fire(wrote.get());
      }
      if (injected) {
        int k = aliyunTaken.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
        for (Map.Entry<Fault, Integer> queued : aliyunQueues.getOrDefault(operation, List.of())) {
          if (k <= queued.getValue()) {
            queued.getKey().fire(wrote.get());
            break;
          }
          k -= queued.getValue();
        }
      }
    });
    faults.stream().filter(f -> !f.armAtFirstWrite).forEach(f -> f.inject.accept(world, f));
  }

  private void firstWrite(World world) {
    if (wrote.compareAndSet(false, true)) {
      faults.stream().filter(f -> f.armAtFirstWrite).forEach(f -> f.inject.accept(world, f));
    }
  }

  /** The faults that fired, as "description (fired n)". */
  List<String> firedFaults() {
    return faults.stream().filter(f -> f.fired.get() > 0).map(f -> f.description + " (fired " + f.fired.get()
        + (f.firedAfterFirstWrite.get() ? ", after the first write" : "") + ")").toList();
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
