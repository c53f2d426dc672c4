package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunCallLimiter;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.aliyun.RetryPolicy;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.StepResult;
import io.hybridcni.controller.resource.HybridNetwork;
import io.hybridcni.controller.resource.HybridNetworkResourceSpec;
import io.hybridcni.controller.resource.KubeconfigSecretRef;
import io.hybridcni.controller.resource.ResourceSpecs;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.Kubeconfigs;
import io.hybridcni.testkit.kube.LatencyDispatcher;
import io.hybridcni.testkit.kube.MockWatches;
import io.hybridcni.testkit.kube.ServerWrites;
import io.hybridcni.testkit.kube.TigeraOperator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A hub and its registered clusters on fabric8 mocks (CRUD mode), one Alibaba Cloud account on the fake: the hub
 * holds the HybridNetwork CRD, a HybridNetwork and a kubeconfig Secret per member; each member is the Calico BGP
 * sample registered under its own cluster id (so each has its own RAM user), behind a {@link FaultDispatcher} that a
 * test can make hang. The world plays the controllers the mocks lack after every action, as {@code ControllerWorld}
 * does for one cluster.
 */
final class FleetWorld implements AutoCloseable {

  static final String CALLER_ID = "LTAI5tFleetCaller000001";
  static final String CALLER_SECRET = "FleetCallerSecret0123456789abcd";
  static final String REGION = "cn-hangzhou";
  static final String HUB_NAMESPACE = "fleet";
  static final String KUBE_SYSTEM = "kube-system";
  static final String CALICO = "calico-node";
  /** The User-Agent of the test's own member clients, so that their writes are told apart from a replica's. */
  static final String TEST_AGENT = "hybridcni-test";
  /** Where the CRD generator writes the CRD inside the module's classes (the plugin's default). */
  private static final String GENERATED_CRD = "META-INF/fabric8/" + HybridNetwork.CRD_NAME + "-v1.yml";

  static {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
  }

  final KubernetesMockServer hubServer;
  private final MockWatches hubWatches;
  /** Every write that reached the hub's store, with when and from which client. */
  final ServerWrites hubWrites;
  final KubernetesClient hub;
  final FakeAliyun aliyun;
  final Map<String, MemberCluster> clusters = new LinkedHashMap<>();
  /** The actions each member's executors ran, by HybridNetwork name, in order. */
  final Map<String, List<String>> writes = new ConcurrentHashMap<>();
  /** Runs inside each executor after its step, before the world plays the controllers; a test's hook. */
  volatile java.util.function.BiConsumer<String, ActionKind> afterAction = (name, kind) -> { };
  private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

  /** A registered cluster: its mock API server, a client of the test's own, its cluster id and its faults. */
  static final class MemberCluster {
    final String name;
    final String clusterId;
    final KubernetesMockServer server;
    final FaultDispatcher faults;
    /** Every write that reached this member's store (inside the faults), with when and from which client. */
    final ServerWrites serverWrites;
    final KubernetesClient client;
    private final MockWatches watches;

    MemberCluster(String name, String clusterId, Supplier<Duration> latency) {
      this.name = name;
      this.clusterId = clusterId;
      KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
      this.watches = MockWatches.of(crud);
      this.serverWrites = ServerWrites.wrap(LatencyDispatcher.wrap(crud, latency));
      this.faults = FaultDispatcher.wrap(serverWrites);
      this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
      server.init(InetAddress.getLoopbackAddress(), 0);
      this.client = ownClient(server, TEST_AGENT);
      KubeSampleCluster.CALICO_BGP.seed(client, clusterId);
    }

    /** A kubeconfig pointing at this member with an inline token, as a hub's Secret holds it. */
    String kubeconfig() {
      return Kubeconfigs.withToken(name, client.getMasterUrl().toString().replaceAll("/$", ""));
    }

    DaemonSet calico() {
      return client.apps().daemonSets().inNamespace(KUBE_SYSTEM).withName(CALICO).get();
    }

