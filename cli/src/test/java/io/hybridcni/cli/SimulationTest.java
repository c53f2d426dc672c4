package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulationTest {

  @Test
  void kubernetesLatencyDelaysEveryAnswerOfTheMockAndTheFakeKeepsItsOptions() {
    Duration latency = Duration.ofMillis(200);
    FakeAliyunOptions options = FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0);
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, options, latency)) {
      int before = simulation.kubernetesServer().getRequestCount();

      long started = System.nanoTime();
      var node = simulation.kubernetesClient().nodes().withName(KubeSampleCluster.CLOUD_NODE).get();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(node).isNotNull();
      assertThat(took).isGreaterThanOrEqualTo(latency);
      assertThat(simulation.kubernetesServer().getRequestCount()).isEqualTo(before + 1);
      assertThat(simulation.aliyun().options()).isSameAs(options);
      assertThat(simulation.aliyunConnection().regionId()).isEqualTo(Simulation.REGION);
    }
  }

  @Test
  void aReconcilerOnAClientOfOnesOwnConvergesWhileTheSimulatedControllersKeepTheirs() {
    FakeAliyunOptions settleAtOnce = FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0);
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, settleAtOnce, Duration.ZERO);
        KubernetesClient own = simulation.kubernetesServer().createClient()) {
      Reconciler reconciler = simulation.reconciler(Duration.ofMinutes(1), own);

      ReconcileResult result = reconciler.reconcile(simulation.demoSpec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(own.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get()).isNotNull();
    }
  }

  /** Terway as it is when an action starts: the restart annotation and whether every pod runs the current template. */
  private record TerwaySeen(String action, String restartedForKey, boolean everyPodCurrent) {}

  private static TerwaySeen terwayAt(KubernetesClient client, String action) {
    var ds = client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get();
    var annotations = ds.getSpec().getTemplate().getMetadata().getAnnotations();
    var pods = client.pods().inNamespace("kube-system").withLabel("app", "terway-eniip").list().getItems();
    String revision = io.hybridcni.testkit.kube.DaemonSetController.revision(ds);
    return new TerwaySeen(action, annotations == null ? null
        : annotations.get(io.hybridcni.observe.TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION),
        !pods.isEmpty() && pods.stream().allMatch(p -> revision.equals(
            p.getMetadata().getLabels().get(io.hybridcni.testkit.kube.DaemonSetController.REVISION_LABEL))));
  }

  /** Converges the simulation, changes something, then applies again and records Terway at each action's start. */
  private static java.util.List<TerwaySeen> convergeThenApplyAgain(Simulation simulation,
      java.util.function.Consumer<String> change) {
    io.hybridcni.spec.HybridNetworkSpec spec = simulation.demoSpec().toBuilder().deleteOrphanAccessKeys(true).build();
    Reconciler reconciler = simulation.reconciler(Duration.ofMinutes(1));
    ReconcileResult first = reconciler.reconcile(spec, ApplyOptions.defaults());
    assertThat(first.converged()).as(first.why()).isTrue();
    String oldKey = simulation.aliyun().accessKeys(spec.ramUserName()).get(0).id();
    change.accept(oldKey);
    java.util.List<TerwaySeen> seen = new java.util.ArrayList<>();
    io.hybridcni.apply.ApplyListener recorder = new io.hybridcni.apply.ApplyListener() {
      @Override
      public void actionStarted(io.hybridcni.plan.Action action) {
        seen.add(terwayAt(simulation.kubernetesClient(), action.id()));
      }
    };

    ReconcileResult second = reconciler.reconcile(spec, ApplyOptions.defaults().withListener(recorder));

    assertThat(second.converged()).as(second.why()).isTrue();
    var keys = simulation.aliyun().accessKeys(spec.ramUserName());
    assertThat(keys).hasSize(1).noneMatch(k -> k.id().equals(oldKey));
    String newKeyHash = io.hybridcni.observe.ValueHash.of(keys.get(0).id());
    assertThat(seen).extracting(TerwaySeen::action)
        .containsExactly("access-key-secret", "terway-restart", "orphan-access-key-" + oldKey);
    // The old key goes only once every Terway pod runs the template restarted for the new key.
    assertThat(seen.get(2).restartedForKey()).isEqualTo(newKeyHash);
    assertThat(seen.get(2).everyPodCurrent()).isTrue();
    assertThat(seen.get(1).restartedForKey()).isNotEqualTo(newKeyHash);
    // And in the cloud's own record: the new key exists before the old one is deleted.
    java.util.List<String> operations = simulation.aliyun().journal().operations();
    assertThat(operations.lastIndexOf("DeleteAccessKey")).isGreaterThan(operations.lastIndexOf("CreateAccessKey"));
    return seen;
  }

  @Test
  void aRotationRestartsTerwayBeforeTheOldKeyIsDeleted() {
    FakeAliyunOptions settleAtOnce = FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0);
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, settleAtOnce, Duration.ZERO)) {
      convergeThenApplyAgain(simulation, oldKey -> simulation.aliyun().setAccessKeyStatus(oldKey, "Inactive"));
    }
  }

  @Test
  void aRepairOfADeletedSecretWithTerwayRunningRestartsTerwayBeforeTheOldKeyIsDeleted() {
    FakeAliyunOptions settleAtOnce = FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0);
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, settleAtOnce, Duration.ZERO)) {
      convergeThenApplyAgain(simulation, oldKey -> simulation.kubernetesClient().secrets()
          .inNamespace("kube-system").withName("alibaba-addon-secret").delete());
    }
  }
}
