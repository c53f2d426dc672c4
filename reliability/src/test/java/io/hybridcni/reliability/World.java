package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.hybridcni.aliyun.AckApi;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunExecutors;
import io.hybridcni.aliyun.AliyunObserver;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.aliyun.RetryPolicy;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.kube.CniExclusionExecutor;
import io.hybridcni.kube.KubernetesObserver;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.SecretStore;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.CsAddon;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import io.hybridcni.testkit.aliyun.RamPolicy;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A fresh registered cluster in Calico BGP mode and a fresh Alibaba Cloud account, wired to reconcilers exactly as
 * the CLI wires a real cluster and account (fabric8 observer and executors, the Aliyun SDK against the fake, the
 * Lease lock), except that nothing sleeps for real: retries, backoffs and addon polls go through a sleeper that only
 * moves a {@link #clock() manual clock}.
 *
 * <p>One world serves many runs: {@link #reset()} empties the mock API server (objects and expectations), starts a
 * new fake Aliyun and seeds the cluster again, which is much cheaper than a new mock server and client. The mock
 * server is a mixed one: expectations set with {@link #failKube} answer first, then the CRUD store answers.
 *
 * <p>calico-node gets two required node selector terms and a preferred term before the first run, so that "the
 * original terms are intact" is a real check: the exclusion must be added to each of them and nothing else may
 * change.
 */
public final class World implements AutoCloseable {

  /** The caller's credential the SDK signs with: recognisable, so that scans can look for it. */
  public static final String CALLER_ID = "LTAI5tReliabilityCaller01";
  public static final String CALLER_SECRET = "CallerFixtureSecretRel7Kq2Wm9Xp4";
  public static final String NAMESPACE = "kube-system";
  public static final String SECRET_NAME = "alibaba-addon-secret";
  public static final String CALICO = "calico-node";
  public static final String LEASE = "hybridcni-apply";

  /** Held so that its level survives (java.util.logging keeps loggers weakly): one line per request is too many. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /**
   * The client's request timeout: small, so that a fault that holds an answer back ({@link #kubeFaults()}
   * {@code commitThenNoAnswer(SILENCE)}) costs little time, yet long enough for any answer of the mock on a busy
   * machine.
   */
  /** fabric8's own retries of a 5xx or a lost connection in this world ({@code requestRetryBackoffLimit}). */
  public static final int KUBE_RETRIES = 3;
  public static final Duration REQUEST_TIMEOUT = Duration.ofMillis(3000);
  /** How long a "no answer" fault holds the answer back: past {@link #REQUEST_TIMEOUT}. */
  public static final Duration SILENCE = Duration.ofMillis(3500);

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new ConcurrentHashMap<>();
  private final FaultDispatcher kubeFaults;
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final ManualClock clock = new ManualClock();
  private final List<KubernetesObserver> observers = new CopyOnWriteArrayList<>();
  private volatile FakeAliyun aliyun;
  private volatile DaemonSet originalCalico;

  private World() {
    // Faults of a real API server (a write committed and its answer lost, refusals) sit in front of the mock's own
    // dispatcher: expectations answer first, then the CRUD store.
    kubeFaults = FaultDispatcher.wrap(new KubernetesMixedDispatcher(responses));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, kubeFaults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    // fabric8 retries 5xx and lost connections itself (10 times, backing off from 100 ms): keep 3, without the wait.
    try (KubernetesClient base = server.createClient()) {
      // The first requests of a JVM are slow (class loading, JIT): pay for them under the default timeout.
      base.namespaces().list();
      client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
          .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(KUBE_RETRIES)
          .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis()).build()).build();
    }
  }

  /** Starts the mock API server and seeds a fresh world. */
  public static World start() {
    World world = new World();
    world.reset();
    return world;
  }

  /** The spec every run applies: the sample cluster, mode AUTO (detected as BGP), the vendor's defaults. */
  public static HybridNetworkSpec spec() {
    return Specs.auto();
  }

  /** Forgets everything (objects, expectations, recorded requests, the cloud account) and seeds a fresh world. */
  public void reset() {
    observers.forEach(KubernetesObserver::close);
    observers.clear();
    kubeFaults.clear();
    kubeFaults.listener((method, path, fault) -> { });
    server.reset();
    if (aliyun != null) {
      aliyun.close();
    }
    aliyun = FakeAliyun.start(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(2))
        .addAccessKey(CALLER_ID, CALLER_SECRET)
        .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Specs.REGION);
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.apps().daemonSets().inNamespace(NAMESPACE).withName(CALICO).edit(ds -> {
      ds.getSpec().getTemplate().getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
          .withNewNodeAffinity()
          .withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .withNodeSelectorTerms(term("kubernetes.io/os", "In", "linux"),
              term("topology.kubernetes.io/zone", "In", "dc1-a", "dc1-b", "cn-hangzhou-h"))
          .endRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(10)
          .withPreference(term("node-role.kubernetes.io/worker", "Exists"))
          .endPreferredDuringSchedulingIgnoredDuringExecution()
          .endNodeAffinity().build());
      return ds;
    });
    DaemonSetController.reconcile(client);
    originalCalico = calico();
    MockRequests.drain(server);
  }

  private static NodeSelectorTerm term(String key, String operator, String... values) {
    return new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder().withKey(key)
        .withOperator(operator).withValues(values.length == 0 ? null : List.of(values)).build()).build();
  }

  // ------------------------------------------------------------------------------------------------- wiring

  /** A reconciler with the default wiring. */
  public Reconciler reconciler() {
    return reconciler(new Wiring());
  }

  /** A reconciler wired to this world with these hooks; it stays usable until the next {@link #reset()}. */
  public Reconciler reconciler(Wiring wiring) {
    Sleeper sleeper = clock::advance;
    Retrier retrier = new Retrier(RetryPolicy.defaults(), sleeper, () -> 0.5);
    AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(aliyun.endpoint())
        .protocol("HTTP").accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
    RamApi ram = wiring.ram.apply(connection.ram(retrier));
    AckApi ack = connection.ack(retrier);
    SecretStore secrets = wiring.secrets.apply(KubernetesSecretStore.builder(client).sleeper(sleeper).build());
    List<ActionExecutor> executors = new ArrayList<>(AliyunExecutors.create(ram, ack, secrets, retrier,
        AddonWaitOptions.defaults(), clock));
    executors.add(CniExclusionExecutor.builder(client).build());
    executors.replaceAll(e -> wiring.executors.apply(withControllers(e)));
    KubernetesObserver observer = KubernetesObserver.builder(client).build();
    observers.add(observer);
    ApplyLock lock = LeaseApplyLock.builder(client).clock(wiring.lockClock).pollInterval(Duration.ofMillis(10))
        .build();
    return Reconciler.builder().cluster(observer).cloud(new AliyunObserver(ram, ack)).executors(executors)
        .lock(wiring.lock.apply(lock)).build();
  }

  /** Hooks around the standard wiring; each defaults to nothing. */
  public static final class Wiring {
    UnaryOperator<ActionExecutor> executors = UnaryOperator.identity();
    UnaryOperator<SecretStore> secrets = UnaryOperator.identity();
    UnaryOperator<RamApi> ram = UnaryOperator.identity();
    UnaryOperator<ApplyLock> lock = UnaryOperator.identity();
    Clock lockClock = Clock.systemUTC();

    /** Wraps every executor (after the simulated controllers). */
    public Wiring executors(UnaryOperator<ActionExecutor> value) {
      this.executors = value;
      return this;
    }

    /** Wraps the Kubernetes Secret store the AccessKey executor writes through. */
    public Wiring secrets(UnaryOperator<SecretStore> value) {
      this.secrets = value;
      return this;
    }

    /** Wraps the RAM API the executors and the observer use. */
    public Wiring ram(UnaryOperator<RamApi> value) {
      this.ram = value;
      return this;
    }

    /** Wraps the Lease lock. */
    public Wiring lock(UnaryOperator<ApplyLock> value) {
      this.lock = value;
      return this;
    }

    /** The clock the Lease lock reads (to judge expiry). Default: the system clock. */
    public Wiring lockClock(Clock value) {
      this.lockClock = value;
      return this;
    }
  }

  /**
   * Plays the controllers the mock lacks around an executor: ACK's addon manager creates Terway's DaemonSet once the
   * addon exists, and the DaemonSet controller places and removes pods. They run after every action, even one that
   * failed or crashed: the cluster moves on whatever happens to hybridcni's process.
   */
  private ActionExecutor withControllers(ActionExecutor executor) {
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
          if (!context.dryRun()) {
            runControllers();
          }
        }
      }
    };
  }

  /** What ACK and the DaemonSet controller do on their own: Terway's DaemonSet once installed, pods everywhere. */
  public void runControllers() {
    if (addon().isPresent()
        && client.apps().daemonSets().inNamespace(NAMESPACE).withName("terway-eniip").get() == null) {
      KubeSampleCluster.installTerwayAddon(client);
    }
    DaemonSetController.reconcile(client);
  }

  // ------------------------------------------------------------------------------------------------- faults

  /**
   * The next {@code times} requests {@code method path} (exact, query included) are answered {@code status} with a
   * Kubernetes Status; later ones reach the CRUD store again.
   */
  public void failKube(String method, String path, int status, String reason, int times) {
    failKube(method, path, status, reason, "injected " + status + " " + reason, times);
  }

  /** As {@link #failKube(String, String, int, String, int)}, with the Status message the server answers. */
  public void failKube(String method, String path, int status, String reason, String message, int times) {
    var body = new StatusBuilder().withCode(status).withReason(reason).withStatus("Failure").withMessage(message)
        .build();
    var expectation = switch (method) {
      case "GET" -> server.expect().get();
      case "POST" -> server.expect().post();
      case "PUT" -> server.expect().put();
      default -> throw new IllegalArgumentException(method);
    };
    expectation.withPath(path).andReturn(status, body).times(times);
  }

  /**
   * The API server's faults that mock expectations cannot play (a write stored and its answer then lost, answers
   * held past {@link #REQUEST_TIMEOUT}) and refusals that are counted when they fire. Cleared by {@link #reset()} and
   * {@link #healAll()}.
   */
  public FaultDispatcher kubeFaults() {
    return kubeFaults;
  }

  /** Drops every injected expectation and Aliyun fault: the world behaves again. */
  public void healAll() {
    kubeFaults.clear();
    server.clearExpectations();
    // Puts back what the mock server itself answers by expectation (its root paths and /version).
    server.onStart();
    aliyun.faults().clear();
  }

  // ------------------------------------------------------------------------------------------------- state

  public KubernetesClient client() {
    return client;
  }

  public KubernetesMockServer server() {
    return server;
  }

  public FakeAliyun aliyun() {
    return aliyun;
  }

  /** The clock retries and addon polls move instead of sleeping. */
  public ManualClock clock() {
    return clock;
  }

  public Optional<Secret> secret() {
    return Optional.ofNullable(client.secrets().inNamespace(NAMESPACE).withName(SECRET_NAME).get());
  }

  public List<RamAccessKey> accessKeys() {
    return aliyun.accessKeys(Specs.RAM_USER);
  }

  public Optional<RamPolicy> policy() {
    return aliyun.policy(Specs.RAM_POLICY);
  }

  public Optional<CsAddon> addon() {
    return aliyun.addon(Specs.CLUSTER_ID, Specs.ADDON);
  }

  public DaemonSet calico() {
    return client.apps().daemonSets().inNamespace(NAMESPACE).withName(CALICO).get();
  }

  /** calico-node as seeded, before any run. */
  public DaemonSet originalCalico() {
    return originalCalico;
  }

  public Optional<Lease> lease() {
    return Optional.ofNullable(client.leases().inNamespace(NAMESPACE).withName(LEASE).get());
  }

  @Override
  public void close() {
    observers.forEach(KubernetesObserver::close);
    client.close();
    server.destroy();
    if (aliyun != null) {
      aliyun.close();
    }
  }

  /** A clock that moves only when someone "sleeps"; thread-safe. */
  public static final class ManualClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));

    void advance(Duration d) {
      now.accumulateAndGet(Instant.EPOCH.plus(d), (a, b) -> a.plusMillis(b.toEpochMilli()));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