    /** What a {@code helm upgrade} of Calico does: the whole {@code nodeSelectorTerms} list replaced. */
    void overwriteCalicoAffinity() {
      client.apps().daemonSets().inNamespace(KUBE_SYSTEM).withName(CALICO).edit(ds -> {
        ds.getSpec().getTemplate().getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
            .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withNodeSelectorTerms(new NodeSelectorTermBuilder().withMatchExpressions(
                new NodeSelectorRequirementBuilder().withKey("kubernetes.io/os").withOperator("In")
                    .withValues("linux").build()).build())
            .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
        return ds;
      });
      DaemonSetController.reconcile(client);
    }

    boolean calicoExcludesCloudNodes() {
      var affinity = calico().getSpec().getTemplate().getSpec().getAffinity();
      if (affinity == null || affinity.getNodeAffinity() == null
          || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
        return false;
      }
      var terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
          .getNodeSelectorTerms();
      return !terms.isEmpty() && terms.stream().allMatch(t -> t.getMatchExpressions().stream().anyMatch(e ->
          e.getKey().equals("alibabacloud.com/external") && e.getOperator().equals("NotIn")
              && e.getValues().contains("true")));
    }

    /** Every request from now on gets no answer for ten minutes (a server that hangs); returns the fault. */
    List<FaultDispatcher.KubeFault> hang() {
      List<FaultDispatcher.KubeFault> all = new ArrayList<>();
      for (String method : List.of("GET", "PUT", "POST", "PATCH", "DELETE")) {
        all.add(faults.on(method, "/*").commitThenNoAnswer(Duration.ofMinutes(10), Integer.MAX_VALUE));
      }
      return all;
    }

    void close() {
      client.close();
      awaitWatchesEnded(watches);
      destroy(server, "member " + name);
    }
  }

  FleetWorld(String... names) {
    this(Duration.ZERO, names);
  }

  /** The world with {@code aliyunLatency} added to every answer of the fake Aliyun. */
  FleetWorld(Duration aliyunLatency, String... names) {
    this(aliyunLatency, () -> Duration.ZERO, names);
  }

