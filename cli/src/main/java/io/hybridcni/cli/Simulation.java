package io.hybridcni.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.LatencyDispatcher;
import io.hybridcni.testkit.kube.MockWatches;
import io.hybridcni.testkit.kube.PagingDispatcher;
import io.hybridcni.testkit.kube.TigeraOperator;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

/**
 * A registered cluster and an Alibaba Cloud account in this process, on loopback only: the fabric8 mock API
 * server (CRUD mode) seeded with a sample cluster, and the fake Aliyun with the cluster registered. Nothing here
 * needs a network or credentials. The mock runs no controllers, so the simulation plays them: after every action
 * it places DaemonSet pods, and when the addon is installed it creates Terway's DaemonSet as ACK would.
 */
public final class Simulation implements AutoCloseable {

  /** The simulated registered cluster's id. */
  public static final String CLUSTER_ID = "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";
  /** The simulated cluster's region. */
  public static final String REGION = "cn-hangzhou";
  private static final String CALLER_ID = "LTAI5tSimulatedCaller01";
  private static final String CALLER_SECRET = "SimulatedCallerSecret0123456789";

  final KubernetesMockServer server;
  private final MockWatches watches;
  final KubernetesClient client;
  final FakeAliyun aliyun;
  final KubeSampleCluster sample;
  private final List<Environment> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The DaemonSet controller that runs while an executor waits for a rollout. */
  private final DaemonSetController rollouts = DaemonSetController.create();

  private Simulation(KubeSampleCluster sample, FakeAliyunOptions aliyunOptions, Duration kubernetesLatency) {
    this(sample, aliyunOptions, kubernetesLatency, CLUSTER_ID);
  }

