package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.controller.resource.HybridNetwork;
import io.hybridcni.error.Sensitive;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.NodeStatus;
import io.hybridcni.testkit.kube.CalicoManifest;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller as a benchmark or a demo builds it on a simulation, without the command: it leads, repairs a
 * re-applied Calico manifest through the client it is given, gives the lead up when closed, and its no-op rounds
 * read nothing from the API server (plan and status from the caches) but keep their Lease.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ControllerRuntimeTest {

  @Test
  void aRuntimeOnASimulationRepairsThroughItsOwnClientAndGivesTheLeadUpWhenClosed() throws Exception {
    java.util.concurrent.atomic.AtomicInteger viaOwn = new java.util.concurrent.atomic.AtomicInteger();
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO);
        KubernetesClient own = countingClient(simulation, viaOwn)) {
      assertThat(simulation.reconciler(Duration.ofSeconds(30)).reconcile(simulation.demoSpec(),
          io.hybridcni.apply.ApplyOptions.defaults().withHolder("test-setup")).converged()).isTrue();
      KubernetesClient client = simulation.kubernetesClient();
      ControllerRuntime kept = ControllerRuntime.builder(simulation.demoSpec()).simulation(simulation, own)
          .identity("bench-replica").debounce(Duration.ofMillis(100)).resync(Duration.ofHours(1)).build();
      try {
        kept.start();
        await(() -> kept.controller().leading() && kept.controller().ready());
        assertThat(client.leases().inNamespace("kube-system").withName("hybridcni-controller").get().getSpec()
            .getHolderIdentity()).isEqualTo("bench-replica");
        assertThat(kept.healthPort()).isEmpty();

        int beforeDrift = viaOwn.get();
        assertThat(beforeDrift).as("the caches listed and watched through the client given").isPositive();
        CalicoManifest.reapply(client);
        io.hybridcni.testkit.kube.DaemonSetController.reconcile(client);
        await(() -> excludesCloudNodes(client));
        assertThat(viaOwn.get()).as("the repair wrote through the client given").isGreaterThan(beforeDrift);
        await(() -> kept.registry().scrape().matches("(?s).*hybridcni_repairs_total\\{result=\"converged\"} [1-9].*"));
      } finally {
        kept.close();
      }
      assertThat(client.leases().inNamespace("kube-system").withName("hybridcni-controller").get()).isNull();
    }
  }

  @Test
  void aNoOpRoundOnAConvergedClusterSendsNoRequestButItsLeasesAndStillReportsTheRunningNetwork() throws Exception {
    List<String> sent = new CopyOnWriteArrayList<>();
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO);
        KubernetesClient own = recordingClient(simulation, sent)) {
      assertThat(simulation.reconciler(Duration.ofSeconds(30)).reconcile(simulation.demoSpec(),
          io.hybridcni.apply.ApplyOptions.defaults().withHolder("test-setup")).converged()).isTrue();
      BlockingQueue<Round> rounds = new LinkedBlockingQueue<>();
      ControllerListener listener = new ControllerListener() {
        @Override
        public void planned(Plan plan, NetworkStatus status) {
          rounds.add(new Round(plan, status));
        }
      };
      // Nothing changes in the cluster: every round after the first is the resync's, a no-op.
      try (ControllerRuntime kept = ControllerRuntime.builder(simulation.demoSpec()).simulation(simulation, own)
          .identity("quiet-replica").debounce(Duration.ofMillis(50)).resync(Duration.ofMillis(200))
          .listener(listener).build()) {
        kept.start();
        await(() -> kept.controller().leading() && kept.controller().ready());
        assertThat(rounds.poll(60, TimeUnit.SECONDS)).as("a first round").isNotNull();

        sent.clear();
        Round first = rounds.poll(60, TimeUnit.SECONDS);
        Round second = rounds.poll(60, TimeUnit.SECONDS);
        List<String> duringTheRounds = List.copyOf(sent);

        assertThat(second).as("two more rounds").isNotNull();
        assertThat(first.plan().isEmpty()).as("a no-op round").isTrue();
        assertThat(second.plan().isEmpty()).as("a no-op round").isTrue();
        assertThat(duringTheRounds).as("what the rounds sent through the controller's client")
            .allMatch(path -> path.startsWith("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"));
        assertThat(second.status()).as("the running network").isNotNull();
        assertThat(second.status().nodes()).extracting(NodeStatus::name).containsExactlyInAnyOrder(
            KubeSampleCluster.ON_PREMISES_NODES.get(0), KubeSampleCluster.ON_PREMISES_NODES.get(1),
            KubeSampleCluster.CLOUD_NODE);
        assertThat(second.status().nodes()).allSatisfy(n -> assertThat(n.pods()).isNotEmpty()
            .allMatch(CniPod::healthy));
        assertThat(second.status().healthy()).as("%s", second.status().findings()).isTrue();
      }
    }
  }

  @Test
  void aStatusMessageHoldingTheClientsTokenIsWrittenToTheHybridNetworkMasked() throws Exception {
    String token = "k8s-token-Zx81Qw27Ep46Rt93Yu05";
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO);
        KubernetesClient own = client(simulation, path -> { }, token)) {
      assertThat(simulation.reconciler(Duration.ofSeconds(30)).reconcile(simulation.demoSpec(),
          io.hybridcni.apply.ApplyOptions.defaults().withHolder("test-setup")).converged()).isTrue();
      KubernetesClient client = simulation.kubernetesClient();
      client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization().unmarshal(
          java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "crds",
              "hybridnetworks.hybridcni.io.yaml")),
          io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class)).create();
      client.resource(client.getKubernetesSerialization().unmarshal("apiVersion: hybridcni.io/v1alpha1\n"
          + "kind: HybridNetwork\nmetadata:\n  name: network\n  namespace: hybridcni-system\nspec:\n  cluster:\n"
          + "    id: " + Simulation.CLUSTER_ID + "\n    region: " + Simulation.REGION + "\n", HybridNetwork.class))
          .create();
      // A service that echoes what it was sent in its error, as a misbehaving proxy or webhook may: every round's
      // cloud read fails with the controller's Kubernetes token in the message.
      String echo = "request refused by the audit proxy (caller presented token " + token + ")";
      for (int i = 0; i < 100; i++) {
        simulation.aliyun().faults().on("GetUser").failWith("InvalidParameter", 400, echo);
      }
      try (ControllerRuntime kept = ControllerRuntime.builder(simulation.demoSpec()).simulation(simulation, own)
          .identity("masking-replica").debounce(Duration.ofMillis(50)).resync(Duration.ofHours(1))
          .resource("hybridcni-system", "network", () -> 1L).build()) {
        kept.start();

        await(() -> messages(client).stream().anyMatch(m -> m.contains("audit proxy")));
        assertThat(simulation.aliyun().faults().taken("GetUser")).as("the echo was sent").isPositive();
        assertThat(messages(client)).as("the conditions' messages")
            .anyMatch(m -> m.contains("caller presented token " + Sensitive.MASK))
            .noneMatch(m -> m.contains(token.substring(0, Sensitive.WINDOW)));
      }
    }
  }

  /** The messages of the HybridNetwork's conditions. */
  private static List<String> messages(KubernetesClient client) {
    HybridNetwork network = client.resources(HybridNetwork.class).inNamespace("hybridcni-system").withName("network")
        .get();
    return network == null || network.getStatus() == null ? List.of() : network.getStatus().getConditions().stream()
        .map(io.fabric8.kubernetes.api.model.Condition::getMessage).toList();
  }

  /** One round's plan and the running network it reported. */
  private record Round(Plan plan, NetworkStatus status) {}

  @Test
  void aRuntimeWithoutAClusterIsRefusedNamingWhatIsMissing() {
    assertThatThrownBy(() -> ControllerRuntime.builder(io.hybridcni.spec.HybridNetworkSpec.builder()
        .clusterId(Simulation.CLUSTER_ID).regionId(Simulation.REGION).build()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("expected simulation(...)");
  }

  /** A client of the simulation's mock API server of its own, counting every request it sends in {@code sent}. */
  private static KubernetesClient countingClient(Simulation simulation,
      java.util.concurrent.atomic.AtomicInteger sent) {
    return client(simulation, path -> sent.incrementAndGet());
  }

  /** A client of the simulation's mock API server of its own, adding each request's path to {@code sent}. */
  private static KubernetesClient recordingClient(Simulation simulation, List<String> sent) {
    return client(simulation, sent::add);
  }

  private static KubernetesClient client(Simulation simulation, Consumer<String> sent) {
    return client(simulation, sent, null);
  }

  /** As {@link #client(Simulation, Consumer)}, sending {@code token} as its bearer token when not {@code null}. */
  private static KubernetesClient client(Simulation simulation, Consumer<String> sent, String token) {
    io.fabric8.kubernetes.client.Config config;
    try (KubernetesClient base = simulation.kubernetesServer().createClient()) {
      config = base.getConfiguration();
    }
    if (token != null) {
      config = new io.fabric8.kubernetes.client.ConfigBuilder(config).withOauthToken(token).build();
    }
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count",
            new io.fabric8.kubernetes.client.http.Interceptor() {
              @Override
              public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
                  io.fabric8.kubernetes.client.http.HttpRequest request,
                  io.fabric8.kubernetes.client.http.Interceptor.RequestTags tags) {
                sent.accept(request.uri().getPath());
              }
            }))
        .build();
  }

  private static boolean excludesCloudNodes(KubernetesClient client) {
    var affinity = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get().getSpec()
        .getTemplate().getSpec().getAffinity();
    return affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
        .stream().allMatch(t -> t.getMatchExpressions().stream().anyMatch(e -> e.getKey()
            .equals("alibabacloud.com/external") && e.getOperator().equals("NotIn")));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("timed out").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
