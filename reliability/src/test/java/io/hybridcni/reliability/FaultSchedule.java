package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.kube.Ticker;
import io.hybridcni.testkit.aliyun.OperationFaults;
import io.hybridcni.testkit.kube.FaultDispatcher;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One seeded schedule of faults for one run of a {@link Scenario} (a fresh BGP apply, a fresh apply on the Tigera
 * operator's Calico, or the destroy of a converged cluster): faults of the fake Aliyun (throttling, 503, 500, a 403
 * that is no use retrying, delays, answers lost after the change was committed: dropped or answered 5xx), of the
 * mock cluster (a write committed and then answered 5xx or not at all before the client's timeout, refusals
 * 401/403/409/422 and 5xx before the store, on the Secret, calico-node, the Installation, Events, node lists), of the
 * Lease (its creation, its renewals during the apply, a renewal that fails while a step outlasts the renew deadline,
 * its release), and sometimes a Secret changed by another writer between two actions. The same seed always gives
 * the same schedule; {@link #toString()} lists it.
 *
 * <p><b>Every queued fault is one the run reaches.</b> Faults are drawn only for requests in the scenario's
 * {@link RequestTrace} (a fault-free run of the same scenario), at or after the point they are armed at: the start,
 * the run's first write, or (the Lease's renewals) the end of an action. A fault that may stop the run (a refusal of
 * a write the run cannot do without, the Lease lost, a Secret changed before the AccessKey action, which makes it
 * stale) is at most one per schedule, and every other fault targets a request the trace makes before it; the faults
 * that do not stop the run only add requests (retries, read-backs), never take later ones away. There is at most one
 * fault per write, since the first one's read-back may find the write done and make no second one. Faults on reads
 * stay within the retries of the client that makes them. The Lease's renewals and its release are reached by every
 * run that takes the lock and runs an action: the slow step after an action waits until the renewal faults queued
 * there fired. Each fault counts whether it fired, and whether after that first write; the suite asserts that every
 * one did.
 */
final class FaultSchedule {

  static final String SECRET_PATH = "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret";
  static final String SECRETS_PATH = "/api/v1/namespaces/kube-system/secrets";
  static final String CALICO_PATH = "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node";
  static final String INSTALLATION_PATH = "/apis/operator.tigera.io/v1/installations/default";
  static final String LEASES_PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
  static final String LEASE_PATH = LEASES_PATH + "/" + World.LEASE;
  static final String NODES_PATH = "/api/v1/nodes";

  /** How often the lock renews in a schedule with faults on its renewals: many times during one apply. */
  static final Duration RENEW_PERIOD = Duration.ofMillis(20);
  /**
   * How far a step that "outlasts the renew deadline" moves the faulted run's lock ticker: past the lock's default
   * renew deadline (two thirds of its 30 s lease duration).
   */
  static final Duration SLOW_STEP = Duration.ofSeconds(21);

  /** The run a schedule faults, and the world it starts from. */
  enum Scenario {
    FRESH_BGP("apply", World.Flavour.CALICO_BGP, false),
    OPERATOR("operator apply", World.Flavour.CALICO_OPERATOR, false),
    DESTROY("destroy", World.Flavour.CALICO_BGP, true);

    final String label;
    final World.Flavour flavour;
    final boolean destroy;

    Scenario(String label, World.Flavour flavour, boolean destroy) {
      this.label = label;
      this.flavour = flavour;
      this.destroy = destroy;
    }

    /** Seeds 1 to 200: one in ten on the operator's Calico, one in ten a destroy, the others a fresh BGP apply. */
    static Scenario of(long seed) {
      return switch ((int) Math.floorMod(seed, 10L)) {
        case 3 -> OPERATOR;
        case 7 -> DESTROY;
        default -> FRESH_BGP;
      };
    }

    /** Resets {@code world} to where this scenario's run starts (for a destroy: a converged apply). */
    void prepare(World world) {
      world.resetAs(flavour);
      if (destroy) {
        world.convergeFirst(World.spec());
      }
    }