  /**
   * The world with {@code aliyunLatency} added to every answer of the fake Aliyun and what {@code kubeLatency} says
   * at the time to every answer of the hub's and the members' API servers (so a bench sets up without it).
   */
  FleetWorld(Duration aliyunLatency, Supplier<Duration> kubeLatency, String... names) {
    KubernetesCrudDispatcher hubCrud = new KubernetesCrudDispatcher(List.of());
    hubWatches = MockWatches.of(hubCrud);
    hubWrites = ServerWrites.wrap(LatencyDispatcher.wrap(hubCrud, kubeLatency));
    hubServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), hubWrites, false);
    hubServer.init(InetAddress.getLoopbackAddress(), 0);
    hub = ownClient(hubServer);
    installCrd(hub);
    hub.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(HUB_NAMESPACE).endMetadata().build())
        .create();
    aliyun = FakeAliyun.start(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(1)
        .withLatency(aliyunLatency))
        .addAccessKey(CALLER_ID, CALLER_SECRET);
    for (int i = 0; i < names.length; i++) {
      // Each its own id, and so its own RAM user (the first ten characters of the id name it).
      String id = "c" + (i + 1) + "f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";
      aliyun.addCluster(id, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", REGION);
      clusters.put(names[i], new MemberCluster(names[i], id, kubeLatency));
      writes.put(names[i], new CopyOnWriteArrayList<>());
    }
  }

  private static KubernetesClient ownClient(KubernetesMockServer server) {
    return ownClient(server, null);
  }

  /** A client of {@code server} of its own, sending {@code userAgent} (fabric8's own when {@code null}). */
  private static KubernetesClient ownClient(KubernetesMockServer server, String userAgent) {
    KubernetesClient base = server.createClient();
    ConfigBuilder config = new ConfigBuilder(base.getConfiguration())
        .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(1).withRequestTimeout(5000);
    if (userAgent != null) {
      config.withUserAgent(userAgent);
    }
    KubernetesClient own = new KubernetesClientBuilder().withConfig(config.build()).build();
    base.close();
    return own;
  }

  /** A client of the hub of its own (a replica's, as a separate process has), sending {@code userAgent}. */
  KubernetesClient hubClient(String userAgent) {
    return ownClient(hubServer, userAgent);
  }

  private static void installCrd(KubernetesClient client) {
    try (InputStream in = FleetWorld.class.getClassLoader().getResourceAsStream(GENERATED_CRD)) {
      if (in == null) {
        throw new IllegalStateException(GENERATED_CRD + " is not on the class path: build the module with Maven");
      }
      CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  MemberCluster cluster(String name) {
    return clusters.get(name);
  }

  /** The account's connection builder for a region, pointed at the fake. */
  Function<String, AliyunConnection.Builder> connections() {
    return region -> AliyunConnection.forRegion(region).endpoint(aliyun.endpoint()).protocol("HTTP")
        .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET));
  }

  AliyunAccount account(AliyunCallLimiter limiter) {
    return AliyunAccount.of(limiter, connections());
  }

  static AliyunCallLimiter generousLimiter() {
    return AliyunCallLimiter.forAccount("fleet-test").callsPerSecond(1000).burst(100).maxConcurrentCalls(64).build();
  }

  /** The member's name as its HybridNetwork is named: the member cluster whose server {@code client} talks to. */
  private String nameOf(KubernetesClient client) {
    String url = client.getMasterUrl().toString();
    return clusters.values().stream().filter(c -> c.client.getMasterUrl().toString().equals(url))
        .map(c -> c.name).findFirst().orElseThrow(() -> new IllegalStateException("no member at " + url));
  }

  /** Wired as the CLI wires a live cluster; records each member's writes and plays the controllers after each. */
  StandardMemberWiring wiring() {
    return StandardMemberWiring.builder()
        .retrier(() -> new Retrier(RetryPolicy.defaults(), d -> { }, () -> 0.5))
        .addonWait(new AddonWaitOptions(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(30)))
        .kubeSleeper(c -> d -> DaemonSetController.reconcile(testClientOf(c)))
        .applyLease(c -> LeaseApplyLock.builder(c).pollInterval(Duration.ofMillis(10)))
        .aroundExecutors(c -> {
          String name = nameOf(c);
          return e -> withControllers(name, e);
        })
        .build();
  }

  /**
   * The test's own client of the cluster {@code replicaClient} talks to. The stand-ins for the cluster's controllers
   * (DaemonSet controller, Tigera operator, addon manager) write through it: in a real cluster those writes come from
   * the cluster's controllers, not from the replica, so the double-write check must not count them as the replica's
   * (a replica that lost its shard while its rollout waited would otherwise be charged with the pods the DaemonSet
   * controller recreated).
   */
  private KubernetesClient testClientOf(KubernetesClient replicaClient) {
    return clusters.get(nameOf(replicaClient)).client;
  }

  private ActionExecutor<?> withControllers(String name, ActionExecutor<?> executor) {
    KubernetesClient client = clusters.get(name).client;
    return executor.around((action, context, step) -> {
      if (!context.dryRun()) {
        // Recorded before the write: a test that sees the write done must see it recorded.
        writes.get(name).add(action.kind().name());
      }
      StepResult result = step.get();
      if (!context.dryRun()) {
        afterAction.accept(name, action.kind());
        if (action.kind() == ActionKind.INSTALL_ADDON
            && client.apps().daemonSets().inNamespace(KUBE_SYSTEM).withName("terway-eniip").get() == null) {
          KubeSampleCluster.installTerwayAddon(client);
        }
        TigeraOperator.render(client);
        DaemonSetController.reconcile(client);
      }
      return result;
    });
  }

  /** The spec the member's HybridNetwork holds (mode AUTO, detected as BGP; the default autoApply). */
  HybridNetworkResourceSpec resourceSpec(String name) {
    HybridNetworkResourceSpec spec = new HybridNetworkResourceSpec();
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("id", cluster(name).clusterId);
    cluster.put("region", REGION);
    spec.setCluster(cluster);
    KubeconfigSecretRef ref = new KubeconfigSecretRef();
    ref.setName(name + "-kubeconfig");
    spec.setKubeconfigSecretRef(ref);
    return spec;
  }

  HybridNetworkSpec spec(String name) {
    return ResourceSpecs.toSpec(HUB_NAMESPACE, name, resourceSpec(name));
  }

  /** Applies the member's spec as {@code hybridcni apply --auto-approve} would, through {@code account}. */
  ReconcileResult converge(String name, AliyunAccount account) {
    MemberCluster member = cluster(name);
    HybridNetworkSpec spec = spec(name);
    MemberWiring.Parts parts = wiring().wire(spec, member.client, account.connection(REGION));
    try {
      return parts.writer().apply(parts.applyLock()).reconcile(spec, ApplyOptions.defaults().withHolder("test-setup")
          .withStatusTimeout(Duration.ZERO));
    } finally {
      writes.get(name).clear();
      try {
        parts.onClose().close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Writes the member's kubeconfig Secret and its HybridNetwork into the hub. */
  void register(String name) {
    putKubeconfig(name, cluster(name).kubeconfig());
    HybridNetwork resource = new HybridNetwork();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(HUB_NAMESPACE).withName(name).build());
    resource.setSpec(resourceSpec(name));
    hub.resource(resource).create();
  }

  void putKubeconfig(String name, String kubeconfig) {
    hub.secrets().inNamespace(HUB_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withNamespace(HUB_NAMESPACE).withName(name + "-kubeconfig").endMetadata().withType("Opaque")
        .withData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
        .build()).createOr(existing -> existing.update());
  }

  HybridNetwork resource(String name) {
    return hub.resources(HybridNetwork.class).inNamespace(HUB_NAMESPACE).withName(name).get();
  }

  /** The condition {@code type} of the member's HybridNetwork in the hub, or {@code null}. */
  Condition condition(String name, String type) {
    HybridNetwork r = resource(name);
    if (r == null || r.getStatus() == null || r.getStatus().getConditions() == null) {
      return null;
    }
    return r.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  boolean conditionIs(String name, String type, String status) {
    Condition c = condition(name, type);
    return c != null && status.equals(c.getStatus());
  }

  /** A fleet on this world's hub keeping namespace {@value #HUB_NAMESPACE}, quick to react, for tests. */
  Fleet.Builder fleet(ShardOwnership shards, AliyunAccount account) {
    return fleet(hub, shards, account);
  }

  /** {@link #fleet(ShardOwnership, AliyunAccount)} reading and writing the hub through {@code hubClient}. */
  Fleet.Builder fleet(KubernetesClient hubClient, ShardOwnership shards, AliyunAccount account) {
    return Fleet.builder(hubClient)
        .namespace(HUB_NAMESPACE)
        .ownership(shards)
        .account(account)
        .wiring(wiring())
        .identity("hub-0")
        .secretPoll(Duration.ofMillis(500))
        .retry(Duration.ofMillis(200))
        .memberTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), 0)
        .probeEvery(Duration.ofMillis(300))
        .syncTimeout(Duration.ofSeconds(3))
        .applyOptions(ApplyOptions.defaults().withStatusTimeout(Duration.ZERO))
        .debounce(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(100), Duration.ofMillis(500));
  }

  void closeLater(AutoCloseable c) {
    opened.add(c);
  }

  @Override
  public void close() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
    clusters.values().forEach(MemberCluster::close);
    hub.close();
    awaitWatchesEnded(hubWatches);
    destroy(hubServer, "hub");
    aliyun.close();
  }

  /**
   * Stops a mock server after the test's assertions all ran. A replica crashed on purpose leaves watches whose ends
   * the fabric8 8.0.0 mock handles on its one event loop, each send to the gone client waiting up to 30 s there
   * ("VertxMockWebSocket write did not complete within 30s", see {@link MockWatches}); several of them, one after
   * another, outlast any wait, and {@code destroy()} then reports "Unable to close MockWebServer". That is the mock's
   * teardown, not the fleet's behaviour (a real API server drops a watch whose client is gone): it is reported here
   * and the world goes on closing the rest. Anything else thrown propagates.
   */
  private static void destroy(KubernetesMockServer server, String which) {
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      if (!String.valueOf(e.getMessage()).contains("Unable to close MockWebServer")) {
        throw e;
      }
      System.err.println("The " + which + " mock server did not stop within its 10 s (watches of a crashed replica "
          + "still ending on its event loop): " + e.getMessage());
    }
  }

  /**
   * Waits until the mock has seen every watch end (see {@link MockWatches}): a {@code destroy()} while one is ending
   * fails after 10 s with "Unable to close MockWebServer", as a bench's teardown under load did.
   */
  private static void awaitWatchesEnded(MockWatches watches) {
    try {
      watches.awaitEnded();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
