package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.planner.Facts;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Apply's re-read before the Calico exclusion, on the mock API server with the upstream Calico BGP manifest:
 * Calico's DaemonSets (and its other reads only when the Installation is re-checked) and the node and calico-node
 * pod lists, and nothing of the Secret, Terway, Flannel or Cilium.
 */
@EnableKubeApiMock
class KubeCalicoRefreshTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void calicosPlacementAndTheNodesAreReadWithCalicosOwnReadsAndTheNodeAndPodListsOnly() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    HybridNetworkSpec bgp = Specs.bgp();
    List<String> facts = List.of("workload/DAEMON_SET/kube-system/calico-node",
        "nodes.labelled/alibabacloud.com/external=true", "nodes.running/calico");
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(bgp);
      client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
        ds.getSpec().getTemplate().getSpec().getNodeSelector().put("hybridcni.io/refresh-test", "moved");
        return ds;
      });
      client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
          .withName("cloud-joined-later").addToLabels("alibabacloud.com/external", "true").endMetadata().build())
          .create();
      MockRequests.drain(server);

      KubernetesFacts refreshed = observer.refresh(bgp, before, Facts.scope(facts));
      List<MockRequests.Recorded> sent = MockRequests.drain(server);
      KubernetesFacts whole = observer.observe(bgp);

      assertThat(sent).extracting(MockRequests.Recorded::pathOnly).contains("/api/v1/nodes")
          .noneMatch(path -> path.contains("/secrets/") || path.contains("terway") || path.contains("flannel")
              || path.contains("cilium") || path.contains("/namespaces/kube-system/configmaps/ack-cluster-profile"));
      assertThat(sent.size()).as("requests of the refresh: " + sent).isLessThan(countWhole(observer, bgp));
      for (String fact : facts) {
        assertThat(read(fact, refreshed)).as(fact).isEqualTo(read(fact, whole));
      }
      assertThat(read(facts.get(0), refreshed)).isNotEqualTo(read(facts.get(0), before));
      assertThat(read(facts.get(1), refreshed)).isNotEqualTo(read(facts.get(1), before));
    }
  }

  @Test
  void theReCheckOfADaemonSetsPlacementReadsCalicosDaemonSetsAndTheNodeAndPodListsAndNoPoolConfigOrInstallation() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    HybridNetworkSpec bgp = Specs.bgp();
    List<String> facts = List.of("workload/DAEMON_SET/kube-system/calico-node",
        "nodes.labelled/alibabacloud.com/external=true", "nodes.running/calico");
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(bgp);
      MockRequests.drain(server);

      KubernetesFacts refreshed = observer.refresh(bgp, before, Facts.scope(facts));
      List<String> sent = MockRequests.drain(server).stream().map(MockRequests.Recorded::pathOnly).toList();

      // The candidates of the calico detectors that are DaemonSets (an absent one answers 404), the nodes and
      // calico-node's pods: the IPPools, calico-config and the Installation decide the mode, not these facts. Canal's
      // DaemonSet counts only where the manifest's calico-node is absent, and that one was there a moment ago.
      assertThat(sent).containsExactlyInAnyOrder(
          "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node",
          "/apis/apps/v1/namespaces/calico-system/daemonsets/calico-node",
          "/api/v1/nodes", "/api/v1/namespaces/kube-system/pods");
      assertThat(refreshed.cni().calico().ipPools()).isEqualTo(before.cni().calico().ipPools());
      for (String fact : facts) {
        assertThat(read(fact, refreshed)).as(fact).isEqualTo(read(fact, before));
      }
    }
  }

  @Test
  void aCalicoNodeReplacedByCanalSinceTheObservationIsFoundByTheReCheckAsAWholeObservationFindsIt() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    HybridNetworkSpec bgp = Specs.bgp();
    List<String> facts = List.of("workload/DAEMON_SET/kube-system/calico-node",
        "workload/DAEMON_SET/kube-system/canal", "nodes.running/calico");
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(bgp);
      DaemonSet calicoNode = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
      client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").delete();
      calicoNode.getMetadata().setName("canal");
      calicoNode.getMetadata().setResourceVersion(null);
      calicoNode.getMetadata().setUid(null);
      client.apps().daemonSets().inNamespace("kube-system").resource(calicoNode).create();
      MockRequests.drain(server);

      KubernetesFacts refreshed = observer.refresh(bgp, before, Facts.scope(facts));
      List<String> sent = MockRequests.drain(server).stream().map(MockRequests.Recorded::pathOnly).toList();
      KubernetesFacts whole = observer.observe(bgp);

      assertThat(sent).contains("/apis/apps/v1/namespaces/kube-system/daemonsets/canal");
      assertThat(refreshed.cni().calico().daemonSet().ref()).isEqualTo(WorkloadRef.daemonSet("kube-system", "canal"));
      for (String fact : facts) {
        assertThat(read(fact, refreshed)).as(fact).isEqualTo(read(fact, whole));
      }
    }
  }

  @Test
  void theReCheckOfAnInstallationsPlacementReadsTheInstallation() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    HybridNetworkSpec bgp = Specs.bgp();
    List<String> facts = List.of("workload/TIGERA_INSTALLATION//default", "nodes.running/calico");
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(bgp);
      assertThat(before.cni().calico().installation()).isNotNull();
      MockRequests.drain(server);

      KubernetesFacts refreshed = observer.refresh(bgp, before, Facts.scope(facts));

      assertThat(MockRequests.drain(server)).extracting(MockRequests.Recorded::pathOnly)
          .contains("/apis/operator.tigera.io/v1/installations/default");
      for (String fact : facts) {
        assertThat(read(fact, refreshed)).as(fact).isEqualTo(read(fact, before));
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void withOneReadInFlightAtATimeTheCalicoReCheckStillAnswers() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    HybridNetworkSpec bgp = Specs.bgp();
    List<String> facts = List.of("workload/DAEMON_SET/kube-system/calico-node", "nodes.running/calico");
    try (KubernetesObserver observer = KubernetesObserver.builder(client).parallelism(1).build()) {
      KubernetesFacts before = observer.observe(bgp);

      KubernetesFacts refreshed = observer.refresh(bgp, before, Facts.scope(facts));

      for (String fact : facts) {
        assertThat(read(fact, refreshed)).as(fact).isEqualTo(read(fact, before));
      }
    }
  }

  private int countWhole(KubernetesObserver observer, HybridNetworkSpec spec) {
    MockRequests.drain(server);
    observer.observe(spec);
    return MockRequests.drain(server).size();
  }

  private static String read(String fact, KubernetesFacts kubernetes) {
    return Facts.read(fact, ObservedState.of(kubernetes, SampleClusters.freshBgp().cloud()));
  }
}