  private Simulation(KubeSampleCluster sample, FakeAliyunOptions aliyunOptions, Duration kubernetesLatency,
      String kubernetesClusterId) {
    this.sample = sample;
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    this.watches = MockWatches.of(crud);
    this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        LatencyDispatcher.wrap(PagingDispatcher.wrap(crud), kubernetesLatency), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    // Built like every hybridcni client, so that at TRACE the simulation logs no Secret either.
    this.client = server.createClient(
        io.hybridcni.kube.RetryAfter.factory(io.hybridcni.kube.SafeHttpLogging.factory()));
    // The sample carries ACK's cluster profile and the cloud node's ack.aliyun.com label, naming kubernetesClusterId.
    sample.seed(client, kubernetesClusterId);
    this.aliyun = FakeAliyun.start(aliyunOptions)
        .addAccessKey(CALLER_ID, CALLER_SECRET)
        .addCluster(CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", REGION);
    if (!kubernetesClusterId.equals(CLUSTER_ID)) {
      aliyun.addCluster(kubernetesClusterId, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", REGION);
    }
  }

  /**
   * A simulation whose mock API server is another registered cluster of the same account,
   * {@code kubernetesClusterId}, while {@link #CLUSTER_ID} is registered too: a kubeconfig pointed at the wrong
   * cluster for a spec of {@link #CLUSTER_ID}.
   */
  public static Simulation startPointedAtAnotherCluster(KubeSampleCluster sample, String kubernetesClusterId) {
    return new Simulation(sample, FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(2), Duration.ZERO,
        kubernetesClusterId);
  }

  static Simulation start(TargetOptions.Scenario scenario) {
    Simulation simulation = start(sample(scenario), Duration.ZERO);
    if (scenario == TargetOptions.Scenario.brownfield) {
      simulation.seedOnectlLeftovers();
    }
    return simulation;
  }

  /** The RAM user another registered-cluster addon's setup left, named as onectl names its users. */
  public static final String BROWNFIELD_USER = "ack-one-user-ce313528c3";
  /** The system policy that user already holds (the log addon's). */
  public static final String BROWNFIELD_USER_POLICY = "AliyunLogFullAccess";

  /**
   * Makes the simulation brownfield, as an earlier addon setup (onectl, or the runbook's console path for logtail-ds)
   * leaves a registered cluster: the RAM user {@value #BROWNFIELD_USER} (the runbook's example name from onectl's
   * output) with one AccessKey and the log addon's system policy, and the shared Secret
   * {@code kube-system/alibaba-addon-secret} holding that key plus another addon's key. hybridcni adopts the key:
   * it attaches the Terway policy to that user and creates no user, no key and no Secret.
   *
   * @return the key put in the Secret (its secret masked by {@code toString})
   */
  public FakeAliyun.IssuedAccessKey seedOnectlLeftovers() {
    aliyun.seedSystemPolicy(BROWNFIELD_USER_POLICY, "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"log:*\","
        + "\"Resource\":\"*\",\"Effect\":\"Allow\"}]}");
    // A fixed secret, so that the demo's plan (whose fingerprints hash the Secret's values) reads the same each run.
    FakeAliyun.IssuedAccessKey key = aliyun.seedUserWithKey(BROWNFIELD_USER, "Active",
        "DemoBrownfieldSecretQ7m2Vx9Kc4Rt");
    aliyun.seedAttachment(BROWNFIELD_USER, BROWNFIELD_USER_POLICY);
    KubeSampleCluster.seedSharedAddonSecret(client, key.id(), key.secret(), java.util.Map.of("region-id", REGION));
    return key;
  }

  /** Starts a simulation of this sample; {@code latency} is added to every simulated Alibaba Cloud request. */
  public static Simulation start(KubeSampleCluster sample, Duration latency) {
    return start(sample, FakeAliyunOptions.defaults().withLatency(latency).withAddonPollsBeforeSettled(2),
        Duration.ZERO);
  }

  /**
   * Starts a simulation of this sample with the fake Aliyun configured by {@code aliyunOptions} and
   * {@code kubernetesLatency} added to every answer of the mock API server (see {@link LatencyDispatcher}), e.g.
   * for benchmarks that must see a network on both sides.
   */
  public static Simulation start(KubeSampleCluster sample, FakeAliyunOptions aliyunOptions,
      Duration kubernetesLatency) {
    return new Simulation(sample, aliyunOptions, kubernetesLatency);
  }

  static KubeSampleCluster sample(TargetOptions.Scenario scenario) {
    return switch (scenario) {
      case bgp -> KubeSampleCluster.CALICO_BGP;
      case operator_bgp -> KubeSampleCluster.CALICO_OPERATOR;
      case host_network -> KubeSampleCluster.HOST_NETWORK;
      case overlay_flannel -> KubeSampleCluster.FLANNEL_VXLAN;
      case overlay_calico_ipip -> KubeSampleCluster.CALICO_IPIP;
      case overlay_cilium -> KubeSampleCluster.CILIUM_1_13_VXLAN;
      case cilium_native -> KubeSampleCluster.CILIUM_1_15_NATIVE;
      case brownfield -> KubeSampleCluster.CALICO_BGP;
    };
  }

  /** The spec a demo of this sample uses: the sample cluster's id, and HOST_NETWORK where detection cannot know. */
  public HybridNetworkSpec demoSpec() {
    return HybridNetworkSpec.builder().clusterId(CLUSTER_ID).regionId(REGION)
        .mode(sample == KubeSampleCluster.HOST_NETWORK ? NetworkMode.HOST_NETWORK : NetworkMode.AUTO).build();
  }

  /**
   * A reconciler wired to this simulation exactly as the CLI wires a real cluster and account (fabric8 observer
   * and executors, Aliyun SDK observer and executors, the Lease lock), with {@code listener}-free defaults; the
   * caller passes its own listener in {@link io.hybridcni.apply.ApplyOptions}. It stays usable until
   * {@link #close()}.
   */
  public io.hybridcni.apply.Reconciler reconciler(Duration addonTimeout) {
    return reconciler(addonTimeout, client);
  }

  /**
   * A reconciler wired as {@link #reconciler(Duration)}, but reaching the mock API server through {@code client},
   * e.g. one made with {@code kubernetesServer().createClient(...)} that counts its requests; the controllers the
   * simulation plays keep using its own client, so such a count holds hybridcni's requests only. The caller keeps
   * ownership of {@code client}.
   */
  public io.hybridcni.apply.Reconciler reconciler(Duration addonTimeout, KubernetesClient client) {
    Environment environment = environment(addonTimeout, client);
    opened.add(environment);
    return environment.reconciler();
  }

  /** The mock API server, e.g. to count its requests or to make a client of one's own. */
  public KubernetesMockServer kubernetesServer() {
    return server;
  }

  /** The client the simulation itself uses for the mock API server; closed by {@link #close()}. */
  public KubernetesClient kubernetesClient() {
    return client;
  }

  /** The simulated Alibaba Cloud account, e.g. to read its journal. */
  public FakeAliyun aliyun() {
    return aliyun;
  }

  /** How to reach the simulated Alibaba Cloud account, with the caller's credentials the fake accepts. */
  public AliyunConnection aliyunConnection() {
    return AliyunConnection.forRegion(REGION).endpoint(aliyun.endpoint()).protocol("HTTP")
        .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
  }

  /** An environment on this simulation that leaves it running when closed. */
  Environment environment(Duration addonTimeout) {
    return environment(addonTimeout, null, client);
  }

  /** As {@link #environment(Duration)}, with the CLI's {@code --rollout-timeout} ({@code null}: the defaults). */
  Environment environment(Duration addonTimeout, Duration rolloutTimeout) {
    return environment(addonTimeout, rolloutTimeout, client);
  }

  /** As {@link #environment(Duration)}, reaching the mock API server through {@code client} (the caller's). */
  Environment environment(Duration addonTimeout, KubernetesClient client) {
    return environment(addonTimeout, null, client);
  }

  private Environment environment(Duration addonTimeout, Duration rolloutTimeout, KubernetesClient client) {
    LiveEnvironment live = new LiveEnvironment(client, aliyunConnection(), addonTimeout, rolloutTimeout,
        this::controllersRun,
        "a simulated cluster (" + sample.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + ", on loopback) and a simulated Alibaba Cloud account", false,
        executor -> around.apply(withControllers(executor)),
        duration -> statusSleeper.sleep(duration));
    return live;
  }

  private volatile java.util.function.UnaryOperator<ActionExecutor<?>> around = java.util.function.UnaryOperator.identity();

  /**
   * Wraps every executor of the environments made from now on (outside the controllers the simulation plays), e.g.
   * a test's executor that runs the real one and then fails as a lost answer would.
   */
  public Simulation aroundExecutors(java.util.function.UnaryOperator<ActionExecutor<?>> value) {
    this.around = java.util.Objects.requireNonNull(value, "aroundExecutors");
    return this;
  }

  /**
   * The DaemonSet controller and kubelets that run while executors wait (a rollout's poll), for a test to make the
   * pods it creates on some nodes crash-loop, fail their image pull or become Ready late.
   */
  public DaemonSetController rollouts() {
    return rollouts;
  }

  private volatile java.util.function.Consumer<KubernetesClient> afterControllers = c -> {};

  /**
   * Runs after the controllers played their part following each action, e.g. a test's kubelet that has not yet
   * reported a new pod Ready (the DaemonSet controller here makes every pod Ready at once).
   */
  public Simulation afterControllers(java.util.function.Consumer<KubernetesClient> value) {
    this.afterControllers = java.util.Objects.requireNonNull(value, "afterControllers");
    return this;
  }

  private volatile io.hybridcni.apply.Sleeper statusSleeper = this::controllersRun;

  /**
   * How apply's closing status check waits between its polls of the running network, in every environment of this
   * simulation; by default no time passes for real and the controllers take one step, as in a rollout's poll. A test passes one that records the waits and plays the
   * cluster meanwhile (e.g. a Terway pod turning Ready), so that it never sleeps for real.
   */
  public Simulation statusSleeper(io.hybridcni.apply.Sleeper value) {
    this.statusSleeper = java.util.Objects.requireNonNull(value, "statusSleeper");
    return this;
  }

  /**
   * Plays the controllers the mock lacks around an executor: ACK's addon manager creates Terway's DaemonSet when
   * the addon is installed, the Tigera operator renders its Installation into calico-system/calico-node, and the
   * DaemonSet controller places and removes pods after every change. While an executor waits (a rollout's poll),
   * {@link #controllersRun} lets them take one step.
   */
  ActionExecutor<?> withControllers(ActionExecutor<?> executor) {
    return executor.around((action, context, step) -> {
      StepResult result = step.get();
      if (!context.dryRun()) {
        if (action.kind() == ActionKind.INSTALL_ADDON
            && client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get() == null) {
          KubeSampleCluster.installTerwayAddon(client);
        }
        TigeraOperator.render(client);
        DaemonSetController.reconcile(client);
        afterControllers.accept(client);
      }
      return result;
    });
  }

  /**
   * The Kubernetes executors' sleeper: no time passes for real; the Tigera operator renders and the DaemonSet
   * controller takes one sync (honouring each DaemonSet's maxUnavailable), as they would during the pause.
   */
  private void controllersRun(Duration pause) {
    TigeraOperator.render(client);
    rollouts.sync(client);
  }

  /** Stops the simulated cluster and cloud. */
  @Override
  public void close() {
    opened.forEach(Environment::close);
    client.close();
    try {
      watches.awaitEnded(); // see MockWatches: destroy() while a watch is ending can fail after 10 s
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop without the wait; destroy() says if the mock could not stop
    }
    server.destroy();
    aliyun.close();
  }
}
