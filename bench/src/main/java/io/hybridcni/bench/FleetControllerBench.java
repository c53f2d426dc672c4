package io.hybridcni.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunCallLimiter;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.StepResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.controller.fleet.AliyunAccount;
import io.hybridcni.controller.fleet.AllShards;
import io.hybridcni.controller.fleet.Fleet;
import io.hybridcni.controller.fleet.MemberClients;
import io.hybridcni.controller.fleet.MemberWiring;
import io.hybridcni.controller.fleet.StandardMemberWiring;
import io.hybridcni.controller.resource.HybridNetwork;
import io.hybridcni.controller.resource.HybridNetworkResourceSpec;
import io.hybridcni.controller.resource.KubeconfigSecretRef;
import io.hybridcni.controller.resource.ResourceSpecs;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.aliyun.Journal;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 13's fleet through the controller: N registered clusters of 100 nodes each (the Calico BGP sample, calico-node
 * on every node) on simulated API servers, a hub with one HybridNetwork and one kubeconfig Secret per cluster, and
 * the real {@link Fleet} keeping them all with the account's one {@link AliyunCallLimiter} against the fake Aliyun,
 * 50 ms per answer. Every cluster was converged by {@code apply} first; every {@code driftEvery}-th one then had its
 * calico-node affinity overwritten (a {@code helm upgrade} of Calico), which the fleet repairs. Measured from the
 * fleet's start until every member finished its first round (planned nothing, or repaired): the Aliyun calls per
 * second against the rate limit's floor, the most calls the fake received within one second and at once against the
 * limit, and the retained heap per cluster.
 *
 * <p>Clusters: {@code -Dhybridcni.bench.fleetClusters=N} (default 1000); the result is {@code fleet-controller} for
 * 1,000 and {@code fleet-controller-N} otherwise.
 */
public final class FleetControllerBench {

  static final String REGION = "cn-hangzhou";
  static final String HUB_NAMESPACE = "fleet";
  private static final String CALLER_ID = "LTAI5tFleetCtlBenchCaller";
  private static final String CALLER_SECRET = "FleetCtlBenchCallerSecret012345";
  private static final String GENERATED_CRD = "META-INF/fabric8/" + HybridNetwork.CRD_NAME + "-v1.yml";

  /** Issue 13: at least 90 % of the rate limit's floor. */
  static final double TARGET_RATE_RATIO = 0.9;
  /** Issue 13: retained heap per 100-node cluster. */
  static final double TARGET_KIB_PER_CLUSTER = 2 * 1024;

  /**
   * @param clusters registered clusters
   * @param clustersPerServer simulated API servers behind one mock ({@link ClusterPathRouter})
   * @param nodes nodes per cluster, the sample's own included
   * @param qps the account's rate limit, calls per second
   * @param burst calls the rate limit lets through at once
   * @param maxInFlight the account's limit of calls in flight
   * @param latency added to every answer of the fake Aliyun
   * @param driftEvery every n-th cluster has its calico-node affinity overwritten before the fleet starts
   * @param setupThreads clusters seeded and converged at once before the measurement
   * @param checkTargets whether issue 13's rate and memory targets are checks of this run (not for a smoke run)
   */
  record Params(int clusters, int clustersPerServer, int nodes, double qps, int burst, int maxInFlight,
      Duration latency, int driftEvery, int setupThreads, boolean checkTargets) {

    static Params defaults(int clusters) {
      return new Params(clusters, 100, 100, 100, 10, 16, Duration.ofMillis(50), 20, 8, true);
    }

    static Params smoke() {
      return new Params(4, 2, 10, 100, 10, 4, Duration.ofMillis(5), 2, 2, false);
    }
  }

  private FleetControllerBench() {}

  public static void main(String[] args) {
    Quiet.logs();
    HarnessArgs harness = HarnessArgs.parse(args);
    int clusters = Integer.getInteger("hybridcni.bench.fleetClusters", 1000);
    BenchResult result = run(harness.smoke() ? Params.smoke() : Params.defaults(clusters));
    harness.write(result);
    List<String> missed = missed(result);
    if (!missed.isEmpty()) {
      System.out.println("fleet-controller MISSED: " + String.join("; ", missed));
      System.exit(1);
    }
  }

