package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.apply.ActionExecutor;
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
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Apply, then destroy, on the mock: the Kubernetes half of both runs through this adapter (the destroy's through
 * {@link KubeExecutors}), the cloud half comes from {@link PlannedState#simulate}, and the test stands in for ACK
 * (adding and removing the Terway addon's DaemonSet) and for the DaemonSet controller. After the destroy, the next
 * destroy plan is empty, Calico runs where it ran before hybridcni, and {@code plan} asks for what it asked at first.
 */
@EnableKubeApiMock
class ObserveDestroyApplyConvergesTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private final Planner planner = new Planner();

  private ObservedState observe(HybridNetworkSpec spec, CloudFacts cloud) {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).pageSize(2).build()) {
      return ObservedState.of(observer.observe(spec), cloud);
    }
  }

  private void apply(Plan plan) {
    // While the exclusion follows its rollout, the operator renders and the DaemonSet controller replaces pods.
    List<ActionExecutor<?>> kube = KubeExecutors.create(client, DryRunMode.CLIENT, Clock.systemUTC(), d -> {
      io.hybridcni.testkit.kube.TigeraOperator.render(client);
      DaemonSetController.step(client, 1);
    }, null);
    KubernetesSecretStore secrets = KubernetesSecretStore.builder(client).dryRunMode(DryRunMode.CLIENT).build();
    for (Action action : plan.actions()) {
      if (action.detail() instanceof ActionDetail.AccessKeySecret d) {
        secrets.writeAccessKey(d.secretNamespace(), d.secretName(), new AccessKeyCredential(
            PlannedState.SIMULATED_ACCESS_KEY_PREFIX + "1", SecretValue.of(SampleClusters.FIXTURE_ACCESS_KEY_SECRET)));
      } else if (action.kind() == ActionKind.INSTALL_ADDON) {
        KubeSampleCluster.installTerwayAddon(client);
      } else if (action.kind() == ActionKind.UNINSTALL_ADDON) {
        uninstallTerwayAddon();
      } else {
        for (ActionExecutor<?> executor : kube) {
          if (executor.handles(action.kind())) {
            assertThat(executor.run(action, ExecutionContext.forReal(ApplyListener.NONE)).status())
                .isEqualTo(StepStatus.APPLIED);
          }
        }
      }
    }
    io.hybridcni.testkit.kube.TigeraOperator.render(client);
    DaemonSetController.reconcile(client);
  }

  /** What ACK does on uninstall: the addon's DaemonSet goes, and its pods with it. */
  private void uninstallTerwayAddon() {
    DaemonSet terway = client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get();
    client.pods().inNamespace("kube-system").withLabels(terway.getSpec().getSelector().getMatchLabels()).delete();
    client.resource(terway).delete();
  }

  private static List<String> running(ObservedState state, boolean calico) {
    return state.nodes().stream().filter(calico ? NodeInfo::runsCalico : NodeInfo::runsTerway).map(NodeInfo::name)
        .toList();
  }

  private void appliesThenDestroys(KubeSampleCluster cluster, HybridNetworkSpec spec, ActionKind... destroyKinds) {
    cluster.seed(client);
    ObservedState fresh = observe(spec, new CloudFacts(RamFacts.NONE, SampleClusters.registeredCluster(), List.of()));
    Plan plan = planner.plan(spec, fresh);
    PlanAssert.assertThat(plan).hasNoBlockers();
    ObservedState predicted = PlannedState.simulate(plan, fresh);
    apply(plan);
    ObservedState applied = observe(spec, predicted.cloud());
    PlanAssert.assertThat(planner.plan(spec, applied)).isEmpty();

    Plan destroy = planner.planDestroy(spec, applied);
    PlanAssert.assertThat(destroy).hasNoBlockers().hasActions(destroyKinds);
    ObservedState destroyedCloud = PlannedState.simulate(destroy, applied);
    apply(destroy);
    ObservedState destroyed = observe(spec, destroyedCloud.cloud());

    PlanAssert.assertThat(planner.planDestroy(spec, destroyed)).isEmpty();
    assertThat(destroyed.secret().present()).isFalse();
    assertThat(running(destroyed, false)).isEmpty();
    assertThat(running(destroyed, true)).isEqualTo(running(fresh, true));
    assertThat(requiredTerms(destroyed)).isEqualTo(requiredTerms(fresh));
    Plan again = planner.plan(spec, destroyed);
    assertThat(again.actions()).extracting(Action::kind).isEqualTo(plan.actions().stream().map(Action::kind).toList());
    assertThat(exclusionsBefore(again)).isEqualTo(exclusionsBefore(plan));
  }

  /** Calico's required terms: of its DaemonSet, and of the Installation when the operator manages it. */
  private static List<Object> requiredTerms(ObservedState state) {
    var calico = state.cni().calico();
    if (calico == null) {
      return List.of();
    }
    return List.of(calico.daemonSet().placement().requiredTerms(), calico.installation() == null ? List.of()
        : calico.installation().calicoNodePlacement().requiredTerms());
  }

  private static List<Object> exclusionsBefore(Plan plan) {
    return plan.actions().stream().map(Action::detail).filter(d -> d instanceof ActionDetail.CniExclusion)
        .map(d -> (Object) ((ActionDetail.CniExclusion) d).before()).toList();
  }

  @Test
  void aCalicoBgpClusterIsAppliedAndDestroyedBackToWhereItStarted() {
    appliesThenDestroys(KubeSampleCluster.CALICO_BGP, Specs.auto(),
        ActionKind.UNINSTALL_ADDON, ActionKind.WAIT_FOR_ADDON_REMOVAL, ActionKind.REMOVE_CNI_EXCLUSION,
        ActionKind.DELETE_SECRET, ActionKind.DELETE_ACCESS_KEY, ActionKind.DETACH_RAM_POLICY,
        ActionKind.DELETE_RAM_POLICY, ActionKind.DELETE_RAM_USER);
  }

  @Test
  void anOperatorManagedCalicoClusterIsAppliedAndDestroyedBackToWhereItStarted() {
    appliesThenDestroys(KubeSampleCluster.CALICO_OPERATOR, Specs.auto(),
        ActionKind.UNINSTALL_ADDON, ActionKind.WAIT_FOR_ADDON_REMOVAL, ActionKind.REMOVE_CNI_EXCLUSION,
        ActionKind.DELETE_SECRET, ActionKind.DELETE_ACCESS_KEY, ActionKind.DETACH_RAM_POLICY,
        ActionKind.DELETE_RAM_POLICY, ActionKind.DELETE_RAM_USER);
  }

  @Test
  void aHostNetworkClusterIsAppliedAndDestroyed() {
    appliesThenDestroys(KubeSampleCluster.HOST_NETWORK, Specs.hostNetwork(),
        ActionKind.UNINSTALL_ADDON, ActionKind.WAIT_FOR_ADDON_REMOVAL, ActionKind.DELETE_SECRET,
        ActionKind.DELETE_ACCESS_KEY, ActionKind.DETACH_RAM_POLICY, ActionKind.DELETE_RAM_POLICY,
        ActionKind.DELETE_RAM_USER);
  }
}
