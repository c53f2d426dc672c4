package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.controller.HybridNetworkController;
import io.hybridcni.controller.resource.HybridNetwork;
import io.hybridcni.controller.resource.HybridNetworkStatusWriter;
import io.hybridcni.controller.resource.KubeconfigSecretRef;
import io.hybridcni.controller.resource.ResourceSpecs;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.Sensitive;
import io.hybridcni.kube.ClusterCache;
import io.hybridcni.kube.Ticker;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet mode: one controller deployment in a hub cluster keeps many registered clusters. An informer watches the
 * HybridNetworks of one namespace (or all) in the hub; for every one whose {@code spec.kubeconfigSecretRef} is set and
 * whose shard ({@link ShardOwnership#shardOf}) this replica holds, the fleet keeps one member: the kubeconfig read
 * from the Secret, a client of the member cluster with bounded timeouts, a probe of its API server, an informer cache
 * ({@link ClusterCache}) and a {@link HybridNetworkController} whose leadership is "this replica holds the shard"
 * ({@link ShardLeadership}), its status written to the HybridNetwork in the hub by a
 * {@link HybridNetworkStatusWriter}. Every member's Aliyun calls go through the {@link AliyunAccount}'s one
 * connection per region and its one call limiter.
 *
 * <pre>{@code
 * Fleet fleet = Fleet.builder(hub)
 *     .namespace("fleet")
 *     .ownership(shards)
 *     .account(AliyunAccount.of(limiter, region -> AliyunConnection.forRegion(region)))
 *     .wiring(StandardMemberWiring.builder().build())
 *     .identity(podName)
 *     .build();
 * fleet.start();
 * }</pre>
 *
 * <p><b>Isolation.</b> Each member runs on its own threads (its controller's loop, its probe, its informers); the
 * fleet's one thread only reads the hub (the informer's store, the kubeconfig Secrets) and builds or stops members,
 * never waiting on a member cluster: building one sends nothing to it, and stopping one runs on a thread of its own.
 * Every request to a member is bounded by its client's timeouts. A member whose API server does not answer fails its
 * rounds (its probe says so) and its HybridNetwork alone gets Degraded; the others go on.
 *
 * <p><b>When members change.</b> The fleet looks again when a HybridNetwork is added or deleted, when its
 * {@code metadata.generation} changes (a new spec or Secret ref), when the held shards change, and every
 * {@code secretPoll} (the Secrets are read with {@code get}, not watched: the fleet needs no list or watch of every
 * Secret of the namespace, and holds none it does not use); a member whose kubeconfig's bytes changed is built again.
 * A Secret that is missing, lacks its key or does not hold a usable kubeconfig is a Degraded condition (reason
 * {@code KubeconfigUnavailable}) on that HybridNetwork, naming the Secret and key; a spec that does not parse is
 * Degraded with {@code InvalidSpec}. Neither is retried before the next change or poll.
 *
 * <p><b>Shards.</b> A member's writes ask {@link ShardOwnership#stillHeld} before each action, so a shard that moves
 * away stops them before the next one; the fleet then stops the member. When a shard comes (back), its members are
 * built.
 */
public final class Fleet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

  /** Reason of the Degraded condition written when the kubeconfig Secret cannot give a usable kubeconfig. */
  public static final String KUBECONFIG_UNAVAILABLE = "KubeconfigUnavailable";
  /** Reason of the Degraded condition written when a member could not be built (its wiring failed). */
  public static final String MEMBER_NOT_STARTED = "MemberNotStarted";
  /** Reason of the Degraded condition written when the HybridNetwork's spec does not parse. */
  public static final String INVALID_SPEC = "InvalidSpec";

  private final KubernetesClient hub;
  private final String namespace;
  private final ShardOwnership ownership;
  private final AliyunAccount account;
  private final MemberWiring wiring;
  private final String identity;
  private final Builder settings;
  private final SharedIndexInformer<HybridNetwork> informer;
  private final Thread loop;
  private final ExecutorService stopper;
  private final MemberClients clients;

  /** Only the loop's thread changes these; the maps are concurrent so that tests and probes may read them. */
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  /** Members stopped but not yet closed: their shards' work has not ended. */
  private final Set<Member> closing = ConcurrentHashMap.newKeySet();
  private final Map<String, Problem> problems = new ConcurrentHashMap<>();

  private final Object monitor = new Object();
  private boolean dirty = true;
  private long nextSecretPoll;
  private volatile boolean closed;
  private boolean started;

  /** A HybridNetwork the fleet cannot keep, as last written, so it is written once per change. */
  private record Problem(String uid, long generation, KubeconfigSecretRef ref, String reason, String message) {}

  private Fleet(Builder b) {
    this.hub = b.hub;
    this.namespace = b.namespace;
    this.ownership = Objects.requireNonNull(b.ownership, "ownership");
    this.account = Objects.requireNonNull(b.account, "account");
    this.wiring = Objects.requireNonNull(b.wiring, "wiring");
    this.identity = b.identity;
    this.settings = b;
    var resources = hub.resources(HybridNetwork.class);
    this.informer = (namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace))
        .runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(HybridNetwork resource) {
        wake();
      }

      @Override
      public void onUpdate(HybridNetwork before, HybridNetwork after) {
        // The status the members write does not bump the generation: only a new spec (or Secret ref) wakes the fleet.
        if (!Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
            || !Objects.equals(before.getMetadata().getUid(), after.getMetadata().getUid())) {
          wake();
        }
      }

      @Override
      public void onDelete(HybridNetwork resource, boolean finalStateUnknown) {
        wake();
      }
    });
    this.loop = new Thread(this::run, "hybridcni-fleet");
    this.loop.setDaemon(true);
    this.loop.setUncaughtExceptionHandler((t, e) -> LOG.error("The fleet's loop stopped", e));
    this.clients = MemberClients.create();
    this.stopper = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hybridcni-fleet-stop");
      t.setDaemon(true);
      return t;
    });
  }

  /** A fleet kept from the hub {@code hub} (the cluster the controller runs in; the caller keeps the client). */
  public static Builder builder(KubernetesClient hub) {
    return new Builder(Objects.requireNonNull(hub, "hub"));
  }

  /** Starts watching the HybridNetworks, takes part in the shards and starts the loop. */
  public void start() {
    synchronized (monitor) {
      if (started) {
        throw new IllegalStateException("the fleet was started already");
      }
      started = true;
    }
    informer.start();
    ownership.workingOn(this::workingShards);
    ownership.start(this::wake);
    loop.start();
  }

  /** Something the members depend on may have changed; the loop looks again. Any thread. */
  public void wake() {
    synchronized (monitor) {
      dirty = true;
      monitor.notifyAll();
    }
  }

  /** Live: the loop runs (for {@code /healthz}). */
  public boolean live() {
    return !closed && loop.isAlive();
  }

  /** Ready: the HybridNetworks were listed (for {@code /readyz}). */
  public boolean ready() {
    return informer.hasSynced();
  }

  /** The members kept now, {@code namespace/name} to shard, sorted. */
  public Map<String, Integer> members() {
    Map<String, Integer> out = new TreeMap<>();
    members.forEach((k, m) -> out.put(k, m.leadership.shard()));
    return out;
  }

  /** The HybridNetworks this replica cannot keep, {@code namespace/name} to the one line written, sorted. */
  public Map<String, String> problems() {
    Map<String, String> out = new TreeMap<>();
    problems.forEach((k, p) -> out.put(k, p.message()));
    return out;
  }

  private void run() {
    Ticker ticker = settings.ticker;
    nextSecretPoll = ticker.nanos() + settings.secretPoll.toNanos();
    while (!closed) {
      boolean pollSecrets;
      synchronized (monitor) {
        long now = ticker.nanos();
        if (!dirty && now < nextSecretPoll) {
          long waitMillis = Math.max(1, Math.min((nextSecretPoll - now) / 1_000_000, 60_000));
          try {
            monitor.wait(waitMillis);
          } catch (InterruptedException e) {
            LOG.debug("The fleet's loop was interrupted: closing");
          }
          continue;
        }
        dirty = false;
        pollSecrets = now >= nextSecretPoll;
        if (pollSecrets) {
          nextSecretPoll = now + settings.secretPoll.toNanos();
        }
      }
      if (!informer.hasSynced()) {
        pause(settings.retry);
        wake();
        continue;
      }
      try {
        reconcile(pollSecrets);
      } catch (RuntimeException e) {
        // The hub refused or failed (a Secret read, a status write): everything is looked at again shortly.
        LOG.warn("The fleet could not bring its members up to date: {}", e.getMessage());
        pause(settings.retry);
        wake();
      }
    }
  }

  private void pause(Duration d) {
    synchronized (monitor) {
      try {
        monitor.wait(Math.max(1, d.toMillis()));
      } catch (InterruptedException e) {
        LOG.debug("The fleet's loop was interrupted: closing");
      }
    }
  }

  /** Builds, keeps and stops members so that they are exactly the wanted ones. Only the loop's thread. */
  private void reconcile(boolean pollSecrets) {
    int shards = ownership.shards();
    Set<Integer> held = ownership.held();
    Map<String, HybridNetwork> wanted = new HashMap<>();
    for (HybridNetwork resource : informer.getStore().list()) {
      if (resource.getSpec() == null || resource.getSpec().getKubeconfigSecretRef() == null) {
        continue; // kept by a controller in that cluster itself, not by the fleet
      }
      String ns = resource.getMetadata().getNamespace();
      String name = resource.getMetadata().getName();
      if (held.contains(ShardOwnership.shardOf(ns, name, shards))) {
        wanted.put(key(ns, name), resource);
      }
    }
    for (Member m : List.copyOf(members.values())) {
      if (!wanted.containsKey(m.key)) {
        stop(m, "its HybridNetwork is gone or its shard is no longer held");
      }
    }
    problems.keySet().removeIf(k -> !wanted.containsKey(k));
    for (HybridNetwork resource : wanted.values()) {
      if (closed) {
        return; // close() interrupted the loop: a read it broke says nothing about the Secret
      }
      keep(resource, pollSecrets);
    }
  }

  private void keep(HybridNetwork resource, boolean pollSecrets) {
    String ns = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    String key = key(ns, name);
    String uid = String.valueOf(resource.getMetadata().getUid());
    long generation = resource.getMetadata().getGeneration() == null ? 0 : resource.getMetadata().getGeneration();
    KubeconfigSecretRef ref = resource.getSpec().getKubeconfigSecretRef();
    Member running = members.get(key);
    boolean same = running != null && running.builtFrom(uid, generation, ref);
    if (same && !pollSecrets) {
      return;
    }
    Problem known = problems.get(key);
    if (running == null && known != null && known.uid().equals(uid) && known.generation() == generation
        && known.ref().equals(ref) && !pollSecrets) {
      return;
    }
    MemberKubeconfig kubeconfig;
    try {
      kubeconfig = MemberKubeconfig.read(hub, ns, ref);
    } catch (MemberKubeconfig.Unavailable e) {
      if (closed) {
        return;
      }
      if (e.readFailed() && (running != null && same || known != null && known.uid().equals(uid)
          && known.generation() == generation && known.ref().equals(ref))) {
        // The hub failed the read: what was known (a running member, or why there is none) still stands.
        LOG.warn("Could not read the kubeconfig of {} again; keeping what was known: {}", key, e.getMessage());
        return;
      }
      if (running != null) {
        stop(running, "its kubeconfig is unavailable");
      }
      problem(resource, uid, generation, ref, KUBECONFIG_UNAVAILABLE, e.getMessage());
      return;
    }
    if (same && running.digest.equals(kubeconfig.digest())) {
      return;
    }
    if (running != null) {
      stop(running, same ? "its kubeconfig changed" : "its spec changed");
    }
    HybridNetworkSpec spec;
    try {
      spec = ResourceSpecs.toSpec(resource);
    } catch (InvalidInputException e) {
      problem(resource, uid, generation, ref, INVALID_SPEC, e.getMessage().replaceAll("\\s+", " ").trim());
      return;
    }
    int shard = ShardOwnership.shardOf(ns, name, ownership.shards());
    try {
      members.put(key, build(resource, spec, kubeconfig, uid, generation, ref, shard));
    } catch (RuntimeException e) {
      // One member that cannot be built must not keep the fleet from the others.
      problem(resource, uid, generation, ref, MEMBER_NOT_STARTED, String.valueOf(e.getMessage()));
      return;
    }
    problems.remove(key);
    LOG.info("Keeping {} (shard {}) at {}", HybridNetwork.describe(ns, name), shard, kubeconfig.server());
  }

  private Member build(HybridNetwork resource, HybridNetworkSpec spec, MemberKubeconfig kubeconfig, String uid,
      long generation, KubeconfigSecretRef ref, int shard) {
    String ns = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    String described = HybridNetwork.describe(ns, name);
    KubernetesClient client = kubeconfig.client(clients, settings.connectTimeout, settings.requestTimeout,
        settings.requestRetries);
    List<AutoCloseable> opened = new ArrayList<>();
    opened.add(client);
    try {
      ApiServerProbe probe = new ApiServerProbe(client, described, settings.probeEvery, settings.requestTimeout,
          settings.ticker);
      opened.add(probe);
      ClusterCache cache = ClusterCache.builder(client, spec).syncTimeout(settings.syncTimeout).build();
      opened.add(cache);
      MemberWiring.Parts parts = wiring.wire(spec, client, account.connection(spec.regionId()));
      if (parts.onClose() != null) {
        opened.add(parts.onClose());
      }
      ShardLeadership leadership = new ShardLeadership(ownership, shard);
      List<ControllerListener> listeners = new ArrayList<>();
      // Messages reaching the status are already free of secrets; the kubeconfig's own credentials are masked again
      // in case a library echoed one.
      Sensitive credentials = kubeconfig.sensitive();
      listeners.add(new HybridNetworkStatusWriter(hub, ns, name, identity, settings.clock, () -> credentials,
          () -> generation));
      listeners.addAll(settings.memberListeners.apply(key(ns, name)));
      long startedAt = settings.ticker.nanos();
      // A cache that cannot list (the API server is away) must not hold the first round back for ever: after the
      // sync timeout the round runs, and its read names what failed, as the CLI's first observe does.
      HybridNetworkController controller = HybridNetworkController.builder()
          .spec(spec)
          .writer(parts.applyLock(), parts.writer())
          .planning(probe.guard(cache.observer()), parts.cloud())
          .status(cache.statusObserver()) // the repair's verification reads live, through the writer
          .changes(cache::onChange, probe)
          .synced(() -> cache.synced()
              || settings.ticker.nanos() - startedAt > settings.syncTimeout.toNanos())
          .leadership(leadership)
          .identity(identity)
          .applyOptions(settings.applyOptions)
          .debounce(settings.debounce)
          .resync(settings.resync)
          .cloudPoll(settings.cloudPoll, settings.cloudPollJitter)
          .backoff(settings.backoffInitial, settings.backoffMax)
          .ticker(settings.ticker)
          .listener(listeners.toArray(ControllerListener[]::new))
          .build();
      opened.add(controller);
      cache.start();
      probe.start();
      controller.start();
      return new Member(key(ns, name), uid, generation, ref, kubeconfig.digest(), leadership, opened);
    } catch (RuntimeException e) {
      new Member(key(ns, name), uid, generation, ref, kubeconfig.digest(), new ShardLeadership(ownership, shard),
          opened).close();
      throw new HybridCniException("Could not start keeping " + described + ": " + e.getMessage(), e);
    }
  }

  /** Stops {@code m}'s writes at once and closes it on another thread (its loop may be in a slow request). */
  private void stop(Member m, String why) {
    closing.add(m);
    members.remove(m.key, m);
    m.leadership.revoke();
    LOG.info("No longer keeping {}: {}", m.key, why);
    stopper.execute(() -> {
      try {
        m.close();
      } finally {
        closing.remove(m);
      }
    });
  }

  /** The shards of the members kept or still closing: the ownership releases none of them for balance. */
  private Set<Integer> workingShards() {
    Set<Integer> shards = new HashSet<>();
    members.values().forEach(m -> shards.add(m.leadership.shard()));
    closing.forEach(m -> shards.add(m.leadership.shard()));
    return shards;
  }

  private void problem(HybridNetwork resource, String uid, long generation, KubeconfigSecretRef ref, String reason,
      String message) {
    String ns = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    Problem now = new Problem(uid, generation, ref, reason, message);
    Problem before = problems.put(key(ns, name), now);
    if (now.equals(before)) {
      return;
    }
    LOG.warn("Cannot keep {}: {}", HybridNetwork.describe(ns, name), message);
    HybridNetworkStatusWriter writer = new HybridNetworkStatusWriter(hub, ns, name, identity, settings.clock,
        () -> Sensitive.NONE, () -> generation);
    writer.leadership(true);
    writer.unavailable(reason, message);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * Stops the loop and the informer, stops every member (their writes at once, then their loops, in parallel),
   * closes the shard ownership, which gives the shards up, and last the parts every member's client shared
   * ({@link MemberClients}).
   */
  @Override
  public void close() {
    stopEverything(true);
  }

  /**
   * A stand-in for the replica's process dying, for tests and benchmarks: the loop, the informer and every member
   * stop as {@link #close()} stops them, but the shard ownership is not closed, so no shard is given up; the caller
   * crashes the ownership as well ({@code LeaseShards.crash()}), and the other replicas take the shards only once
   * their Leases have expired. A member writes nothing once its ownership crashed: every write asks it first.
   */
  void crash() {
    stopEverything(false);
  }

  private void stopEverything(boolean giveUpShards) {
    closed = true;
    synchronized (monitor) {
      monitor.notifyAll();
    }
    loop.interrupt();
    try {
      loop.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("interrupted while stopping the fleet", e);
    }
    informer.close();
    for (Member m : List.copyOf(members.values())) {
      stop(m, "the fleet is closing");
    }
    stopper.shutdown();
    try {
      if (!stopper.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("Some members did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("interrupted while stopping the fleet's members", e);
    } finally {
      try {
        if (giveUpShards) {
          ownership.close();
        }
      } finally {
        // Last: every member's client runs on these parts, and a client left on a closed Vert.x gets its tasks
        // refused by netty. A member that did not stop in time is cut off here rather than kept for ever.
        clients.close();
      }
    }
  }

  /** The parts every member's client shares (tests). */
  MemberClients memberClients() {
    return clients;
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private final KubernetesClient hub;
    private String namespace;
    private ShardOwnership ownership;
    private AliyunAccount account;
    private MemberWiring wiring;
    private String identity = "hybridcni-controller";
    private Function<String, List<ControllerListener>> memberListeners = key -> List.of();
    private Duration secretPoll = Duration.ofMinutes(1);
    private Duration retry = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(15);
    private int requestRetries = 1;
    private Duration probeEvery = Duration.ofSeconds(10);
    private Duration syncTimeout = Duration.ofSeconds(30);
    private ApplyOptions applyOptions = ApplyOptions.defaults();
    private Duration debounce = Duration.ofSeconds(1);
    private Duration resync = Duration.ofMinutes(10);
    private Duration cloudPoll = Duration.ofMinutes(5);
    private double cloudPollJitter = 0.2;
    private Duration backoffInitial = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(5);
    private Ticker ticker = Ticker.SYSTEM;
    private Clock clock = Clock.systemUTC();

    private Builder(KubernetesClient hub) {
      this.hub = hub;
    }

    /** The namespace whose HybridNetworks the fleet keeps; {@code null} for every namespace. Default every one. */
    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    /** Which shards this replica holds. Required; the fleet starts and closes it. */
    public Builder ownership(ShardOwnership value) {
      this.ownership = Objects.requireNonNull(value, "ownership");
      return this;
    }

    /** The Alibaba Cloud account every member calls with, and its one limiter. Required. */
    public Builder account(AliyunAccount value) {
      this.account = Objects.requireNonNull(value, "account");
      return this;
    }

    /** How a member's writer and observers are built. Required, e.g. {@link StandardMemberWiring}. */
    public Builder wiring(MemberWiring value) {
      this.wiring = Objects.requireNonNull(value, "wiring");
      return this;
    }

    /** This replica's name, in {@code status.leader} and on the apply Leases. Default {@code hybridcni-controller}. */
    public Builder identity(String value) {
      this.identity = Objects.requireNonNull(value, "identity");
      return this;
    }

    /** More listeners of each member's controller, by {@code namespace/name} (metrics, tests). Default none. */
    public Builder memberListeners(Function<String, List<ControllerListener>> value) {
      this.memberListeners = Objects.requireNonNull(value, "memberListeners");
      return this;
    }

    /** How often the kubeconfig Secrets are read again to see whether they changed. Default 1 minute. */
    public Builder secretPoll(Duration value) {
      this.secretPoll = positive("secretPoll", value);
      return this;
    }

    /** How long the fleet waits after the hub failed before it looks again. Default 5 s. */
    public Builder retry(Duration value) {
      this.retry = positive("retry", value);
      return this;
    }

    /**
     * The bounds of every request to a member: {@code connect} to connect, {@code request} for the whole request,
     * and {@code retries} retries of a failed connection. Default 5 s, 15 s, 1.
     */
    public Builder memberTimeouts(Duration connect, Duration request, int retries) {
      this.connectTimeout = positive("connect timeout", connect);
      this.requestTimeout = positive("request timeout", request);
      if (retries < 0) {
        throw new IllegalArgumentException("the retries must be zero or more, was " + retries);
      }
      this.requestRetries = retries;
      return this;
    }

    /** How often each member's API server is asked for {@code /version}. Default 10 s. */
    public Builder probeEvery(Duration value) {
      this.probeEvery = positive("probeEvery", value);
      return this;
    }

    /** How long a member's first round waits for its cache to list. Default 30 s. */
    public Builder syncTimeout(Duration value) {
      this.syncTimeout = positive("syncTimeout", value);
      return this;
    }

    /** How members apply their repairs. Default {@link ApplyOptions#defaults()}. */
    public Builder applyOptions(ApplyOptions value) {
      this.applyOptions = Objects.requireNonNull(value, "applyOptions");
      return this;
    }

    /** Each member's debounce ({@link HybridNetworkController.Builder#debounce}). Default 1 s. */
    public Builder debounce(Duration value) {
      this.debounce = positive("debounce", value);
      return this;
    }

    /** Each member's resync. Default 10 minutes. */
    public Builder resync(Duration value) {
      this.resync = positive("resync", value);
      return this;
    }

    /** Each member's cloud poll and jitter in [0, 1). Default 5 minutes ± 20 %. */
    public Builder cloudPoll(Duration value, double jitter) {
      this.cloudPoll = positive("cloudPoll", value);
      if (!(jitter >= 0 && jitter < 1)) {
        throw new IllegalArgumentException("the cloud poll jitter must be in the range [0, 1), was " + jitter);
      }
      this.cloudPollJitter = jitter;
      return this;
    }

    /** Each member's backoff after failed rounds. Default 1 s to 5 minutes. */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = positive("backoff", initial);
      this.backoffMax = positive("backoff max", max);
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the backoff's max (" + max + ") must be at least its initial (" + initial
            + ")");
      }
      return this;
    }

    /** The monotonic clock. Default {@link Ticker#SYSTEM}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** The wall clock of the status' times. Default UTC. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("the " + name + " must be positive, was " + value);
      }
      return value;
    }

    /** The fleet, not started yet ({@link Fleet#start()}). */
    public Fleet build() {
      return new Fleet(this);
    }
  }
}
