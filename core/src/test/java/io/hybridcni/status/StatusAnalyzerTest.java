package io.hybridcni.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each problem `hybridcni status` finds, one test each, and the healthy cluster that has none. */
class StatusAnalyzerTest {

  private static final NodeLabel CLOUD = NodeLabel.parse("alibabacloud.com/external=true");
  private static final WorkloadRef CALICO_DS = WorkloadRef.daemonSet("kube-system", "calico-node");
  private static final WorkloadRef TERWAY_DS = WorkloadRef.daemonSet("kube-system", "terway-eniip");
  private static final WorkloadRef FLANNEL_DS = WorkloadRef.daemonSet("kube-flannel", "kube-flannel-ds");

  private final StatusAnalyzer analyzer = new StatusAnalyzer(CLOUD);

  private static NodeInfo onPrem(String name) {
    return new NodeInfo(name, Map.of(), null, false, false);
  }

  private static NodeInfo cloud(String name) {
    return new NodeInfo(name, Map.of("alibabacloud.com/external", "true"), "cn-hangzhou.i-bp1" + name.replace("-", ""),
        false, false);
  }

  private static CniPod ready(Cni cni, WorkloadRef ds, String node) {
    return new CniPod(ds.name() + "-" + node, ds, cni, node, "Running", true, 0, null, null);
  }

  private static CniPod waiting(Cni cni, WorkloadRef ds, String node, String reason, String image) {
    return new CniPod(ds.name() + "-" + node, ds, cni, node, "Pending", false, 0, reason, image);
  }

  private static DaemonSetRollout done(WorkloadRef ds, Cni cni, int desired) {
    return new DaemonSetRollout(ds, cni, "RollingUpdate", "1", 2, 2, desired, desired, desired, 0);
  }

  /** A BGP cluster as it should be: Calico on the two on-premises nodes, Terway on the cloud node. */
  private static List<CniPod> bgpPods() {
    return new ArrayList<>(List.of(ready(Cni.CALICO, CALICO_DS, "idc-1"), ready(Cni.CALICO, CALICO_DS, "idc-2"),
        ready(Cni.TERWAY, TERWAY_DS, "ecs-1")));
  }

  private NetworkStatus bgp(List<NodeInfo> nodes, List<CniPod> pods) {
    return analyzer.analyze(Scenario.BGP, new NetworkObservation(nodes,
        List.of(done(CALICO_DS, Cni.CALICO, 2), done(TERWAY_DS, Cni.TERWAY, 1)), pods));
  }

  private static final List<NodeInfo> BGP_NODES = List.of(onPrem("idc-1"), onPrem("idc-2"), cloud("ecs-1"));

  private static Finding only(NetworkStatus status, String code) {
    assertThat(status.healthy()).isFalse();
    assertThat(status.findings()).extracting(Finding::code).containsExactly(code);
    return status.findings().get(0);
  }

  @Test
  void aBgpClusterWithCalicoOnPremisesAndTerwayOnTheCloudNodeIsHealthy() {
    NetworkStatus status = bgp(BGP_NODES, bgpPods());

    assertThat(status.healthy()).isTrue();
    assertThat(status.findings()).isEmpty();
    assertThat(status.nodes()).extracting(NodeStatus::cloud).containsExactly(false, false, true);
    assertThat(status.nodes().get(2).why())
        .isEqualTo("cloud: label alibabacloud.com/external=true, ECS providerID cn-hangzhou.i-bp1ecs1");
    assertThat(status.nodes().get(0).why()).isEqualTo("on-premises: no label alibabacloud.com/external=true, "
        + "no providerID");
  }

  @Test
  void aCloudNodeWithoutATerwayPodIsAProblem() {
    List<CniPod> pods = bgpPods();
    pods.removeIf(p -> p.cni().equals(Cni.TERWAY));

    Finding f = only(bgp(BGP_NODES, pods), "CLOUD_NODE_WITHOUT_TERWAY");

    assertThat(f.message()).contains("ecs-1");
  }

