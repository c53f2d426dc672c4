package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.Cni;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.NetworkObservation;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.StatusAnalyzer;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The running network read from the mock cluster, whose pods the testkit's DaemonSet controller places Running and
 * Ready: the CNI DaemonSets the observation found, their pods by selector, and nothing else.
 *
 * <p>Mock gap: the mock server runs no DaemonSet controller, so a DaemonSet's {@code status} stays empty (0 desired,
 * generation not tracked) unless a test writes it; the analysis of rollouts is covered in core's
 * {@code StatusAnalyzerTest}.
 */
@EnableKubeApiMock
class KubernetesStatusObserverTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private NetworkStatus status(HybridNetworkSpec spec) {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts facts = observer.observe(spec);
      NetworkObservation observation = new KubernetesStatusObserver(client).observe(spec, facts);
      return new StatusAnalyzer(spec.cloudNodeLabel()).analyze(Scenario.BGP, observation);
    }
  }

  private void excludeCloudNodesFromCalico() {
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
      ds.getSpec().getTemplate().getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
          .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
          .withMatchExpressions(new NodeSelectorRequirementBuilder().withKey("alibabacloud.com/external")
              .withOperator("NotIn").withValues("true").build())
          .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
      return ds;
    });
    DaemonSetController.reconcile(client);
  }

  @Test
  void calicoOnTheCloudNodeBeforeTheExclusionIsFoundNextToTerway() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);

    NetworkStatus status = status(Specs.bgp());

    assertThat(status.findings()).extracting(Finding::code)
        .contains("NODE_RUNS_TWO_CNIS", "ON_PREMISES_CNI_ON_CLOUD_NODE");
    assertThat(status.nodesWithProblems()).singleElement()
        .satisfies(n -> assertThat(n.name()).isEqualTo(KubeSampleCluster.CLOUD_NODE));
  }

  @Test
  void aBgpClusterWithTheExclusionAndTerwayIsHealthyNodeByNode() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    excludeCloudNodesFromCalico();

    NetworkStatus status = status(Specs.bgp());

    assertThat(status.healthy()).as("%s", status.findings()).isTrue();
    assertThat(status.daemonSets()).extracting(d -> d.ref().name() + " " + d.cni() + " " + d.updateStrategy())
        .containsExactly("calico-node CALICO RollingUpdate", "terway-eniip TERWAY RollingUpdate");
    assertThat(status.nodes()).allSatisfy(n -> assertThat(n.pods()).singleElement()
        .satisfies(p -> assertThat(p.healthy()).isTrue()));
  }

  @Test
  void aTerwayPodThatCannotPullItsImageIsNamedWithTheImage() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    excludeCloudNodesFromCalico();
    Pod terway = client.pods().inNamespace("kube-system").withLabel("app", "terway-eniip").list().getItems().get(0);
    terway.getStatus().setPhase("Pending");
    terway.getStatus().setConditions(List.of());
    terway.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("terway")
        .withImage("registry-vpc.cn-hangzhou.aliyuncs.com/acs/terway:v1.9.0").withReady(false).withRestartCount(0)
        .withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState().build()));
    client.pods().resource(terway).update();

    NetworkStatus status = status(Specs.bgp());

    assertThat(status.findings()).extracting(Finding::code).containsExactly("CNI_IMAGE_PULL_FAILED");
    assertThat(status.findings().get(0).evidence()).singleElement().asString()
        .contains("cannot pull registry-vpc.cn-hangzhou.aliyuncs.com/acs/terway:v1.9.0 (ImagePullBackOff)");
  }

  @Test
  void onlyTheCniDaemonSetsAndTheirPodsAreRead() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    KubernetesFacts facts;
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      facts = observer.observe(Specs.bgp());
    }
    MockRequests.drain(server);

    List<CniPod> pods = new KubernetesStatusObserver(client).observe(Specs.bgp(), facts).pods();

    assertThat(pods).extracting(CniPod::cni).containsOnly(Cni.CALICO, Cni.TERWAY);
    assertThat(MockRequests.drain(server)).extracting(MockRequests.Recorded::pathOnly).containsExactlyInAnyOrder(
        "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node", "/api/v1/namespaces/kube-system/pods",
        "/apis/apps/v1/namespaces/kube-system/daemonsets/terway-eniip", "/api/v1/namespaces/kube-system/pods");
  }
}
