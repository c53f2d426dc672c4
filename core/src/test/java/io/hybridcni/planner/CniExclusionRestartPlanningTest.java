package io.hybridcni.planner;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan says what the exclusion restarts: under RollingUpdate calico-node restarts on every node, maxUnavailable
 * at a time; under OnDelete nothing restarts, and the calico pods on cloud nodes are deleted by apply, or are a
 * blocker naming the kubectl command when the spec says not to delete them.
 */
class CniExclusionRestartPlanningTest {

  private static ObservedState withStrategy(ObservedState state, UpdateStrategy strategy) {
    CalicoFacts calico = state.cni().calico();
    return state.toBuilder().calico(calico.withDaemonSet(calico.daemonSet().withUpdateStrategy(strategy))).build();
  }

  private static ActionDetail.CniExclusion exclusion(Plan plan) {
    Action a = plan.actions().stream().filter(x -> x.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI)
        .findFirst().orElseThrow();
    return (ActionDetail.CniExclusion) a.detail();
  }

  private static Finding finding(Plan plan, String code) {
    return plan.findings().stream().filter(f -> f.code().equals(code)).findFirst().orElseThrow();
  }

  @Test
  void aRollingUpdateCalicoNodeIsSaidToRestartOnEveryNodeMaxUnavailableAtATime() {
    Plan plan = new Planner().plan(Specs.auto(),
        withStrategy(SampleClusters.freshBgp(), new UpdateStrategy("RollingUpdate", "2")));

    assertThat(plan).hasWarning("CALICO_RESTARTS_ON_EVERY_NODE").hasNoBlockers();
    assertThat(finding(plan, "CALICO_RESTARTS_ON_EVERY_NODE").message())
        .contains("RollingUpdate (maxUnavailable 2)", "2 at a time", "on-premises pod networking can be cut",
            "stops before the addon install if on-premises calico pods do not come back Ready");
    assertThat(finding(plan, "CALICO_RESTARTS_ON_EVERY_NODE").evidence())
        .containsExactly("calico-node restarts on onprem-1", "calico-node restarts on onprem-2");
    ActionDetail.CniExclusion d = exclusion(plan);
    assertThat(d.updateStrategy()).isEqualTo(new UpdateStrategy("RollingUpdate", "2"));
    assertThat(d.rolledOut()).isEqualTo(WorkloadRef.daemonSet("kube-system", "calico-node"));
    assertThat(d.deletePodsOnNodes()).isEmpty();
  }

  @Test
  void anOnDeleteCalicoNodeRestartsNothingAndApplyDeletesTheCalicoPodsOnTheCloudNodesOnly() {
    Plan plan = new Planner().plan(Specs.auto(), withStrategy(SampleClusters.freshBgp(), UpdateStrategy.onDelete()));

    assertThat(plan).hasNoBlockers().hasNoFinding("CALICO_RESTARTS_ON_EVERY_NODE");
    ActionDetail.CniExclusion d = exclusion(plan);
    assertThat(d.deletePodsOnNodes()).containsExactly(SampleClusters.CLOUD_NODE);
    assertThat(d.podSelector()).isEqualTo("k8s-app=calico-node");
    Action a = plan.actions().stream().filter(x -> x.detail() == d).findFirst().orElseThrow();
    assertThat(a.reason()).contains("is OnDelete: the template change restarts no on-premises pod; the DaemonSet "
        + "controller removes the calico pods from cloud node(s) [" + SampleClusters.CLOUD_NODE + "]")
        .contains("apply deletes any still there one at a time");
  }

