package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.NetworkObservation;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import io.hybridcni.testkit.kube.PagingDispatcher;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The observers read every page of nodes and pods from a mock API server that pages lists as a real one does
 * ({@link PagingDispatcher}: {@code limit}, {@code continue}, key order, 410 Expired for a compacted listing).
 */
@EnableKubeApiMock
class ObserverPagingTest {

  static final int NODES = 1_200;
  static final int PAGE = 500;
  /** The Calico BGP sample's own nodes, besides the seeded ones. */
  static final int SAMPLE_NODES = 3;

  KubernetesMockServer server;
  KubernetesClient client;
  PagingDispatcher paging;

  @BeforeEach
  void seed() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    // Straight into the store: 2,400 creates over HTTP take minutes on a busy machine.
    for (int i = 0; i < NODES; i++) {
      String node = String.format(Locale.ROOT, "scale-%05d", i);
      String cloud = i % 4 == 0 ? ",\"alibabacloud.com/external\":\"true\"" : "";
      paging.createDirectly("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\""
          + node + "\",\"labels\":{\"kubernetes.io/os\":\"linux\",\"node.kubernetes.io/instance-type\":\"ecs.g7\""
          + cloud + "}},\"spec\":{" + (cloud.isEmpty() ? "" : "\"providerID\":\"cn-hangzhou.i-" + i + "\"") + "}}");
      paging.createDirectly("/api/v1/namespaces/kube-system/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
          + "\"metadata\":{\"name\":\"calico-node-" + i + "\",\"namespace\":\"kube-system\",\"labels\":{\"k8s-app\":"
          + "\"calico-node\"}},\"spec\":{\"nodeName\":\"" + node + "\"},\"status\":{\"phase\":\"Running\","
          + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],\"containerStatuses\":[{\"name\":"
          + "\"calico-node\",\"restartCount\":" + (i % 3) + ",\"ready\":true}]}}");
    }
    MockRequests.drain(server);
  }

  private KubernetesFacts observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).pageSize(PAGE).build()) {
      return observer.observe(Specs.bgp());
    }
  }

  private List<MockRequests.Recorded> lists(List<MockRequests.Recorded> requests, String path) {
    return requests.stream().filter(r -> r.method().equals("GET") && r.pathOnly().equals(path)).toList();
  }

  @Test
  void twelveHundredNodesAreReadInThreePagesOfFiveHundredEachNodeOnce() {
    KubernetesFacts facts = observe();

    List<MockRequests.Recorded> requests = MockRequests.drain(server);
    List<MockRequests.Recorded> nodeLists = lists(requests, "/api/v1/nodes");
    assertThat(nodeLists).hasSize(3).allSatisfy(r -> assertThat(r.query("limit")).isEqualTo("500"));
    assertThat(nodeLists.get(0).query("continue")).isNull();
    assertThat(nodeLists.subList(1, 3)).allSatisfy(r -> assertThat(r.query("continue")).isNotEmpty());
    assertThat(facts.nodes()).hasSize(NODES + SAMPLE_NODES).extracting(NodeInfo::name).doesNotHaveDuplicates();
    assertThat(facts.nodes()).filteredOn(n -> n.name().startsWith("scale-") && n.providerId() != null)
        .hasSize(NODES / 4);
    // Only the labels a placement or the planner can look at are kept.
    assertThat(facts.nodes()).allSatisfy(n -> assertThat(n.labels()).doesNotContainKey(
        "node.kubernetes.io/instance-type"));
  }

  @Test
  void calicoPodsAreReadInPagesAndMarkEveryNodeTheyRunOn() {
    KubernetesFacts facts = observe();

    List<MockRequests.Recorded> podLists = lists(MockRequests.drain(server), "/api/v1/namespaces/kube-system/pods");
    // The sample's own calico-node pods (one per sample node) plus one per seeded node: 1,203 in 3 pages.
    assertThat(podLists).filteredOn(r -> calicoNode(r)).hasSize(3)
        .allSatisfy(r -> assertThat(r.query("limit")).isEqualTo("500"));
    // Besides them, the pods of the other workloads that may run here (Canal, Terway) were listed speculatively
    // while their DaemonSets were read: one page each, since the sample has none.
    assertThat(podLists).allSatisfy(r -> assertThat(r.query("labelSelector")).isNotNull())
        .filteredOn(r -> !calicoNode(r))
        .extracting(r -> r.query("labelSelector")).containsExactlyInAnyOrder("k8s-app%3Dcanal", "app%3Dterway-eniip");
    assertThat(facts.nodes()).filteredOn(n -> n.name().startsWith("scale-")).hasSize(NODES)
        .allMatch(NodeInfo::runsCalico);
  }

  /** Whether a pod listing asks for calico-node's pods (the query is as sent, URL-encoded). */
  private static boolean calicoNode(MockRequests.Recorded r) {
    return "k8s-app%3Dcalico-node".equals(r.query("labelSelector"));
  }

  @Test
  void theStatusObserverReadsEveryPageOfCalicoPods() {
    KubernetesFacts facts = observe();
    MockRequests.drain(server);

    NetworkObservation observation = new KubernetesStatusObserver(client, PAGE).observe(Specs.bgp(), facts);

    List<MockRequests.Recorded> podLists = lists(MockRequests.drain(server), "/api/v1/namespaces/kube-system/pods");
    assertThat(podLists).hasSize(3);
    List<CniPod> seeded = observation.pods().stream().filter(p -> p.name().startsWith("calico-node-")
        && p.node() != null && p.node().startsWith("scale-")).toList();
    assertThat(seeded).hasSize(NODES).extracting(CniPod::name).doesNotHaveDuplicates();
    assertThat(seeded).allSatisfy(p -> {
      assertThat(p.phase()).isEqualTo("Running");
      assertThat(p.ready()).isTrue();
    });
    assertThat(seeded).extracting(CniPod::restarts).containsOnly(0, 1, 2);
  }

  @Test
  void aListingCompactedBetweenPagesIsReadAgainFromTheFirstPage() {
    paging.compactBeforeNextContinues(1);

    KubernetesFacts facts = observe();

    // A compaction drops every open listing: the node listing's and, when it is open at that moment, the calico
    // pod listing's that runs beside it. Either way each restarts and reads everything once.
    assertThat(paging.expiredAnswers()).isBetween(1, 2);
    assertThat(facts.nodes()).hasSize(NODES + SAMPLE_NODES).extracting(NodeInfo::name).doesNotHaveDuplicates();
    assertThat(facts.nodes()).filteredOn(n -> n.name().startsWith("scale-")).allMatch(NodeInfo::runsCalico);
  }
}
