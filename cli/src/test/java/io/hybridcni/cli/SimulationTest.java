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
}