  /** Every check that failed, with its figure and target. */
  static List<String> missed(BenchResult r) {
    List<String> out = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Map<String, Object> checks = (Map<String, Object>) r.toMap().get("checks");
    checks.forEach((k, v) -> {
      if (!Boolean.TRUE.equals(v)) {
        out.add(k + switch (k) {
          case "rateAtLeast90PercentOfFloor" -> ": " + r.value("rateLimitFloorRatio") + " of the floor, target >= "
              + TARGET_RATE_RATIO;
          case "retainedHeapPerClusterAtMost2MiB" -> ": " + r.value("retainedHeapPerCluster")
              + " KiB per cluster, target <= " + TARGET_KIB_PER_CLUSTER;
          case "busiestSecondWithinTheLimit" -> ": " + r.value("busiestSecond.atFake") + " calls, bound "
              + r.value("busiestSecond.bound");
          case "inFlightWithinTheLimit" -> ": " + r.value("peakInFlight.atFake") + " at once";
          default -> "";
        });
      }
    });
    return out;
  }

  static BenchResult run(Params p) {
    Quiet.logs();
    BenchResult.Started started = BenchResult.Started.now();
    List<KubernetesMockServer> servers = new ArrayList<>();
    List<ClusterPathRouter> routers = new ArrayList<>();
    Map<String, String> urls = new LinkedHashMap<>();
    MemberClients seedClients = MemberClients.create();
    KubernetesMockServer hubServer = crudServer(new KubernetesCrudDispatcher(List.of()));
    KubernetesClient hub = hubServer.createClient();
    ExecutorService setup = Executors.newFixedThreadPool(p.setupThreads());
    FakeAliyunOptions options = FakeAliyunOptions.defaults().withLatency(p.latency()).withAddonPollsBeforeSettled(0)
        .withRejectReplayedNonces(false);
    Fleet fleet = null;
    try (FakeAliyun aliyun = FakeAliyun.start(options)) {
      aliyun.addAccessKey(CALLER_ID, CALLER_SECRET);
      installCrd(hub);
      hub.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(HUB_NAMESPACE).endMetadata()
          .build()).create();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < p.clusters(); i++) {
        if (i % p.clustersPerServer() == 0) {
          ClusterPathRouter router = new ClusterPathRouter();
          routers.add(router);
          servers.add(crudServer(router));
        }
        String id = clusterId(i);
        routers.get(routers.size() - 1).add(id);
        KubernetesMockServer server = servers.get(servers.size() - 1);
        urls.put(name(i), "http://" + server.getHostName() + ":" + server.getPort() + ClusterPathRouter.PREFIX + id);
        aliyun.addCluster(id, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", REGION);
        names.add(name(i));
      }
      // Setup, not measured: every cluster seeded and converged by apply, through a generous limiter of its own.
      AliyunAccount setupAccount = AliyunAccount.of(AliyunCallLimiter.forAccount("bench-setup").callsPerSecond(10_000)
          .burst(1000).maxConcurrentCalls(64).build(), connections(aliyun));
      StandardMemberWiring wiring = wiring();
      List<Future<?>> seeded = new ArrayList<>();
      for (int i = 0; i < p.clusters(); i++) {
        int n = i;
        seeded.add(setup.submit(() -> {
          seedAndConverge(p, n, urls.get(name(n)), seedClients, wiring, setupAccount);
          register(hub, name(n), clusterId(n), urls.get(name(n)));
          return null;
        }));
      }
      for (Future<?> f : seeded) {
        f.get();
      }
      int drifted = 0;
      for (int i = 0; i < p.clusters(); i++) {
        if (drifted(i, p)) {
          try (KubernetesClient c = seedClients.client(config(urls.get(name(i))))) {
            overwriteCalicoAffinity(c);
          }
          drifted++;
        }
      }
      long heapBefore = Memory.usedHeapAfterGc();

      AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("fleet").callsPerSecond(p.qps()).burst(p.burst())
          .maxConcurrentCalls(p.maxInFlight()).permitWait(Duration.ofMinutes(10)).slotWait(Duration.ofMinutes(10))
          .build();
      Map<String, String> done = new ConcurrentHashMap<>();
      AtomicInteger failedRounds = new AtomicInteger();
      AtomicInteger repairs = new AtomicInteger();
      fleet = Fleet.builder(hub)
          .namespace(HUB_NAMESPACE)
          .ownership(new AllShards(16))
          .account(AliyunAccount.of(limiter, connections(aliyun)))
          .wiring(wiring)
          .identity("bench-hub")
          .memberListeners(key -> List.of(new ControllerListener() {
            @Override
            public void planned(Plan plan, NetworkStatus status) {
              if (plan.isEmpty()) {
                done.putIfAbsent(key, "converged");
              }
            }

            @Override
            public void reconciled(ReconcileResult result) {
              if (result.converged()) {
                repairs.incrementAndGet();
                done.putIfAbsent(key, "repaired");
              }
            }

            @Override
            public void failed(Exception failure) {
              failedRounds.incrementAndGet();
            }
          }))
          .secretPoll(Duration.ofMinutes(30))
          .syncTimeout(Duration.ofMinutes(5))
          .applyOptions(ApplyOptions.defaults().withStatusTimeout(Duration.ZERO))
          .debounce(Duration.ofMillis(200))
          .resync(Duration.ofHours(1))
          .cloudPoll(Duration.ofHours(1), 0.2)
          .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
          .build();
      aliyun.clearJournal();
      aliyun.resetPeakRequestsInFlight();
      limiter.resetPeakInFlight();
      long start = System.nanoTime();
      fleet.start();
      long deadline = start + Duration.ofMinutes(20).toNanos();
      while (done.size() < p.clusters()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + done.size() + " of " + p.clusters() + " members finished a first "
              + "round within 20 minutes; " + failedRounds.get() + " rounds failed");
        }
        Thread.sleep(20);
      }
      double wall = (System.nanoTime() - start) / 1e9;
      Journal journal = aliyun.journal();
      int calls = journal.size();
      int busiest = journal.mostReceivedWithin(Duration.ofSeconds(1));
      long notOk = journal.stream().filter(e -> !e.succeeded()).count();
      journal = null;
      aliyun.clearJournal();
      int peakAtFake = aliyun.peakRequestsInFlight();
      AliyunCallLimiter.Stats stats = limiter.stats();
      Thread.sleep(2000);
      long heapAfter = Memory.usedHeapAfterGc();
      NoOpReconcileBench.require(fleet.members().size() == p.clusters(), "the fleet keeps " + fleet.members().size()
          + " members, not " + p.clusters());

      double floor = Math.max(0, calls - p.burst()) / p.qps();
      double ratio = floor / wall;
      int bound = FleetBench.busiestSecondBound(new FleetBench.Params(p.clusters(), 1, p.qps(), p.burst(),
          p.maxInFlight(), p.latency(), Duration.ZERO, 0));
      double perClusterKiB = (heapAfter - heapBefore) / 1024.0 / p.clusters();
      long repaired = done.values().stream().filter("repaired"::equals).count();
      BenchResult result = new BenchResult(p.clusters() == 1000 ? "fleet-controller"
          : "fleet-controller-" + p.clusters(), "A fleet of registered clusters kept by one controller (the real "
          + "controller.fleet.Fleet: a member per HybridNetwork, its client on the fleet's shared client parts, its "
          + "informer cache and controller), every member's Aliyun calls through the account's one call limiter "
          + "against the fake Aliyun; from the fleet's start until every member finished its first round.", started)
          .parameter("clusters", p.clusters())
          .parameter("nodesPerCluster", p.nodes())
          .parameter("clustersPerMockServer", p.clustersPerServer())
          .parameter("aliyunQpsLimit", p.qps())
          .parameter("aliyunBurst", p.burst())
          .parameter("aliyunMaxInFlight", p.maxInFlight())
          .parameter("aliyunLatencyMs", p.latency().toMillis())
          .parameter("driftedClusters", drifted)
          .metric("wallTime", wall, "s", "from the fleet's start until every member finished its first round")
          .metric("aliyunCalls", calls, "calls", "calls the fake received in that time")
          .metric("aliyunAnswers.notOk", notOk, "calls", "answers other than 2xx")
          .metric("aliyunCallsPerCluster", (double) calls / p.clusters(), "calls", "per cluster, drifted included")
          .metric("aliyunCallsPerSecond", calls / wall, "calls/s", "achieved Aliyun rate")
          .metric("rateLimitFloor", floor, "s", "(calls - burst) / qps: the least time the rate limit allows")
          .metric("rateLimitFloorRatio", ratio, "ratio", "rateLimitFloor / wallTime; target >= " + TARGET_RATE_RATIO)
          .metric("busiestSecond.atFake", busiest, "calls", "most calls the fake received within one second")
          .metric("busiestSecond.bound", bound, "calls", "what the rate limit allows within one second "
              + "(FleetBench.busiestSecondBound)")
          .metric("peakInFlight.atFake", peakAtFake, "requests", "most requests the fake served at once")
          .metric("peakInFlight.atClient", stats.peakInFlight(), "requests", "as the limiter saw them")
          .metric("limiter.permitsWaited", stats.permitsWaited(), "calls", "calls that waited for a permit")
          .metric("limiter.refused", stats.refused(), "calls", "calls the limiter refused")
          .metric("failedRounds", failedRounds.get(), "rounds", "member rounds that failed")
          .metric("repairedClusters", repaired, "clusters", "drifted clusters whose first round repaired them")
          .metric("heapBefore", heapBefore / 1024.0 / 1024.0, "MiB", "heap after GC with every server, store and "
              + "the fake seeded, before the fleet")
          .metric("heapAfter", heapAfter / 1024.0 / 1024.0, "MiB", "the same with the fleet's members idle")
          .metric("retainedHeapPerCluster", perClusterKiB, "KiB", "(heapAfter - heapBefore) / clusters");
      result.check("inFlightWithinTheLimit", peakAtFake <= p.maxInFlight());
      result.check("busiestSecondWithinTheLimit", busiest <= bound);
      result.check("noCallRefused", stats.refused() == 0);
      result.check("everyDriftRepaired", repaired == drifted);
      if (p.checkTargets()) {
        result.check("rateAtLeast90PercentOfFloor", ratio >= TARGET_RATE_RATIO);
        result.check("retainedHeapPerClusterAtMost2MiB", perClusterKiB <= TARGET_KIB_PER_CLUSTER);
      }
      result.note("Heap by MemoryMXBean after System.gc() repeated until it settles (Memory.usedHeapAfterGc); the "
          + "mock API servers, their stores and the fake are in heapBefore; what the members' watches make the "
          + "servers keep is counted per cluster.");
      result.note("Simulated API servers: " + p.clustersPerServer() + " clusters per fabric8 mock behind a path "
          + "router (ClusterPathRouter); a real fleet has one API server per cluster.");
      System.out.printf(Locale.ROOT, "fleet-controller: %d clusters, %d calls in %.1f s = %.1f calls/s (%.0f %% of "
          + "the floor), busiest second %d (bound %d), peak in flight %d, %.0f KiB per cluster%n", p.clusters(), calls,
          wall, calls / wall, ratio * 100, busiest, bound, peakAtFake, perClusterKiB);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the setup failed: " + e.getCause(), e.getCause());
    } finally {
      if (fleet != null) {
        fleet.close();
      }
      setup.shutdownNow();
      seedClients.close();
      hub.close();
      hubServer.destroy();
      servers.forEach(KubernetesMockServer::destroy);
    }
  }

  private static void seedAndConverge(Params p, int i, String url, MemberClients clients,
      StandardMemberWiring wiring, AliyunAccount account) {
    try (KubernetesClient c = clients.client(config(url))) {
      KubeSampleCluster.CALICO_BGP.seed(c, clusterId(i));
      int missing = p.nodes() - c.nodes().list().getItems().size();
      for (int n = 1, added = 0; added < missing; n++) {
        if (n % 5 == 0) {
          continue; // PlanAtScaleBench's cloud nodes
        }
        Node node = c.getKubernetesSerialization().unmarshal(PlanAtScaleBench.node(n), Node.class);
        node.getMetadata().setResourceVersion(null);
        node.getMetadata().setUid(null);
        c.nodes().resource(node).create();
        added++;
      }
      DaemonSetController.reconcile(c);
      HybridNetworkSpec spec = ResourceSpecs.toSpec(HUB_NAMESPACE, name(i), resourceSpec(clusterId(i), name(i)));
      MemberWiring.Parts parts = wiring.wire(spec, c, account.connection(REGION));
      try {
        ReconcileResult r = parts.writer().apply(parts.applyLock()).reconcile(spec, ApplyOptions.defaults()
            .withHolder("bench-setup").withStatusTimeout(Duration.ZERO));
        NoOpReconcileBench.require(r.converged(), "cluster " + clusterId(i) + " did not converge: " + r.why());
      } finally {
        try {
          parts.onClose().close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static void register(KubernetesClient hub, String name, String clusterId, String url) {
    String kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: hybridcni
          user:
            token: member-token-%1$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: hybridcni
        current-context: %1$s
        """.formatted(name, url);
    hub.secrets().inNamespace(HUB_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withNamespace(HUB_NAMESPACE).withName(name + "-kubeconfig").endMetadata().withType("Opaque")
        .withData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
    HybridNetwork resource = new HybridNetwork();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(HUB_NAMESPACE).withName(name).build());
    resource.setSpec(resourceSpec(clusterId, name));
    hub.resource(resource).create();
  }

  private static HybridNetworkResourceSpec resourceSpec(String clusterId, String name) {
    HybridNetworkResourceSpec spec = new HybridNetworkResourceSpec();
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("id", clusterId);
    cluster.put("region", REGION);
    spec.setCluster(cluster);
    KubeconfigSecretRef ref = new KubeconfigSecretRef();
    ref.setName(name + "-kubeconfig");
    spec.setKubeconfigSecretRef(ref);
    return spec;
  }

  /** Wired as the CLI wires a live cluster, playing the controllers the mock lacks after every write. */
  private static StandardMemberWiring wiring() {
    return StandardMemberWiring.builder()
        .addonWait(new AddonWaitOptions(Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofMinutes(5)))
        .kubeSleeper(c -> d -> DaemonSetController.reconcile(c))
        .applyLease(c -> LeaseApplyLock.builder(c).pollInterval(Duration.ofMillis(10)))
        .aroundExecutors(c -> e -> withControllers(c, e))
        .build();
  }

  private static ActionExecutor<?> withControllers(KubernetesClient client, ActionExecutor<?> executor) {
    return executor.around((action, context, step) -> {
      StepResult result = step.get();
      if (!context.dryRun()) {
        if (action.kind() == ActionKind.INSTALL_ADDON
            && client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get() == null) {
          KubeSampleCluster.installTerwayAddon(client);
        }
        TigeraOperator.render(client);
        DaemonSetController.reconcile(client);
      }
      return result;
    });
  }

  /** What a {@code helm upgrade} of Calico does: the whole {@code nodeSelectorTerms} list replaced. */
  private static void overwriteCalicoAffinity(KubernetesClient client) {
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
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

  private static java.util.function.Function<String, AliyunConnection.Builder> connections(FakeAliyun aliyun) {
    return region -> AliyunConnection.forRegion(region).endpoint(aliyun.endpoint()).protocol("HTTP")
        .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET));
  }

  private static Config config(String url) {
    return new ConfigBuilder().withMasterUrl(url).withOauthToken("bench-setup").withRequestTimeout(30_000)
        .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(10).build();
  }

  private static KubernetesMockServer crudServer(io.fabric8.mockwebserver.http.Dispatcher dispatcher) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  private static void installCrd(KubernetesClient client) {
    try (InputStream in = FleetControllerBench.class.getClassLoader().getResourceAsStream(GENERATED_CRD)) {
      if (in == null) {
        throw new IllegalStateException(GENERATED_CRD + " is not on the class path");
      }
      CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code c}, a distinct first ten characters (the RAM user's name keeps them), and hex to 33 characters. */
  static String clusterId(int i) {
    return String.format(Locale.ROOT, "c%09x%s", i, "e".repeat(23));
  }

  private static String name(int i) {
    return String.format(Locale.ROOT, "member-%04d", i);
  }

  private static boolean drifted(int i, Params p) {
    return p.driftEvery() > 0 && i % p.driftEvery() == p.driftEvery() - 1;
  }

  static Set<String> checkNames() {
    return Set.of("inFlightWithinTheLimit", "busiestSecondWithinTheLimit", "noCallRefused", "everyDriftRepaired");
  }
}
