package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
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
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.kube.CniExclusionExecutor;
import io.hybridcni.kube.CniExclusionRemovalExecutor;
import io.hybridcni.kube.KubernetesObserver;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.kube.SecretDeletionExecutor;
import io.hybridcni.kube.TerwayRestartExecutor;
import io.hybridcni.kube.Ticker;
import io.hybridcni.plan.Action;
import io.hybridcni.planner.Planner;
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
import io.hybridcni.testkit.kube.MockWatches;
import io.hybridcni.testkit.kube.TigeraOperator;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
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
  private final MockWatches watches;
  private final KubernetesClient client;
  private final ManualClock clock = new ManualClock();
  private final List<KubernetesObserver> observers = new CopyOnWriteArrayList<>();
  private final List<KubernetesClient> ownClients = new CopyOnWriteArrayList<>();
  private volatile FakeAliyun aliyun;
  private volatile DaemonSet originalCalico;

  private World() {
    // Faults of a real API server (a write committed and its answer lost, refusals) sit in front of the mock's own
    // dispatcher: expectations answer first, then the CRUD store.
    KubernetesMixedDispatcher mixed = new KubernetesMixedDispatcher(responses);
    watches = MockWatches.of(mixed);
    kubeFaults = FaultDispatcher.wrap(mixed);
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
    forgetSeeding();
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
    // A client of its own when the wiring brings one, as another process would have (shadows the field on purpose).
    KubernetesClient client = wiring.client != null ? wiring.client : this.client;
    Sleeper sleeper = clock::advance;
    Retrier retrier = new Retrier(RetryPolicy.defaults(), sleeper, () -> 0.5);
    AliyunConnection connection = AliyunConnection.forRegion(Specs.REGION).endpoint(aliyun.endpoint())
        .protocol("HTTP").accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
    RamApi ram = wiring.ram.apply(connection.ram(retrier));
    AckApi ack = connection.ack(retrier);
    SecretStore secrets = wiring.secrets.apply(KubernetesSecretStore.builder(client).sleeper(sleeper).build());
    List<ActionExecutor<?>> executors = new ArrayList<>(AliyunExecutors.create(ram, ack, secrets, retrier,
        AddonWaitOptions.defaults(), clock));
    // While the exclusion follows its rollout, the operator renders and the DaemonSet controller replaces pods. It
    // watches the rollout, as the CLI's wiring (KubeExecutors) does.
    executors.add(CniExclusionExecutor.builder(client).watchRollout(true).sleeper(d -> {
      sleeper.sleep(d);
      renderCalicoFromTheInstallation();
      DaemonSetController.reconcile(client);
    }).build());
    // Destroy's removal follows its rollout too: the same controllers play it, and no time passes for real.
    executors.add(CniExclusionRemovalExecutor.builder(client).sleeper(d -> {
      sleeper.sleep(d);
      renderCalicoFromTheInstallation();
      DaemonSetController.reconcile(client);
    }).build());
    executors.add(SecretDeletionExecutor.builder(client).sleeper(sleeper).build());
    // While the restart waits for Terway's rollout, the DaemonSet controller goes on replacing pods.
    executors.add(TerwayRestartExecutor.builder(client).clock(clock).sleeper(d -> {
      sleeper.sleep(d);
      DaemonSetController.reconcile(client);
    }).build());
    executors.replaceAll(e -> wiring.executors.apply(withControllers(e)));
    KubernetesObserver observer = KubernetesObserver.builder(client).build();
    observers.add(observer);
    LeaseApplyLock.Builder lockBuilder = LeaseApplyLock.builder(client).clock(wiring.lockClock)
        .ticker(wiring.lockTicker).sleeper(wiring.lockSleeper).pollInterval(Duration.ofMillis(10));
    if (wiring.lockRenewPeriod != null) {
      lockBuilder.renewPeriod(wiring.lockRenewPeriod);
    }
    ApplyLock lock = lockBuilder.build();
    // As the CLI's LiveEnvironment: the key in the spec's Secret is looked up (STS GetCallerIdentity signed with it,
    // against the fake) so that a Secret another addon's setup left is adopted rather than refused.
    AliyunObserver cloud = new AliyunObserver(ram, ack).withSecretKeyOwners(secrets,
        connection.credentialOwners(retrier));
    return Reconciler.builder().cluster(observer).cloud(cloud).executors(executors)
        .lock(wiring.lock.apply(lock)).build();
  }

  /** Hooks around the standard wiring; each defaults to nothing. */
  public static final class Wiring {
    UnaryOperator<ActionExecutor<?>> executors = UnaryOperator.identity();
    UnaryOperator<SecretStore> secrets = UnaryOperator.identity();
    UnaryOperator<RamApi> ram = UnaryOperator.identity();
    UnaryOperator<ApplyLock> lock = UnaryOperator.identity();
    Clock lockClock = Clock.systemUTC();
    Ticker lockTicker = Ticker.SYSTEM;
    Sleeper lockSleeper = Sleeper.REAL;
    Duration lockRenewPeriod;
    KubernetesClient client;

    /** Wraps every executor (after the simulated controllers). */
    public Wiring executors(UnaryOperator<ActionExecutor<?>> value) {
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

    /** The wall clock the Lease lock writes its renewTime from (it never judges expiry by it). Default: the system's. */
    public Wiring lockClock(Clock value) {
      this.lockClock = value;
      return this;
    }

    /** The monotonic clock the Lease lock judges expiry and its renew deadline by. Default: System.nanoTime. */
    public Wiring lockTicker(Ticker value) {
      this.lockTicker = value;
      return this;
    }

    /** How the Lease lock waits between looks at a held Lease. Default: real sleeping (10 ms polls). */
    public Wiring lockSleeper(Sleeper value) {
      this.lockSleeper = value;
      return this;
    }

    /**
     * How often the Lease lock renews while held. Default the lock's own (a sixth of its 30 s lease duration, so
     * that a run of this world, well under a second, never renews); a few milliseconds make renewals happen during
     * the apply, for faults on them to meet.
     */
    public Wiring lockRenewPeriod(Duration value) {
      this.lockRenewPeriod = value;
      return this;
    }

    /** The client every Kubernetes part of the reconciler uses, e.g. {@link #newClient}. Default: the world's. */
    public Wiring client(KubernetesClient value) {
      this.client = value;
      return this;
    }
  }

  /**
   * Plays the controllers the mock lacks around an executor: ACK's addon manager creates Terway's DaemonSet once the
   * addon exists, and the DaemonSet controller places and removes pods. They run after every action, even one that
   * failed or crashed: the cluster moves on whatever happens to hybridcni's process.
   */
  private ActionExecutor<?> withControllers(ActionExecutor<?> executor) {
    return executor.around((action, context, step) -> {
      try {
        return step.get();
      } finally {
        if (!context.dryRun()) {
          runControllers();
        }
      }
    });
  }

  /** What ACK and the DaemonSet controller do on their own: Terway's DaemonSet once installed, pods everywhere. */
  public void runControllers() {
    if (addon().isPresent()
        && client.apps().daemonSets().inNamespace(NAMESPACE).withName("terway-eniip").get() == null) {
      KubeSampleCluster.installTerwayAddon(client);
      terwayFromAddon = true;
    }
    removeTerwayOnceTheAddonIsGone();
    renderCalicoFromTheInstallation();
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

  /**
   * A client of its own to the mock API server, configured as the world's, sending {@code userAgent} so that the
   * mock's journal tells its requests apart; closed with the world.
   */
  public KubernetesClient newClient(String userAgent) {
    KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withUserAgent(userAgent).build()).build();
    ownClients.add(own);
    return own;
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

  /** The AccessKeys of the user whose key the Secret should hold ({@link #keyOwner()}). */
  public List<RamAccessKey> accessKeys() {
    return aliyun.accessKeys(keyOwner());
  }

  /**
   * The RAM user whose AccessKey the Secret should hold once a run converged: the spec's own user
   * ({@link Specs#RAM_USER}), or, in a {@linkplain #seedBrownfieldSecret() brownfield} world, the user whose key
   * hybridcni adopts.
   */
  public String keyOwner() {
    return adoptedKey == null ? Specs.RAM_USER : ADOPTED_USER;
  }

  public Optional<RamPolicy> policy() {
    return aliyun.policy(Specs.RAM_POLICY);
  }

  public Optional<CsAddon> addon() {
    return aliyun.addon(Specs.CLUSTER_ID, Specs.ADDON);
  }

  public DaemonSet calico() {
    return client.apps().daemonSets().inNamespace(flavour.calicoNamespace).withName(CALICO).get();
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
    ownClients.forEach(KubernetesClient::close);
    client.close();
    try {
      watches.awaitEnded(); // see MockWatches: destroy() while a watch is ending can fail after 10 s
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop without the wait; destroy() says if the mock could not stop
    }
    server.destroy();
    if (aliyun != null) {
      aliyun.close();
    }
  }

  // ------------------------------------------------------------------------------------------------- other worlds
  // Seeding for the crash paths beyond a fresh BGP apply: another on-premises network, a converged world to destroy
  // or to drift, and what others own beside hybridcni. Each is undone by the next reset().

  /** The on-premises network a world is seeded with; {@link #reset()} seeds {@link #CALICO_BGP}. */
  public enum Flavour {
    /** Manifest-installed Calico in BGP mode: calico-node in kube-system, with the extra terms reset() gives it. */
    CALICO_BGP(KubeSampleCluster.CALICO_BGP, NAMESPACE),
    /**
     * Calico from the Tigera operator: the exclusion belongs in Installation {@code default}, whose
     * {@code calicoNodeDaemonSet} override gets the same terms; the operator renders it into calico-system/calico-node.
     */
    CALICO_OPERATOR(KubeSampleCluster.CALICO_OPERATOR, "calico-system"),
    /** Host network: no CNI to keep off cloud nodes, only RAM, the Secret and the addon. */
    HOST_NETWORK(KubeSampleCluster.HOST_NETWORK, NAMESPACE);

    final KubeSampleCluster sample;
    final String calicoNamespace;

    Flavour(KubeSampleCluster sample, String calicoNamespace) {
      this.sample = sample;
      this.calicoNamespace = calicoNamespace;
    }
  }

  /** Where the Tigera operator's Installation lives (cluster-scoped, {@code operator.tigera.io/v1}). */
  static final ResourceDefinitionContext INSTALLATIONS = new ResourceDefinitionContext.Builder()
      .withGroup("operator.tigera.io").withVersion("v1").withPlural("installations").withKind("Installation")
      .withNamespaced(false).build();
  /** A RAM user of another team, beside hybridcni's, which may hold hybridcni's policy. */
  public static final String OTHER_USER = "other-team-user";
  /** A Secret of another addon, beside hybridcni's, in the same namespace. */
  public static final String FOREIGN_SECRET = "other-addon-secret";

  /** The RAM user another registered-cluster addon's setup left, named as onectl names its users. */
  public static final String ADOPTED_USER = "ack-one-user-brownfld01";
  /** The system policy {@link #ADOPTED_USER} already holds (the log addon's), which hybridcni must leave. */
  public static final String ADOPTED_USER_POLICY = "AliyunLogFullAccess";
  /** The data key another addon keeps in the shared Secret beside the AccessKey. */
  public static final String OTHER_ADDON_DATA_KEY = "logtail-ds-config";

  private volatile FakeAliyun.IssuedAccessKey adoptedKey;
  private volatile Secret adoptedSecret;
  private volatile Flavour flavour = Flavour.CALICO_BGP;
  private volatile GenericKubernetesResource originalInstallation;
  private volatile boolean terwayFromAddon;
  private volatile int policyVersionsBefore;
  private volatile Secret foreignSecret;
  private volatile boolean otherUserHoldsPolicy;
  private final Set<String> keysDeletedOutside = ConcurrentHashMap.newKeySet();

  private void forgetSeeding() {
    adoptedKey = null;
    adoptedSecret = null;
    flavour = Flavour.CALICO_BGP;
    originalInstallation = null;
    terwayFromAddon = false;
    policyVersionsBefore = 0;
    foreignSecret = null;
    otherUserHoldsPolicy = false;
    keysDeletedOutside.clear();
  }

  /**
   * As {@link #reset()}, with {@code value}'s sample cluster instead of the BGP one. The operator's Installation
   * gets calico-node's extra required and preferred terms of the BGP world as its {@code calicoNodeDaemonSet}
   * override, so that "the original terms are intact" is a real check there too.
   */
  public void resetAs(Flavour value) {
    reset();
    if (value == Flavour.CALICO_BGP) {
      return;
    }
    Object affinity = client.getKubernetesSerialization().convertValue(
        originalCalico.getSpec().getTemplate().getSpec().getAffinity(), Map.class);
    server.reset();
    flavour = value;
    value.sample.seed(client);
    if (value == Flavour.CALICO_OPERATOR) {
      client.genericKubernetesResources(INSTALLATIONS).withName("default").edit(installation -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) installation.getAdditionalProperties().get("spec");
        spec.put("calicoNodeDaemonSet", Map.of("spec", Map.of("template", Map.of("spec",
            Map.of("affinity", affinity)))));
        return installation;
      });
      renderCalicoFromTheInstallation();
      originalInstallation = installation();
    }
    DaemonSetController.reconcile(client);
    originalCalico = calico();
    MockRequests.drain(server);
  }

  /** The on-premises network this world was seeded with. */
  public Flavour flavour() {
    return flavour;
  }

  /** Installation {@code default}, or {@code null} (there is none but in the operator world). */
  public GenericKubernetesResource installation() {
    return client.genericKubernetesResources(INSTALLATIONS).withName("default").get();
  }

  /** Installation {@code default} as seeded, before any run; {@code null} but in the operator world. */
  public GenericKubernetesResource originalInstallation() {
    return originalInstallation;
  }

  /** calico-node's required node affinity terms as Installation {@code default} overrides them (empty if none). */
  public List<NodeSelectorTerm> installationTerms(GenericKubernetesResource installation) {
    Affinity affinity = installationAffinity(installation);
    return affinity == null || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null ? List.of()
        : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
  }

  @SuppressWarnings("unchecked")
  private Affinity installationAffinity(GenericKubernetesResource installation) {
    Object node = installation.getAdditionalProperties().get("spec");
    for (String key : List.of("calicoNodeDaemonSet", "spec", "template", "spec", "affinity")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = ((Map<String, Object>) map).get(key);
    }
    return node == null ? null : client.getKubernetesSerialization().convertValue(node, Affinity.class);
  }

  /** What the Tigera operator does on its own (see {@link TigeraOperator}). */
  private void renderCalicoFromTheInstallation() {
    if (flavour == Flavour.CALICO_OPERATOR) {
      TigeraOperator.render(client);
    }
  }


  /** What ACK's addon manager does once an addon is uninstalled: the addon's DaemonSet goes, its pods with it. */
  private void removeTerwayOnceTheAddonIsGone() {
    DaemonSet terway = client.apps().daemonSets().inNamespace(NAMESPACE).withName("terway-eniip").get();
    if (terwayFromAddon && terway != null && addon().isEmpty()) {
      client.pods().inNamespace(NAMESPACE).withLabels(terway.getSpec().getSelector().getMatchLabels()).delete();
      client.resource(terway).delete();
      terwayFromAddon = false;
    }
  }

  /**
   * Runs a clean apply of {@code spec} (no crash, no fault) and lets the controllers catch up: the world an
   * upgrade, a drift or a destroy starts from. Fails when that apply does not converge.
   */
  public ReconcileResult convergeFirst(HybridNetworkSpec spec) {
    ReconcileResult result = reconciler().reconcile(spec, ApplyOptions.defaults().withHolder("setup-run"));
    if (!result.converged()) {
      throw new IllegalStateException("the setup apply did not converge: " + result.why());
    }
    runControllers();
    MockRequests.drain(server);
    return result;
  }

  /**
   * Gives the world a fresh cloud account whose addon changes settle only after {@code polls} polls (reset()'s
   * settles after 2, which an observation may make by itself). Call it right after a reset, before seeding the
   * account.
   */
  public void settleAddonsAfter(int polls) {
    aliyun.close();
    aliyun = FakeAliyun.start(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(polls))
        .addAccessKey(CALLER_ID, CALLER_SECRET)
        .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Specs.REGION);
  }

  /** Puts the addon into the cluster at {@code version}, active, as if installed before hybridcni ran. */
  public void seedAddonAt(String version) {
    aliyun.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, version, "active");
  }

  /**
   * Someone added versions to the policy through RAM until it holds the 5 RAM allows, the last one a default that
   * grants less than the spec's document (an older or hand-edited grant).
   */
  public void driftPolicyToTheVersionLimit() {
    RamApi ram = outsideRam();
    int held = ram.listPolicyVersions(Specs.RAM_POLICY, "Custom").size();
    List<String> older = List.of("ecs:DescribeInstances", "ecs:DescribeNetworkInterfaces",
        "ecs:CreateNetworkInterface", "ecs:AttachNetworkInterface", "ecs:DetachNetworkInterface");
    for (int v = held + 1; v <= Planner.MAX_POLICY_VERSIONS; v++) {
      String actions = String.join("\",\"", older.subList(0, v));
      ram.createPolicyVersion(Specs.RAM_POLICY, "{\"Version\":\"1\",\"Statement\":[{\"Action\":[\"" + actions
          + "\"],\"Resource\":[\"*\"],\"Effect\":\"Allow\"}]}", v == Planner.MAX_POLICY_VERSIONS);
    }
    policyVersionsBefore = ram.listPolicyVersions(Specs.RAM_POLICY, "Custom").size();
  }

  /** The number of versions the policy held before the run under test (0 when it did not exist). */
  public int policyVersionsBefore() {
    return policyVersionsBefore;
  }

  /** The AccessKey id the Secret names now, if any. */
  public Optional<String> secretKeyId() {
    return secret().map(s -> s.getData() == null ? null : s.getData().get("access-key-id"))
        .map(Invariants::decoded);
  }

  /** Someone disabled the Secret's AccessKey in RAM (UpdateAccessKey Status=Inactive), e.g. after a leak scare. */
  public String disableSecretsKeyOutside() {
    String id = secretKeyId().orElseThrow(() -> new IllegalStateException("the Secret names no AccessKey"));
    try {
      new com.aliyun.ram20150501.Client(outsideConfig()).updateAccessKey(
          new com.aliyun.ram20150501.models.UpdateAccessKeyRequest().setUserName(Specs.RAM_USER)
              .setUserAccessKeyId(id).setStatus("Inactive"));
    } catch (Exception e) {
      throw new IllegalStateException("UpdateAccessKey " + id + " failed", e);
    }
    return id;
  }

  /** Someone deleted the Secret's AccessKey in RAM; the Secret still names it. */
  public String deleteSecretsKeyOutside() {
    String id = secretKeyId().orElseThrow(() -> new IllegalStateException("the Secret names no AccessKey"));
    outsideRam().deleteAccessKey(Specs.RAM_USER, id);
    keysDeletedOutside.add(id);
    return id;
  }

  /** AccessKeys someone else deleted while the Secret named them: their absence is not hybridcni's doing. */
  public Set<String> keysDeletedOutside() {
    return Set.copyOf(keysDeletedOutside);
  }

  /** Someone created an AccessKey for hybridcni's user that no Secret holds: an orphan. Answers its id. */
  public String seedOrphanKey() {
    return aliyun.seedAccessKey(Specs.RAM_USER);
  }

  /** Another addon's Secret beside hybridcni's, without hybridcni's label: destroy must leave it. */
  public void seedForeignSecret() {
    foreignSecret = client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(FOREIGN_SECRET).withNamespace(NAMESPACE).addToLabels("app", "other-addon")
        .endMetadata().withType("Opaque").addToData("token", "b3RoZXItYWRkb24tdG9rZW4=").build()).create();
  }

  /** The foreign Secret as seeded, or {@code null}. */
  public Secret foreignSecret() {
    return foreignSecret;
  }

  /**
   * Another team's RAM user (no hybridcni comments) with its own AccessKey, holding hybridcni's policy too: the
   * vendor's policy name is per addon, so other clusters of the account share it. Needs the policy to exist.
   */
  public void seedOtherPolicyHolder() {
    aliyun.seedUser(OTHER_USER).seedAttachment(OTHER_USER, Specs.RAM_POLICY);
    aliyun.seedAccessKey(OTHER_USER);
    otherUserHoldsPolicy = true;
  }

  /** Whether {@link #OTHER_USER} was seeded holding the policy. */
  public boolean otherUserHoldsPolicy() {
    return otherUserHoldsPolicy;
  }

  /**
   * Makes the world brownfield, as onectl or another registered-cluster addon's setup leaves it: the RAM user
   * {@value #ADOPTED_USER} with one AccessKey and the log addon's system policy, and the shared Secret
   * {@code kube-system/alibaba-addon-secret} (no hybridcni label) holding that key plus another addon's data key.
   * hybridcni must adopt the key: attach its policy to that user, create no user and no key, and never write the
   * Secret. Answers the key put in the Secret (its secret masked by {@code toString}).
   */
  public FakeAliyun.IssuedAccessKey seedBrownfieldSecret() {
    aliyun.seedSystemPolicy(ADOPTED_USER_POLICY, "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"log:*\","
        + "\"Resource\":\"*\",\"Effect\":\"Allow\"}]}");
    FakeAliyun.IssuedAccessKey key = aliyun.seedUserWithKey(ADOPTED_USER, "Active");
    aliyun.seedAttachment(ADOPTED_USER, ADOPTED_USER_POLICY);
    KubeSampleCluster.seedSharedAddonSecret(client, key.id(), key.secret(),
        Map.of(OTHER_ADDON_DATA_KEY, "{\"project\":\"k8s-log-c4f2\",\"region\":\"" + Specs.REGION + "\"}"));
    adoptedKey = key;
    adoptedSecret = secret().orElseThrow();
    MockRequests.drain(server);
    return key;
  }

  /** The AccessKey a brownfield world's Secret held before any run, or {@code null} in any other world. */
  public FakeAliyun.IssuedAccessKey adoptedKey() {
    return adoptedKey;
  }

  /** The shared Secret as a brownfield world was seeded with it, or {@code null} in any other world. */
  public Secret adoptedSecret() {
    return adoptedSecret;
  }

  private RamApi outsideRam() {
    return AliyunConnection.forRegion(Specs.REGION).endpoint(aliyun.endpoint()).protocol("HTTP")
        .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build()
        .ram(new Retrier(RetryPolicy.defaults(), clock::advance, () -> 0.5));
  }

  private com.aliyun.teaopenapi.models.Config outsideConfig() {
    return new com.aliyun.teaopenapi.models.Config().setEndpoint(aliyun.endpoint()).setProtocol("HTTP")
        .setRegionId(Specs.REGION).setAccessKeyId(CALLER_ID).setAccessKeySecret(CALLER_SECRET);
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
