package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.controller.resource.HybridNetwork;
import io.hybridcni.controller.resource.HybridNetworkResourceStatus;
import java.nio.file.Files;
import io.hybridcni.testkit.kube.CalicoManifest;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hybridcni controller} in process, on a simulated cluster: it repairs drift until stopped, and bad options are one line. */
@org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class ControllerCommandTest {

  @TempDir
  Path dir;

  private final Consumer<Runnable> realShutdown = ControllerCommand.onShutdown;

  @AfterEach
  void restoreShutdown() {
    ControllerCommand.onShutdown = realShutdown;
  }

  @Test
  void theControllerRepairsAnOverwrittenAffinityItsWatchesSawServesItsProbesAndGivesTheLeadUpWhenStopped()
      throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      assertThat(cli.run("apply", "-f", cli.spec.toString(), "--auto-approve").exitCode()).isZero();
      AtomicReference<Runnable> stop = new AtomicReference<>();
      ControllerCommand.onShutdown = stop::set;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"controller", "-f",
          cli.spec.toString(), "--debounce", "PT0.05S", "--resync", "PT1H", "--sync-timeout", "PT5S", "--identity", "replica-a",
          "--health-port", String.valueOf(port)}, new ByteArrayInputStream(new byte[0]),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), false, cli.environments));
      KubernetesClient client = cli.simulation.kubernetesClient();
      await(() -> err.toString(StandardCharsets.UTF_8).contains("Leading: this replica repairs."), err);
      await(() -> get(port, "/readyz").statusCode() == 200, err);
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

      CalicoManifest.reapply(client);
      // The resync is an hour away: only the informer cache's watch can have started this round.
      await(() -> err.toString(StandardCharsets.UTF_8).contains("Repaired: converged"), err);
      assertThat(get(port, "/metrics").body()).contains("hybridcni_leader 1.0")
          .containsPattern("hybridcni_repairs_total\\{result=\"converged\"} [1-9]");
      assertThat(excludes(client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get()))
          .isTrue();
      assertThat(client.leases().inNamespace("kube-system").withName("hybridcni-controller").get().getSpec()
          .getHolderIdentity()).isEqualTo("replica-a");

      stop.get().run();

      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("Stopped; the lead was given up.");
      assertThat(client.leases().inNamespace("kube-system").withName("hybridcni-controller").get()).isNull();
    }
  }

  @Test
  void aControllerKeepingAHybridNetworkWritesItsConditionsAndStartsAgainWhenItsSpecIsEdited() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      assertThat(cli.run("apply", "-f", cli.spec.toString(), "--auto-approve").exitCode()).isZero();
      KubernetesClient client = cli.simulation.kubernetesClient();
      client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization().unmarshal(
          Files.readString(Path.of("..", "deploy", "crds", "hybridnetworks.hybridcni.io.yaml")),
          CustomResourceDefinition.class)).create();
      String body = "cluster:\n    id: " + Simulation.CLUSTER_ID + "\n    region: " + Simulation.REGION + "\n";
      client.resource(network(client, body)).create();
      AtomicReference<Runnable> stop = new AtomicReference<>();
      ControllerCommand.onShutdown = stop::set;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"controller",
          "--resource", "hybridcni-system/network", "--debounce", "PT0.05S", "--resync", "PT1H",
          "--identity", "replica-a"}, new ByteArrayInputStream(new byte[0]),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), false, cli.environments));

      await(() -> condition(client, "Ready").filter("True"::equals).isPresent(), err);
      assertThat(condition(client, "Drifted")).contains("False");
      assertThat(status(client).getLeader()).isEqualTo("replica-a");

      long before = client.resources(HybridNetwork.class).inNamespace("hybridcni-system").withName("network").get()
          .getMetadata().getGeneration();
      // Report only from now on: the edit is a new generation, and the controller starts again with it.
      // A merge patch as kubectl sends it: fabric8's serialization of the typed model leaves an empty list out,
      // which would drop the very "report only" this edit is about.
      client.resources(HybridNetwork.class).inNamespace("hybridcni-system").withName("network").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"spec\":{\"controller\":{\"autoApply\":[]}}}");
      await(() -> err.toString(StandardCharsets.UTF_8).contains("changed: keeping the cluster at the new one"), err);
      await(() -> status(client).getObservedGeneration() != null && status(client).getObservedGeneration() == before + 1,
          err);
      client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
        ds.getSpec().getTemplate().getSpec().setAffinity(null);
        return ds;
      });
      await(() -> condition(client, "Drifted").filter("True"::equals).isPresent(), err);
      assertThat(excludesCloudNodes(client)).as("held by the policy: nothing repaired").isFalse();

      stop.get().run();
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void aBlockedPlanSetsTheBlockedConditionWithTheBlockersReasonAndWritesNothing() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      // Terway's RAM user already holds RAM's two AccessKeys and the Secret holds neither: the planner blocks the new
      // key (ACCESS_KEY_LIMIT) while the plan still has the exclusion, the policy and the addon to do.
      String user = io.hybridcni.spec.HybridNetworkSpec.defaultRamUserName(Simulation.CLUSTER_ID);
      cli.simulation.aliyun().seedUserWithKey(user, "Active");
      cli.simulation.aliyun().seedAccessKey(user);
      KubernetesClient client = cli.simulation.kubernetesClient();
      client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization().unmarshal(
          Files.readString(Path.of("..", "deploy", "crds", "hybridnetworks.hybridcni.io.yaml")),
          CustomResourceDefinition.class)).create();
      client.resource(network(client, "cluster:\n    id: " + Simulation.CLUSTER_ID + "\n    region: "
          + Simulation.REGION + "\n")).create();
      String calicoVersion = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get()
          .getMetadata().getResourceVersion();
      MockRequests.drain(cli.simulation.kubernetesServer());
      cli.simulation.aliyun().clearJournal();
      AtomicReference<Runnable> stop = new AtomicReference<>();
      ControllerCommand.onShutdown = stop::set;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"controller",
          "--resource", "hybridcni-system/network", "--debounce", "PT0.05S", "--resync", "PT1H",
          "--identity", "replica-a"}, new ByteArrayInputStream(new byte[0]),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), false, cli.environments));

      await(() -> condition(client, "Blocked").filter("True"::equals).isPresent(), err);
      io.fabric8.kubernetes.api.model.Condition blocked = status(client).getConditions().stream()
          .filter(c -> c.getType().equals("Blocked")).findFirst().orElseThrow();
      assertThat(blocked.getReason()).isEqualTo("PlanBlocked");
      assertThat(blocked.getMessage()).startsWith("ACCESS_KEY_LIMIT: User " + user + " already holds 2 AccessKeys");
      assertThat(condition(client, "Ready")).contains("False");
      assertThat(condition(client, "Drifted")).as("the held plan has actions").contains("True");
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("Held: ");

      stop.get().run();
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
      // Its own leader Lease and the HybridNetwork's status are the controller's bookkeeping; anything else is a write
      // of the held plan.
      String statusPath = "/apis/hybridcni.io/v1alpha1/namespaces/hybridcni-system/hybridnetworks/network/status";
      java.util.List<MockRequests.Recorded> requests = MockRequests.drain(cli.simulation.kubernetesServer());
      assertThat(requests).as("the mock recorded the status writes").anyMatch(r -> !r.method().equals("GET")
          && r.pathOnly().equals(statusPath));
      assertThat(requests.stream()
          .filter(r -> !r.method().equals("GET"))
          .filter(r -> !r.pathOnly().startsWith("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases")
              || r.pathOnly().contains("hybridcni-apply"))
          .filter(r -> !r.pathOnly().equals(statusPath))
          .map(Object::toString)).as("writes to the cluster").isEmpty();
      assertThat(client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get().getMetadata()
          .getResourceVersion()).isEqualTo(calicoVersion);
      assertThat(client.leases().inNamespace("kube-system").withName("hybridcni-apply").get()).isNull();
      assertThat(cli.simulation.aliyun().journal().operations()).as("calls to Alibaba Cloud")
          .isNotEmpty().noneMatch(op -> op.matches("(Create|Attach|Delete|Detach|Install|Upgrade|Set|Update).*"));
      assertThat(cli.simulation.aliyun().accessKeys(user)).hasSize(2);
    }
  }

  @Test
  void aResourceThatDoesNotExistIsOneLineNamingItAndNothingIsWritten() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      ControllerCommand.onShutdown = hook -> { };
      int before = cli.simulation.kubernetesServer().getRequestCount();

      // No CRD and no resource. A real API server answers the list with 404 without the CRD (the command then says
      // it could not list the resource); the fabric8 mock serves any custom resource and lists none.
      CliRun run = cli.run("controller", "--resource", "hybridcni-system/network", "--sync-timeout", "PT5S");

      assertThat(run.exitCode()).isNotZero();
      assertThat(run.err()).as(run.toString()).isEqualTo("Error: HybridNetwork hybridcni-system/network: metadata.name: an "
          + "existing HybridNetwork named network in namespace hybridcni-system, found none\n");
      assertThat(cli.simulation.kubernetesClient().leases().inAnyNamespace().list().getItems()).isEmpty();
      assertThat(cli.simulation.kubernetesServer().getRequestCount()).isGreaterThan(before);
    }
  }

  private static HybridNetwork network(KubernetesClient client, String specBody) {
    return client.getKubernetesSerialization().unmarshal("apiVersion: hybridcni.io/v1alpha1\nkind: HybridNetwork\n"
        + "metadata:\n  name: network\n  namespace: hybridcni-system\nspec:\n  " + specBody.strip() + "\n",
        HybridNetwork.class);
  }

  private static HybridNetworkResourceStatus status(KubernetesClient client) {
    HybridNetwork network = client.resources(HybridNetwork.class).inNamespace("hybridcni-system").withName("network")
        .get();
    return network == null || network.getStatus() == null ? new HybridNetworkResourceStatus() : network.getStatus();
  }

  private static java.util.Optional<String> condition(KubernetesClient client, String type) {
    return status(client).getConditions().stream().filter(c -> c.getType().equals(type))
        .map(io.fabric8.kubernetes.api.model.Condition::getStatus).findFirst();
  }

  private static boolean excludesCloudNodes(KubernetesClient client) {
    DaemonSet ds = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
    return ds.getSpec().getTemplate().getSpec().getAffinity() != null && excludes(ds);
  }

  private static java.net.http.HttpResponse<String> get(int port, String path) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean excludes(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().stream()
        .allMatch(t -> t.getMatchExpressions().stream().anyMatch(e -> e.getKey().equals("alibabacloud.com/external")
            && e.getOperator().equals("NotIn")));
  }

  private static void await(java.util.function.BooleanSupplier condition, ByteArrayOutputStream err)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; stderr so far:\n" + err.toString(StandardCharsets.UTF_8));
      }
      Thread.sleep(20);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      --health-port     | 0           | expected a port number from 1 to 65535, found 0
      --health-port     | http        | expected a port number from 1 to 65535, found 'http'
      --debounce        | PT0S        | expected a duration of more than zero such as PT1S, found 'PT0S'
      --resync          | -PT1S       | expected a duration of zero or more
      --cloud-poll      | 5m          | expected an ISO-8601 duration such as PT30S or PT15M, found '5m'
      --lease-name      | Hybrid_CNI  | expected a Kubernetes object name
      --lease-namespace | Kube-System | expected a Kubernetes namespace
      --identity        | ' '         | expected a name of 1 to 253 characters without control characters
      """)
  void aBadOptionValueIsOneLineNamingTheOption(String option, String value, String expected) throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      CliRun run = cli.run("controller", "-f", cli.spec.toString(), option, value);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(run.err().strip().lines()).as(run.toString()).singleElement().satisfies(line ->
          assertThat(line).contains(option).contains(expected));
    }
  }
}
