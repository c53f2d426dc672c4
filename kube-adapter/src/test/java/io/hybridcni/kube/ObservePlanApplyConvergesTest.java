package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.fixtures.PlanAssert;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.PlannedState;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Observe, plan, apply, observe again: the second plan is empty. The Kubernetes half is applied for real on the
 * mock through this adapter; the cloud half is not this adapter's, so it is taken from
 * {@link PlannedState#simulate}, and the Secret is written with the AccessKey id the simulation invented. The mock
 * runs no controllers, so after the apply the test plays ACK (installing the Terway addon's DaemonSet) and the
 * DaemonSet controller (moving pods to where the placements now allow them).
 */
@EnableKubeApiMock
class ObservePlanApplyConvergesTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private final Planner planner = new Planner();

  private ObservedState observe(HybridNetworkSpec spec, CloudFacts cloud) {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).pageSize(2).build()) {
      return ObservedState.of(observer.observe(spec), cloud);
    }
  }

  /** Applies the plan's Kubernetes actions through the adapter and stands in for ACK for the addon. */
  private void applyKubernetesHalf(Plan plan) {
    KubernetesSecretStore secrets = KubernetesSecretStore.builder(client).dryRunMode(DryRunMode.CLIENT).build();
    // While the exclusion follows its rollout, the operator renders and the DaemonSet controller replaces pods.
    CniExclusionExecutor exclusion = CniExclusionExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).sleeper(d -> {
      io.hybridcni.testkit.kube.TigeraOperator.render(client);
      DaemonSetController.step(client, 1);
    }).build();
    for (Action action : plan.actions()) {
      if (action.detail() instanceof ActionDetail.AccessKeySecret d) {
        secrets.writeAccessKey(d.secretNamespace(), d.secretName(), new AccessKeyCredential(
            PlannedState.SIMULATED_ACCESS_KEY_PREFIX + "1", SecretValue.of(SampleClusters.FIXTURE_ACCESS_KEY_SECRET)));
      } else if (action.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI) {
        assertThat(exclusion.run(action, ExecutionContext.forReal(ApplyListener.NONE)).status())
            .isEqualTo(StepStatus.APPLIED);
      } else if (action.kind() == ActionKind.INSTALL_ADDON) {
        KubeSampleCluster.installTerwayAddon(client);
      }
    }
    DaemonSetController.reconcile(client);
  }

  private static List<String> runningTerway(ObservedState state) {
    return state.nodes().stream().filter(NodeInfo::runsTerway).map(NodeInfo::name).toList();
  }

  private static List<String> runningCalico(ObservedState state) {
    return state.nodes().stream().filter(NodeInfo::runsCalico).map(NodeInfo::name).toList();
  }

  private void converges(KubeSampleCluster cluster, HybridNetworkSpec spec, ActionKind... expectedFirstPlan) {
    cluster.seed(client);
    CloudFacts freshCloud = new CloudFacts(RamFacts.NONE, SampleClusters.registeredCluster(), List.of());
    ObservedState observed = observe(spec, freshCloud);
    Plan plan = planner.plan(spec, observed);
    PlanAssert.assertThat(plan).hasNoBlockers().hasActions(expectedFirstPlan);
    ObservedState predicted = PlannedState.simulate(plan, observed);

    applyKubernetesHalf(plan);
    ObservedState after = observe(spec, predicted.cloud());

    PlanAssert.assertThat(planner.plan(spec, after)).isEmpty();
    assertThat(runningTerway(after)).isEqualTo(runningTerway(predicted)).containsExactly(SampleClusters.CLOUD_NODE);
    assertThat(runningCalico(after)).isEqualTo(runningCalico(predicted));
  }

  @Test
  void aCalicoBgpClusterConvergesAndCalicoLeavesOnlyTheCloudNode() {
    converges(KubeSampleCluster.CALICO_BGP, Specs.auto(),
        ActionKind.ENSURE_RAM_USER, ActionKind.ENSURE_RAM_POLICY, ActionKind.ATTACH_RAM_POLICY,
        ActionKind.ENSURE_ACCESS_KEY_SECRET, ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI, ActionKind.INSTALL_ADDON,
        ActionKind.WAIT_FOR_ADDON);
  }

  @Test
  void aHostNetworkClusterConverges() {
    converges(KubeSampleCluster.HOST_NETWORK, Specs.hostNetwork(),
        ActionKind.ENSURE_RAM_USER, ActionKind.ENSURE_RAM_POLICY, ActionKind.ATTACH_RAM_POLICY,
        ActionKind.ENSURE_ACCESS_KEY_SECRET, ActionKind.INSTALL_ADDON, ActionKind.WAIT_FOR_ADDON);
  }
}