    ReconcileResult run(Reconciler reconciler, String holder, Duration waitForLock) {
      ApplyOptions options = ApplyOptions.defaults().withHolder(holder).withWaitForLock(waitForLock);
      return destroy ? reconciler.destroy(World.spec(), options) : reconciler.reconcile(World.spec(), options);
    }
  }

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
    KUBE_LEASE_5XX,
    /** A renewal during the apply fails (5xx, 409, 403) or its answer is lost; the next one renews. */
    KUBE_LEASE_RENEW,
    /** A renewal fails and the step outlasts the renew deadline: the run stops before its next action. */
    KUBE_LEASE_LOST,
    /** The release at the end is refused or its answer lost; a refused one leaves the Lease to expire. */
    KUBE_LEASE_RELEASE
  }

  /** When a fault is put into the world. */
  enum Arm {
    /** Before the run starts. */
    START,
    /** When the run makes its first write. */
    FIRST_WRITE,
    /** In the slow step after the run's first action (renewals). */
    FIRST_ACTION_END,
    /** In the slow step after action {@link FaultSchedule#leaseLostAfter}. */
    LEASE_LOST_STEP
  }

  /** One injected fault: what it is, how to put it into a world, and whether (and when) it fired. */
  static final class Fault {
    final Kind kind;
    final String description;
    /** What it targets, for the report: an Aliyun operation, "Secret create", "Lease renew", ... */
    String family;
    /** The trace entry it targets ("aliyun GetUser", "kube POST /api/v1/..."), or null for the Lease's. */
    String target;
    Arm arm = Arm.START;
    /** Whether it may stop the run, so that nothing after its target may be counted on. */
    boolean stops;
    /** Whether the target is a write (at most one fault per write). */
    boolean onWrite;
    /** The read this fault answers with a retried failure ("GET /api/v1/nodes", "aliyun GetUser"), or null. */
    String readPath;
    /** How many consecutive failures it queues on {@link #readPath}. */
    int times = 1;
    /** Where in the trace it is first reached; -1 when never, {@link Integer#MIN_VALUE} when always. */
    int position;
    private final BiConsumer<World, Fault> inject;
    volatile FaultDispatcher.KubeFault kubeFault;
    final AtomicInteger fired = new AtomicInteger();
    final AtomicBoolean firedAfterFirstWrite = new AtomicBoolean();

    Fault(Kind kind, String description, BiConsumer<World, Fault> inject) {
      this.kind = kind;
      this.description = description;
      this.inject = inject;
    }

    void fire(boolean afterFirstWrite) {
      fired.incrementAndGet();
      if (afterFirstWrite) {
        firedAfterFirstWrite.set(true);
      }
    }

    Fault on(String family, String target, boolean onWrite) {
      this.family = family;
      this.target = target;
      this.onWrite = onWrite;
      return this;
    }

    Fault armed(Arm value) {
      this.arm = value;
      return this;
    }

    Fault stopping(boolean value) {
      this.stops = value;
      return this;
    }

    /** Marks this fault as {@code n} consecutive retried failures of the read {@code path}. */
    Fault onRead(String path, int n) {
      readPath = path;
      times = n;
      return this;
    }

    Fault times(int n) {
      times = n;
      return this;
    }

    @Override
    public String toString() {
      return description + switch (arm) {
        case START -> "";
        case FIRST_WRITE -> " (from the first write on)";
        case FIRST_ACTION_END -> " (after the first action)";
        case LEASE_LOST_STEP -> "";
      };
    }
  }

  final long seed;
  final Scenario scenario;
  final List<Fault> faults = new ArrayList<>();
  /** The action after which another writer changes the Secret, or {@code null}. */
  final String secretChangedAfter;
  /** The action after which a renewal fails and the step outlasts the renew deadline, or {@code null}. */
  final String leaseLostAfter;
  /** The data keys (and base64 values) the other writer put into the Secret, once it did. */
  final Map<String, String> thirdPartyData = new LinkedHashMap<>();
  /** Whether the run made a write (of an action, not the Lease): it reached apply. */
  final AtomicBoolean wrote = new AtomicBoolean();
  /** The faulted run's lock ticker: the system's, moved on by a step that outlasts the renew deadline. */
  final AtomicLong tickerSkew = new AtomicLong();
  /** Set once a step outlasted the renew deadline: from then on the run must make no write. */
  final AtomicBoolean leaseLost = new AtomicBoolean();
  /** Problems of the schedule's own machinery (a slow step whose faults never fired), for the test to report. */
  final List<String> machinery = new CopyOnWriteArrayList<>();

  private final RequestTrace trace;
  private final Map<FaultDispatcher.KubeFault, Fault> kubeFaults = new ConcurrentHashMap<>();
  /** Per Aliyun operation: its queued faults in order, each with how many outcomes it queued. */
  private final Map<String, List<Map.Entry<Fault, Integer>>> aliyunQueues = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> aliyunTaken = new ConcurrentHashMap<>();
  private final Map<String, Fault> aliyunDelays = new ConcurrentHashMap<>();
  private final AtomicBoolean firstActionDone = new AtomicBoolean();
  private final Map<String, Integer> perRead = new LinkedHashMap<>();

  FaultSchedule(long seed, RequestTrace trace) {
    this.seed = seed;
    this.trace = trace;
    this.scenario = trace.scenario;
    // java.util.Random's first draws of nearby seeds are alike (seeds 3, 13, 23... all drew the same first fault, a
    // 401 on the Installation, so that no operator schedule converged): mix the seed first.
    Random random = new Random(new java.util.SplittableRandom(seed).nextLong());
    List<String> actions = trace.actions();

    // The scenario's own writes first, so that no other fault crowds them out: the Installation's update on the
    // operator's path, each destroy step in turn on the destroy path.
    if (scenario == Scenario.OPERATOR) {
      add(writeFault(random, "kube PUT " + INSTALLATION_PATH));
    } else if (scenario == Scenario.DESTROY) {
      List<String> steps = trace.distinct(e -> hybridcniWrite(e) && !e.endsWith("/events"), 0);
      add(writeFault(random, steps.get((int) Math.floorMod(seed / 10, (long) steps.size()))));
    }
    int aliyunFaults = 1 + random.nextInt(3);
    int kubeFaults = 1 + random.nextInt(3);
    for (int i = 0; i < aliyunFaults + kubeFaults; i++) {
      boolean aliyun = i < aliyunFaults;
      for (int attempt = 0; attempt < 30; attempt++) {
        if (add(aliyun ? aliyunFault(random) : kubeFault(random))) {
          break;
        }
      }
    }
    if (random.nextInt(4) == 0) {
      add(renewFault(random));
    }
    if (random.nextInt(6) == 0) {
      add(releaseFault(random));
    }
    String lost = null;
    if (random.nextInt(4) == 0) {
      String after = actions.get(random.nextInt(actions.size() - 1));
      Fault f = kube(Kind.KUBE_LEASE_LOST, "PUT Lease (renew) 503 x" + (World.KUBE_RETRIES + 1) + " after " + after
          + ", and the step outlasts the renew deadline", d -> d.on("PUT", LEASE_PATH)
          .reject(503, World.KUBE_RETRIES + 1)).on("Lease lost", null, false).armed(Arm.LEASE_LOST_STEP)
          .stopping(true).times(World.KUBE_RETRIES + 1);
      f.position = trace.endOf(after);
      if (add(f)) {
        lost = after;
      }
    }
    leaseLostAfter = lost;
    String changed = null;
    if (!scenario.destroy && random.nextInt(10) < 3) {
      String after = actions.get(random.nextInt(actions.size() - 1));
      int at = trace.endOf(after);
      // Before the AccessKey action, the change makes it stale (its fingerprint holds the Secret): the run stops.
      boolean stops = at < trace.endOf("access-key-secret");
      if (!stops || fitsBeforeAll(at)) {
        changed = after;
      }
    }
    secretChangedAfter = changed;
  }

  /** Whether a stop at trace index {@code at} comes after everything queued so far (and nothing else stops). */
  private boolean fitsBeforeAll(int at) {
    return faults.stream().noneMatch(f -> f.stops)
        && faults.stream().allMatch(f -> f.position == Integer.MIN_VALUE || f.position < at);
  }

  /**
   * Adds {@code f} if the run reaches it: its target is in the trace after its arming point, no other fault sits on
   * the same write, at most one fault may stop the run and everything else is reached before it, and the faults on a
   * read stay within that read's retries. Answers whether it was added.
   */
  private boolean add(Fault f) {
    if (f == null) {
      return false;
    }
    if (f.target != null && (f.arm == Arm.START || f.arm == Arm.FIRST_WRITE)) {
      f.position = trace.first(f.target, f.arm == Arm.START ? 0 : trace.firstWrite + 1);
    }
    if (f.position == -1) {
      return false;
    }
    if (f.onWrite && faults.stream().anyMatch(o -> o.onWrite && o.target.equals(f.target))) {
      return false;
    }
    // An operation has one delay: a second one would replace the first, which would then never fire.
    if (f.kind == Kind.ALIYUN_DELAY
        && faults.stream().anyMatch(o -> o.kind == Kind.ALIYUN_DELAY && o.target.equals(f.target))) {
      return false;
    }
    if (f.target == null && f.arm != Arm.LEASE_LOST_STEP
        && faults.stream().anyMatch(o -> o.target == null && o.family.equals(f.family))) {
      return false;
    }
    if (f.readPath != null && perRead.getOrDefault(f.readPath, 0) + f.times > readBudget(f.readPath)) {
      return false;
    }
    if (f.position != Integer.MIN_VALUE) {
      for (Fault o : faults) {
        if (o.position == Integer.MIN_VALUE) {
          continue;
        }
        if (f.stops && (o.stops || o.position >= f.position)) {
          return false;
        }
        if (o.stops && f.position >= o.position) {
          return false;
        }
      }
    }
    if (f.readPath != null) {
      perRead.merge(f.readPath, f.times, Integer::sum);
    }
    faults.add(f);
    return true;
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

  private static <T> T pick(Random random, List<T> values) {
    return values.isEmpty() ? null : values.get(random.nextInt(values.size()));
  }

  private Fault aliyun(Kind kind, String op, String what, int times, BiConsumer<OperationFaults, Integer> queue) {
    return new Fault(kind, op + " " + what, (w, f) -> {
      aliyunQueues.computeIfAbsent(op, k -> new CopyOnWriteArrayList<>()).add(Map.entry(f, times));
      queue.accept(w.aliyun().faults().on(op), times);
    }).on(op, "aliyun " + op, RequestTrace.aliyunWrite(op)).times(times);
  }

  private Fault aliyunDelay(Random random, String op) {
    Duration delay = Duration.ofMillis(1 + random.nextInt(20));
    return new Fault(Kind.ALIYUN_DELAY, op + " delayed " + delay.toMillis() + " ms", (w, f) -> {
      aliyunDelays.put(op, f);
      w.aliyun().faults().on(op).delay(delay);
    }).on(op, "aliyun " + op, false).armed(Arm.FIRST_WRITE);
  }

  private Fault aliyunFault(Random random) {
    List<String> writes = trace.distinct(e -> e.startsWith("aliyun ") && RequestTrace.isWrite(e), 0);
    // A read during the apply, or (one time in four) any read of the run, the first observation's included.
    boolean early = random.nextInt(4) == 0;
    List<String> reads = trace.distinct(e -> e.startsWith("aliyun ") && !RequestTrace.isWrite(e),
        early ? 0 : trace.firstWrite + 1);
    String write = pick(random, writes);
    String read = pick(random, reads);
    read = read == null ? null : read.substring("aliyun ".length());
    Arm arm = early ? Arm.START : Arm.FIRST_WRITE;
    int choice = random.nextInt(7);
    if (choice >= 3 && write != null) {
      return writeFault(random, write);
    }
    if (read == null) {
      return null;
    }
    switch (choice) {
      case 0 -> {
        int times = 1 + random.nextInt(3);
        return aliyun(Kind.ALIYUN_THROTTLED, read, "throttled x" + times, times, OperationFaults::throttleTimes)
            .armed(arm).onRead("aliyun " + read, times);
      }
      case 1 -> {
        int times = 1 + random.nextInt(3);
        return aliyun(Kind.ALIYUN_503, read, "503 x" + times, times, OperationFaults::serviceUnavailable)
            .armed(arm).onRead("aliyun " + read, times);
      }
      case 2 -> {
        int times = 1 + random.nextInt(2);
        return aliyun(Kind.ALIYUN_500, read, "500 InternalError x" + times, times,
            (o, n) -> o.failWith("InternalError", 500, n)).armed(arm).onRead("aliyun " + read, times);
      }
      default -> {
        return aliyunDelay(random, read);
      }
    }
  }

  /**
   * Whether a trace entry is a write hybridcni makes: any Aliyun write; of the cluster's, the Secret's create and
   * delete, calico-node's and the Installation's update and the Events. The trace also holds the writes of the
   * world's simulated controllers (pods placed and removed, Terway's DaemonSet, the operator's rendering), which no
   * fault may target: they are not the run's.
   */
  static boolean hybridcniWrite(String entry) {
    if (entry.startsWith("aliyun ")) {
      return RequestTrace.isWrite(entry);
    }
    return List.of("kube POST " + SECRETS_PATH, "kube DELETE " + SECRET_PATH, "kube PUT " + CALICO_PATH,
        "kube PUT " + INSTALLATION_PATH).contains(entry)
        || entry.matches("kube POST /api/v1/namespaces/[a-z0-9-]+/events");
  }

  /** What a Kubernetes write target is called in descriptions and families. */
  private static String kubeName(String method, String path) {
    String what = path.endsWith("/events") ? "Event"
        : path.equals(SECRETS_PATH) || path.equals(SECRET_PATH) ? "Secret"
        : path.endsWith("/daemonsets/calico-node") ? "calico-node"
        : path.equals(INSTALLATION_PATH) ? "Installation"
        : path;
    if (what.equals("Event")) {
      return what;
    }
    return what + " " + switch (method) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "DELETE" -> "delete";
      default -> method;
    };
  }

  /**
   * Whether an Aliyun write fault ends the faulted run by design: CreateAccessKey creates a key each time, and a
   * second lost answer stops the action (both unusable keys deleted, no third create), so the later faults of the
   * schedule would never be reached.
   */
  private static boolean stopsTheRun(String op, int times) {
    return op.equals("CreateAccessKey") && times > 1;
  }

  /** A fault on one write the trace makes ({@code "aliyun Op"} or {@code "kube METHOD path"}). */
  private Fault writeFault(Random random, String target) {
    if (target.startsWith("aliyun ")) {
      String op = target.substring("aliyun ".length());
      switch (random.nextInt(4)) {
        case 0 -> {
          // Not transient: never retried, so the run stops on it.
          return aliyun(Kind.ALIYUN_403, op, "403 NoPermission", 1, (o, n) -> o.failWith("NoPermission", 403))
              .stopping(true);
        }
        case 1 -> {
          int times = 1 + random.nextInt(2);
          return aliyun(Kind.ALIYUN_DROPPED_AFTER_COMMIT, op, "answer lost after commit x" + times, times,
              OperationFaults::dropAfterCommit).stopping(stopsTheRun(op, times));
        }
        case 2 -> {
          int times = 1 + random.nextInt(2);
          int status = pick(random, List.of(500, 502, 504));
          return aliyun(Kind.ALIYUN_5XX_AFTER_COMMIT, op, "committed, then answered " + status + " x" + times, times,
              (o, n) -> o.failAfterCommit(status, n)).stopping(stopsTheRun(op, times));
        }
        default -> {
          return aliyunDelay(random, op);
        }
      }
    }
    String[] parts = target.split(" ", 3);
    String method = parts[1];
    String path = parts[2];
    String name = kubeName(method, path);
    boolean event = name.equals("Event");
    String family = (scenario.destroy && !event ? "destroy: " : "") + name;
    switch (random.nextInt(8)) {
      case 0, 1 -> {
        // fabric8's own retries (3) meet the Events' faults too. The Secret store, the Secret's deletion and the
        // Calico executors read the object back after a lost answer and find the write done: a second fault on
        // the same write would never be reached.
        int times = event ? 1 + random.nextInt(4) : 1;
        int status = pick(random, List.of(500, 502, 504));
        return kube(event ? Kind.KUBE_EVENT_LOST : Kind.KUBE_5XX_AFTER_COMMIT, method + " " + name
            + " committed, then answered " + status + " x" + times, d -> d.on(method, path)
            .commitThenAnswer(status, times)).on(family, target, true).times(times);
      }
      case 2 -> {
        // A real wait of World.SILENCE: rarer than the others.
        if (random.nextInt(3) != 0) {
          return kube(event ? Kind.KUBE_EVENT_LOST : Kind.KUBE_5XX_AFTER_COMMIT, method + " " + name
              + " committed, then answered 504", d -> d.on(method, path).commitThenAnswer(504, 1))
              .on(family, target, true);
        }
        return kube(event ? Kind.KUBE_EVENT_LOST : Kind.KUBE_NO_ANSWER_AFTER_COMMIT, method + " " + name
            + " committed, then no answer", d -> d.on(method, path).commitThenNoAnswer(World.SILENCE, 1))
            .on(family, target, true);
      }
      case 3 -> {
        if (method.equals("POST")) {
          // A create never conflicts on a resourceVersion; a 503 before the store instead.
          int times = 1 + random.nextInt(event ? 3 : 4);
          return kube(Kind.KUBE_5XX_BEFORE_STORE, method + " " + name + " 503 x" + times,
              d -> d.on(method, path).reject(503, times)).on(family, target, true).times(times);
        }
        int times = 1 + random.nextInt(method.equals("DELETE") ? 3 : 4);
        return kube(Kind.KUBE_409, method + " " + name + " 409 x" + times, d -> d.on(method, path)
            .reject(409, times)).on(family, target, true).times(times);
      }
      case 4 -> {
        int times = 1 + random.nextInt(event || method.equals("POST") ? 3 : 2);
        return kube(Kind.KUBE_5XX_BEFORE_STORE, method + " " + name + " 503 x" + times,
            d -> d.on(method, path).reject(503, times)).on(family, target, true).times(times);
      }
      case 5 -> {
        return refusal(Kind.KUBE_401, 401, method, path, name, family, target, event);
      }
      case 6 -> {
        return refusal(Kind.KUBE_403, 403, method, path, name, family, target, event);
      }
      default -> {
        return refusal(Kind.KUBE_422, 422, method, path, name, family, target, event);
      }
    }
  }

  /** A refusal for sure; it stops the run unless it is an Event's (which is only logged). */
  private Fault refusal(Kind kind, int status, String method, String path, String name, String family,
      String target, boolean event) {
    return kube(kind, method + " " + name + " " + status, d -> d.on(method, path).reject(status, 1))
        .on(family, target, true).stopping(!event);
  }

  private Fault kube(Kind kind, String description, Function<FaultDispatcher, FaultDispatcher.KubeFault> queue) {
    return new Fault(kind, description, (w, f) -> {
      FaultDispatcher.KubeFault k = queue.apply(w.kubeFaults());
      f.kubeFault = k;
      kubeFaults.put(k, f);
    });
  }

  private Fault kubeFault(Random random) {
    List<String> writes = trace.distinct(e -> e.startsWith("kube ") && hybridcniWrite(e), 0);
    int choice = random.nextInt(10);
    if (choice < 6) {
      String write = pick(random, writes);
      return write == null ? null : writeFault(random, write);
    }
    switch (choice) {
      case 6, 7 -> {
        // The reads the observer makes during an apply, through clients that retry them.
        List<String> reads = new ArrayList<>(List.of(SECRET_PATH));
        if (scenario.flavour == World.Flavour.CALICO_BGP) {
          reads.add(CALICO_PATH);
        } else {
          reads.add(INSTALLATION_PATH);
        }
        String path = pick(random, reads);
        String what = path.equals(SECRET_PATH) ? "Secret" : path.equals(CALICO_PATH) ? "calico-node" : "Installation";
        int times = 1 + random.nextInt(3);
        int status = random.nextBoolean() ? 500 : 503;
        return kube(Kind.KUBE_5XX_BEFORE_STORE, "GET " + what + " " + status + " x" + times,
            d -> d.on("GET", path).reject(status, times)).on("reads", "kube GET " + path, false)
            .armed(Arm.FIRST_WRITE).onRead("kube GET " + path, times);
      }
      case 8 -> {
        int times = 1 + random.nextInt(3);
        return kube(Kind.KUBE_LIST_5XX, "GET nodes (list) 500 x" + times, d -> d.on("GET", NODES_PATH)
            .reject(500, times)).on("reads", "kube GET " + NODES_PATH, false).armed(Arm.FIRST_WRITE)
            .onRead("kube GET " + NODES_PATH, times);
      }
      default -> {
        // The lock's creation: before every write. fabric8 retries its 500s.
        int times = 1 + random.nextInt(World.KUBE_RETRIES);
        Fault f = kube(Kind.KUBE_LEASE_5XX, "POST Lease 500 x" + times, d -> d.on("POST", LEASES_PATH)
            .reject(500, times)).on("Lease create", null, false).times(times);
        f.position = Integer.MIN_VALUE;
        return f;
      }
    }
  }

  /**
   * A fault on a renewal during the apply, queued after the first action; the lock renews every {@link
   * #RENEW_PERIOD} in such a schedule. None loses the Lease: fabric8 retries the 5xx (a retried PUT of a renewal
   * that had committed answers 409, and the lock's read-back shows it ours), a 409 or 403 leaves the renewal to the
   * next period, well within the renew deadline.
   */
  private Fault renewFault(Random random) {
    Fault f = switch (random.nextInt(4)) {
      case 0 -> {
        int times = 1 + random.nextInt(World.KUBE_RETRIES);
        yield kube(Kind.KUBE_LEASE_RENEW, "PUT Lease (renew) 500 x" + times, d -> d.on("PUT", LEASE_PATH)
            .reject(500, times)).times(times);
      }
      case 1 -> kube(Kind.KUBE_LEASE_RENEW, "PUT Lease (renew) committed, then answered 504",
          d -> d.on("PUT", LEASE_PATH).commitThenAnswer(504, 1));
      case 2 -> kube(Kind.KUBE_LEASE_RENEW, "PUT Lease (renew) 409", d -> d.on("PUT", LEASE_PATH).reject(409, 1));
      default -> kube(Kind.KUBE_LEASE_RENEW, "PUT Lease (renew) 403", d -> d.on("PUT", LEASE_PATH).reject(403, 1));
    };
    f.on("Lease renew", null, false).armed(Arm.FIRST_ACTION_END).position = Integer.MIN_VALUE;
    return f;
  }

  /**
   * A fault on the release, which every run that took the lock makes. fabric8 retries the 5xx; a delete that
   * committed and was answered 504 is retried and finds the Lease gone; a 403 leaves the Lease to expire, which the
   * next run then takes over once it has watched it unchanged for the lease duration.
   */
  private Fault releaseFault(Random random) {
    Fault f = switch (random.nextInt(3)) {
      case 0 -> {
        int times = 1 + random.nextInt(World.KUBE_RETRIES);
        yield kube(Kind.KUBE_LEASE_RELEASE, "DELETE Lease 500 x" + times, d -> d.on("DELETE", LEASE_PATH)
            .reject(500, times)).times(times);
      }
      case 1 -> kube(Kind.KUBE_LEASE_RELEASE, "DELETE Lease committed, then answered 504",
          d -> d.on("DELETE", LEASE_PATH).commitThenAnswer(504, 1));
      default -> kube(Kind.KUBE_LEASE_RELEASE, "DELETE Lease 403 (left to expire)",
          d -> d.on("DELETE", LEASE_PATH).reject(403, 1));
    };
    f.on("Lease release", null, false).armed(Arm.FIRST_WRITE).position = Integer.MIN_VALUE;
    return f;
  }

  /** Whether the lock renews often in this schedule's run (it has faults on renewals). */
  Duration renewPeriod() {
    return faults.stream().anyMatch(f -> f.arm == Arm.FIRST_ACTION_END || f.arm == Arm.LEASE_LOST_STEP)
        ? RENEW_PERIOD : null;
  }

  /** The faulted run's lock ticker. */
  Ticker ticker() {
    return () -> System.nanoTime() + tickerSkew.get();
  }

  /** Whether a fault that leaves the Lease behind (a refused release) fired. */
  boolean leaseLeftBehind() {
    return faults.stream().anyMatch(f -> f.kind == Kind.KUBE_LEASE_RELEASE && f.fired.get() > 0
        && f.kubeFault != null && f.kubeFault.kind() == FaultDispatcher.Kind.REJECT && f.kubeFault.status() == 403);
  }

  /**
   * Puts the faults into the world: those armed at the start now, the others when the run makes its first write or
   * in the slow step after an action ({@link #around}); and listens to both servers, to tell which fired when.
   */
  void inject(World world) {
    world.kubeFaults().listener((method, path, fault) -> {
      boolean write = !method.equals("GET") && !path.startsWith(LEASES_PATH);
      if (write) {
        firstWrite(world);
        if (leaseLost.get()) {
          machinery.add("a write after the Lease was lost: " + method + " " + RequestTrace.withoutQuery(path));
        }
      }
      Fault f = fault == null ? null : kubeFaults.get(fault);
      if (f != null) {
        f.fire(wrote.get());
      }
    });
    world.aliyun().faults().listener((operation, injected) -> {
      if (RequestTrace.aliyunWrite(operation)) {
        firstWrite(world);
        if (leaseLost.get()) {
          machinery.add("a write after the Lease was lost: " + operation);
        }
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
    arm(world, Arm.START);
  }

  private void arm(World world, Arm arm) {
    faults.stream().filter(f -> f.arm == arm).forEach(f -> f.inject.accept(world, f));
  }

  private void firstWrite(World world) {
    if (wrote.compareAndSet(false, true)) {
      arm(world, Arm.FIRST_WRITE);
    }
  }

  /** The faults that fired, as "description (fired n)". */
  List<String> firedFaults() {
    return faults.stream().filter(f -> f.fired.get() > 0).map(f -> f.description + " (fired " + f.fired.get()
        + (f.firedAfterFirstWrite.get() ? ", after the first write" : "") + ")").toList();
  }

  /**
   * Wraps an executor so that another writer changes the Secret right after the chosen action, and so that the
   * steps the Lease's faults need happen: after the first action, the renewal faults are queued and the step lasts
   * until they fired; after {@link #leaseLostAfter}, a renewal fails and the step outlasts the renew deadline.
   */
  ActionExecutor<?> around(World world, ActionExecutor<?> executor) {
    return executor.around((action, context, step) -> {
      try {
        return step.get();
      } finally {
        if (action.id().equals(secretChangedAfter) && thirdPartyData.isEmpty()) {
          changeSecret(world);
        }
        if (firstActionDone.compareAndSet(false, true)) {
          slowStep(world, Arm.FIRST_ACTION_END);
        }
        if (action.id().equals(leaseLostAfter)) {
          slowStep(world, Arm.LEASE_LOST_STEP);
          tickerSkew.addAndGet(SLOW_STEP.toNanos());
          leaseLost.set(true);
        }
      }
    });
  }

  /** Queues the faults armed at {@code arm} and lasts until each was used up by the lock's renewals. */
  private void slowStep(World world, Arm arm) {
    List<Fault> armed = faults.stream().filter(f -> f.arm == arm).toList();
    if (armed.isEmpty()) {
      return;
    }
    arm(world, arm);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (armed.stream().anyMatch(f -> f.kubeFault.remaining() > 0) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    armed.stream().filter(f -> f.kubeFault.remaining() > 0).forEach(f -> machinery.add("no renewal met " + f
        + " within 5 s of its step"));
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
    return "seed " + seed + " (" + scenario.label + "): " + faults + (secretChangedAfter == null ? ""
        : ", Secret changed by another writer after " + secretChangedAfter);
  }
}