  @Test
  void aTerwayPodThatIsNotReadyOnACloudNodeIsAProblem() {
    List<CniPod> pods = bgpPods();
    pods.replaceAll(p -> p.cni().equals(Cni.TERWAY)
        ? new CniPod(p.name(), p.daemonSet(), p.cni(), p.node(), "Running", false, 7, "CrashLoopBackOff", "t:1")
        : p);

    Finding f = only(bgp(BGP_NODES, pods), "TERWAY_NOT_READY");

    assertThat(f.evidence()).containsExactly(
        "ecs-1: terway pod terway-eniip-ecs-1 is Running, not Ready (CrashLoopBackOff), 7 restarts");
  }

  @Test
  void calicoStillOnACloudNodeNextToTerwayRunsTwoCnisAndIsNamed() {
    List<CniPod> pods = bgpPods();
    pods.add(ready(Cni.CALICO, CALICO_DS, "ecs-1"));

    NetworkStatus status = bgp(BGP_NODES, pods);

    assertThat(status.findings()).extracting(Finding::code)
        .containsExactly("NODE_RUNS_TWO_CNIS", "ON_PREMISES_CNI_ON_CLOUD_NODE");
    assertThat(status.nodesWithProblems()).extracting(NodeStatus::name).containsExactly("ecs-1");
  }

  @Test
  void anOnPremisesNodeWithoutACniPodIsAProblem() {
    List<CniPod> pods = bgpPods();
    pods.removeIf(p -> "idc-2".equals(p.node()));

    only(bgp(BGP_NODES, pods), "ON_PREMISES_NODE_WITHOUT_CNI");
  }

  @Test
  void inTheHostNetworkScenarioOnPremisesNodesNeedNoCniPod() {
    NetworkStatus status = analyzer.analyze(Scenario.HOST_NETWORK, new NetworkObservation(BGP_NODES,
        List.of(done(TERWAY_DS, Cni.TERWAY, 1)), List.of(ready(Cni.TERWAY, TERWAY_DS, "ecs-1"))));

    assertThat(status.healthy()).as("%s", status.findings()).isTrue();
  }

  @Test
  void anEcsNodeWithoutTheCloudLabelIsNamed() {
    NodeInfo unlabelled = new NodeInfo("ecs-2", Map.of(), "cn-hangzhou.i-bp1ecs2", false, false);
    List<NodeInfo> nodes = new ArrayList<>(BGP_NODES);
    nodes.add(unlabelled);
    List<CniPod> pods = bgpPods();
    pods.add(ready(Cni.CALICO, CALICO_DS, "ecs-2"));

    Finding f = only(bgp(nodes, pods), "ECS_NODE_WITHOUT_CLOUD_LABEL");

    assertThat(f.message()).contains("ecs-2").contains("never get Terway");
    assertThat(f.evidence()).containsExactly("ecs-2: ECS providerID cn-hangzhou.i-bp1ecs2 but no label "
        + "alibabacloud.com/external=true");
  }

  @Test
  void anOnPremisesNodeCarryingTheCloudLabelIsNamed() {
    NodeInfo mislabelled = new NodeInfo("idc-3", Map.of("alibabacloud.com/external", "true"), null, false, false);
    List<NodeInfo> nodes = new ArrayList<>(BGP_NODES);
    nodes.add(mislabelled);
    List<CniPod> pods = bgpPods();
    pods.add(ready(Cni.CALICO, CALICO_DS, "idc-3"));

    only(bgp(nodes, pods), "ON_PREMISES_NODE_WITH_CLOUD_LABEL");
  }

  @Test
  void terwayOnAnOnPremisesNodeIsAProblem() {
    List<CniPod> pods = bgpPods();
    pods.add(ready(Cni.TERWAY, TERWAY_DS, "idc-1"));

    NetworkStatus status = bgp(BGP_NODES, pods);

    assertThat(status.findings()).extracting(Finding::code)
        .containsExactly("NODE_RUNS_TWO_CNIS", "TERWAY_ON_ON_PREMISES_NODE");
  }