  @Test
  void anOnDeleteCalicoNodeWhosePodsTheSpecKeepsIsLeftToTheDaemonSetControllerWithTheKubectlCommandPerNode() {
    // Not a blocker: the real DaemonSet controller deletes a pod whose node the template no longer allows, whatever
    // the update strategy (kubernetes pkg/controller/daemon/daemon_controller.go podsShouldBeOnNode).
    HybridNetworkSpec keep = Specs.builder().deleteCloudNodePods(false).build();

    Plan plan = new Planner().plan(keep, withStrategy(SampleClusters.freshBgp(), UpdateStrategy.onDelete()));

    assertThat(plan).hasNoBlockers().hasNote("CNI_ON_DELETE_PODS_LEFT");
    assertThat(finding(plan, "CNI_ON_DELETE_PODS_LEFT").evidence()).containsExactly("kubectl -n kube-system "
        + "delete pod -l k8s-app=calico-node --field-selector spec.nodeName=" + SampleClusters.CLOUD_NODE);
    assertThat(finding(plan, "CNI_ON_DELETE_PODS_LEFT").message()).contains("network.deleteCloudNodePods");
    assertThat(exclusion(plan).deletePodsOnNodes()).isEmpty();
  }

  @Test
  void anOnDeleteCalicoNodeWithNoCalicoOnACloudNodeNeedsNoDeletionAndNoBlocker() {
    ObservedState state = withStrategy(SampleClusters.freshBgp(), UpdateStrategy.onDelete());
    state = state.toBuilder().nodes(state.nodes().stream()
        .map(n -> n.name().equals(SampleClusters.CLOUD_NODE) ? n.withRunsCalico(false) : n).toList()).build();

    Plan plan = new Planner().plan(Specs.builder().deleteCloudNodePods(false).build(), state);

    assertThat(plan).hasNoFinding("CNI_ON_DELETE_PODS_LEFT");
    assertThat(exclusion(plan).deletePodsOnNodes()).isEmpty();
  }

  @Test
  void theOperatorPathRestartsTheRenderedCalicoNodeWithTheInstallationsNodeUpdateStrategy() {
    ObservedState state = SampleClusters.operatorCalico();
    CalicoFacts calico = state.cni().calico();
    var installation = calico.installation();
    state = state.toBuilder().calico(calico.withInstallation(new io.hybridcni.observe.TigeraInstallation(
        installation.name(), installation.resourceVersion(), installation.bgp(), installation.pools(),
        installation.calicoNodePlacement(), UpdateStrategy.onDelete()))).build();

    Plan plan = new Planner().plan(Specs.auto(), state);

    ActionDetail.CniExclusion d = exclusion(plan);
    assertThat(d.target()).isEqualTo(WorkloadRef.tigeraInstallation("default"));
    assertThat(d.rolledOut()).isEqualTo(WorkloadRef.daemonSet("calico-system", "calico-node"));
    assertThat(d.updateStrategy()).isEqualTo(UpdateStrategy.onDelete());
    assertThat(d.deletePodsOnNodes()).containsExactly(SampleClusters.CLOUD_NODE);
  }

  @Test
  void aChangedUpdateStrategyMakesTheExclusionStale() {
    ObservedState planned = SampleClusters.freshBgp();
    Plan plan = new Planner().plan(Specs.auto(), planned);
    Action a = plan.actions().stream().filter(x -> x.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI)
        .findFirst().orElseThrow();
    String key = "workload/DAEMON_SET/kube-system/calico-node";

    assertThat(Facts.read(key, planned)).isEqualTo(a.fingerprint().facts().get(key));
    assertThat(Facts.read(key, withStrategy(planned, UpdateStrategy.onDelete())))
        .isNotEqualTo(a.fingerprint().facts().get(key)).endsWith("updateStrategy=OnDelete");
    ObservedState newResourceVersion = planned.toBuilder().calico(planned.cni().calico().withDaemonSet(
        new io.hybridcni.observe.Workload(planned.cni().calico().daemonSet().ref(), "99999",
            planned.cni().calico().daemonSet().placement(), planned.cni().calico().daemonSet().images(),
            List.of(), UpdateStrategy.DEFAULT, "k8s-app=calico-node"))).build();
    assertThat(Facts.read(key, newResourceVersion)).isEqualTo(a.fingerprint().facts().get(key));
  }
}
