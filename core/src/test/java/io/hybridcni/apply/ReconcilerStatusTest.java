package io.hybridcni.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.port.NetworkStatusObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.Cni;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.NetworkObservation;
import io.hybridcni.status.NetworkStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The closing check lives in the Reconciler: converged means the plan made after apply is empty and, with a network
 * status observer wired, the running network is healthy. Problems that clear with time (a Terway pod not Ready yet)
 * are waited for through the injected Sleeper up to the status timeout; a lasting one (an ECS node without the
 * cloud label) ends the wait at once.
 */
class ReconcilerStatusTest {

  private static final WorkloadRef CALICO = WorkloadRef.daemonSet("kube-system", "calico-node");
  private static final WorkloadRef TERWAY = WorkloadRef.daemonSet("kube-system", "terway-eniip");
  private static final String UNLABELLED_ECS = "cn-hangzhou.i-bp1unlabelled01";

  private final HybridNetworkSpec spec = Specs.auto();
  private final List<Duration> slept = new ArrayList<>();
  private final List<String> heard = new ArrayList<>();

  /**
   * Pods where the in-memory world says each CNI runs, as the kube-adapter's observer reads them from the cluster:
   * a Terway pod is Ready only from the {@code terwayReadyAtRead}-th read on (never when negative).
   */
  private static final class PodsWhereTheyRun implements NetworkStatusObserver {
    private final int terwayReadyAtRead;
    int reads;

    PodsWhereTheyRun(int terwayReadyAtRead) {
      this.terwayReadyAtRead = terwayReadyAtRead;
    }

    @Override
    public NetworkObservation observe(HybridNetworkSpec spec, KubernetesFacts facts) {
      reads++;
      boolean terwayReady = terwayReadyAtRead >= 0 && reads >= terwayReadyAtRead;
      List<CniPod> pods = new ArrayList<>();
      for (NodeInfo n : facts.nodes()) {
        if (n.runsCalico()) {
          pods.add(new CniPod("calico-node-" + n.name(), CALICO, Cni.CALICO, n.name(), "Running", true, 0, null,
              null));
        }
        if (n.runsTerway()) {
          pods.add(new CniPod("terway-eniip-" + n.name(), TERWAY, Cni.TERWAY, n.name(), "Running", terwayReady, 0,
              null, null));
        }
      }
      return new NetworkObservation(facts.nodes(), List.of(), pods);
    }
  }

  private Reconciler reconciler(InMemoryWorld world, NetworkStatusObserver status) {
    return Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).status(status)
        .sleeper(slept::add).statusPollInterval(Duration.ofSeconds(5)).build();
  }

  private ApplyOptions options(Duration statusTimeout) {
    return ApplyOptions.defaults().withStatusTimeout(statusTimeout).withListener(new ApplyListener() {
      @Override
      public void waitingForStatus(NetworkStatus status, Duration elapsed, Duration timeout) {
        heard.add(status.problemCodes() + " after " + elapsed + " of " + timeout);
      }
    });
  }

  @Test
  void applyWaitsThroughTheSleeperForTerwayToBecomeReadyAndThenConverges() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    PodsWhereTheyRun status = new PodsWhereTheyRun(3);

    ReconcileResult result = reconciler(world, status).reconcile(spec, options(Duration.ofMinutes(5)));

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(result.why()).isEqualTo("converged: the plan made after apply is empty and the running network is "
        + "healthy");
    assertThat(result.status().healthy()).isTrue();
    assertThat(status.reads).isEqualTo(3);
    assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
    assertThat(heard).containsExactly("[TERWAY_NOT_READY] after PT0S of PT5M", "[TERWAY_NOT_READY] after PT5S of PT5M");
  }

  @Test
  void aTerwayPodThatNeverBecomesReadyIsNotConvergedAfterTheTimeoutNamingTheNode() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());

    ReconcileResult result = reconciler(world, new PodsWhereTheyRun(-1)).reconcile(spec,
        options(Duration.ofSeconds(12)));

    assertThat(result.converged()).isFalse();
    assertThat(result.verification().actions()).isEmpty();
    assertThat(result.why()).isEqualTo("not converged: the plan made after apply is empty, but the running network "
        + "is not right on node(s) [" + SampleClusters.CLOUD_NODE + "] [TERWAY_NOT_READY] after waiting PT12S");
    assertThat(result.status().healthy()).isFalse();
    // The last poll is cut to what is left of the timeout.
    assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2));
  }

  @Test
  void anEcsNodeWithoutTheCloudLabelEndsTheWaitAtOnce() {
    ObservedState fresh = SampleClusters.freshBgp();
    List<NodeInfo> nodes = new ArrayList<>(fresh.nodes());
    nodes.add(new NodeInfo(UNLABELLED_ECS, Map.of("kubernetes.io/os", "linux"), "cn-hangzhou.i-bp1unlabelled01",
        true, false));
    InMemoryWorld world = new InMemoryWorld(fresh.toBuilder().nodes(nodes).build());
    PodsWhereTheyRun status = new PodsWhereTheyRun(-1);

    ReconcileResult result = reconciler(world, status).reconcile(spec, options(Duration.ofMinutes(5)));

    assertThat(result.converged()).isFalse();
    assertThat(result.why()).contains(UNLABELLED_ECS).contains("ECS_NODE_WITHOUT_CLOUD_LABEL")
        .doesNotContain("after waiting");
    assertThat(status.reads).isEqualTo(1);
    assertThat(slept).isEmpty();
    assertThat(heard).isEmpty();
  }

  @Test
  void aZeroStatusTimeoutJudgesTheNetworkOnceWithoutSleeping() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    PodsWhereTheyRun status = new PodsWhereTheyRun(2);

    ReconcileResult result = reconciler(world, status).reconcile(spec, options(Duration.ZERO));

    assertThat(result.converged()).isFalse();
    assertThat(status.reads).isEqualTo(1);
    assertThat(slept).isEmpty();
  }

  @Test
  void theStatusIsJudgedFromTheVerificationsObservationWithoutObservingTheClusterAgain() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp());
    int[] observations = {0};
    io.hybridcni.port.ClusterObserver counting = s -> {
      observations[0]++;
      return world.observe(s);
    };
    Reconciler reconciler = Reconciler.builder().cluster(counting).cloud(world.cloud()).executor(world)
        .status(new PodsWhereTheyRun(0)).sleeper(slept::add).build();
    var plan = reconciler.plan(spec);
    int afterPlan = observations[0];

    ReconcileResult result = reconciler.verify(spec, plan, new ApplyResult(List.of(), false, null),
        ApplyOptions.defaults());

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(observations[0] - afterPlan).as("observations of the closing check").isEqualTo(1);
  }

  @Test
  void aDestroyIsConvergedByItsPlanAloneWithoutReadingTheNetwork() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp());
    PodsWhereTheyRun status = new PodsWhereTheyRun(-1);

    ReconcileResult result = reconciler(world, status).destroy(spec, options(Duration.ofMinutes(5)));

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(result.status()).isNull();
    assertThat(status.reads).isZero();
  }
}