  @Test
  void inTheOverlayScenarioACloudNodeWhoseOverlayPodIsNotReadyIsAProblem() {
    List<NodeInfo> nodes = List.of(onPrem("idc-1"), cloud("ecs-1"));
    NetworkStatus status = analyzer.analyze(Scenario.OVERLAY, new NetworkObservation(nodes,
        List.of(done(FLANNEL_DS, Cni.of("flannel"), 2)), List.of(ready(Cni.of("flannel"), FLANNEL_DS, "idc-1"),
            new CniPod("kube-flannel-ds-x", FLANNEL_DS, Cni.of("flannel"), "ecs-1", "Running", false, 3, null, null))));

    only(status, "OVERLAY_CNI_NOT_READY_ON_CLOUD_NODE");
  }

  @Test
  void anOverlayPodThatCannotPullItsImageIsNamedAsSuchWithTheImage() {
    List<NodeInfo> nodes = List.of(onPrem("idc-1"), cloud("ecs-1"));
    NetworkStatus status = analyzer.analyze(Scenario.OVERLAY, new NetworkObservation(nodes,
        List.of(done(FLANNEL_DS, Cni.of("flannel"), 2)), List.of(ready(Cni.of("flannel"), FLANNEL_DS, "idc-1"),
            waiting(Cni.of("flannel"), FLANNEL_DS, "ecs-1", "ImagePullBackOff", "docker.io/flannel/flannel:v0.25.1"))));

    Finding f = only(status, "CNI_IMAGE_PULL_FAILED");

    assertThat(f.evidence()).containsExactly("ecs-1: flannel pod kube-flannel-ds-ecs-1 cannot pull "
        + "docker.io/flannel/flannel:v0.25.1 (ImagePullBackOff)");
    assertThat(f.message()).contains("image registry");
  }

  @Test
  void aCloudNodeWithoutAnyOverlayPodIsAProblem() {
    List<NodeInfo> nodes = List.of(onPrem("idc-1"), cloud("ecs-1"));
    NetworkStatus status = analyzer.analyze(Scenario.OVERLAY, new NetworkObservation(nodes,
        List.of(done(FLANNEL_DS, Cni.of("flannel"), 1)), List.of(ready(Cni.of("flannel"), FLANNEL_DS, "idc-1"))));

    only(status, "CLOUD_NODE_WITHOUT_OVERLAY_CNI");
  }

  @Test
  void aDaemonSetWhoseRolloutIsNotDoneIsAProblem() {
    DaemonSetRollout rolling = new DaemonSetRollout(CALICO_DS, Cni.CALICO, "RollingUpdate", "1", 3, 2, 2, 1, 1, 1);
    NetworkStatus status = analyzer.analyze(Scenario.BGP, new NetworkObservation(BGP_NODES,
        List.of(rolling, done(TERWAY_DS, Cni.TERWAY, 1)), bgpPods()));

    Finding f = only(status, "DAEMONSET_ROLLOUT_INCOMPLETE");

    assertThat(f.evidence()).containsExactly("DaemonSet kube-system/calico-node: 1/2 updated, 1 ready, "
        + "1 unavailable, generation 3 observed 2 (RollingUpdate)");
  }

  @Test
  void manyNodesWithOneProblemMakeOneFindingThatCountsThem() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      nodes.add(cloud("ecs-" + i));
    }

    Finding f = only(analyzer.analyze(Scenario.HOST_NETWORK, new NetworkObservation(nodes, List.of(),
        List.of())), "CLOUD_NODE_WITHOUT_TERWAY");

    assertThat(f.message()).contains("ecs-0, ecs-1, ecs-2, ecs-3, ecs-4 and 7 more");
    assertThat(f.evidence()).hasSize(12);
  }
}
