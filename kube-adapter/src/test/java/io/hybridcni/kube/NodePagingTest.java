package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.testkit.kube.MockRequests;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nodes are listed in pages, here with the pages a real API server would answer queued as expectations for the
 * exact paths (the fabric8 mixed dispatcher answers those and leaves every other request to the CRUD store), so
 * that the tokens are pinned. {@link ObserverPagingTest} reads the same through the testkit's paging mock.
 */
@EnableKubernetesMockClient(crud = true)
class NodePagingTest {

  static final int NODES = 2_500;
  static final int PAGE = 250;

  KubernetesMockServer server;
  KubernetesClient client;

  private static Node node(int i) {
    boolean cloud = i % 5 == 0;
    String name = cloud ? String.format("cn-hangzhou.i-bp1node%06d", i) : String.format("onprem-%04d", i);
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("node.kubernetes.io/instance-type", "ecs.g7.xlarge")
        .endMetadata();
    if (cloud) {
      b.editMetadata().addToLabels("alibabacloud.com/external", "true").endMetadata()
          .withNewSpec().withProviderID("cn-hangzhou.i-bp1node" + String.format("%06d", i)).endSpec();
    }
    return b.build();
  }

  private static NodeList page(int index, String next) {
    List<Node> items = new ArrayList<>();
    for (int i = index * PAGE; i < Math.min(NODES, (index + 1) * PAGE); i++) {
      items.add(node(i));
    }
    return new NodeListBuilder().withNewMetadata().withContinue(next).withResourceVersion("9000").endMetadata()
        .withItems(items).build();
  }

  private static String path(String token) {
    return "/api/v1/nodes?" + (token == null ? "" : "continue=" + token + "&") + "limit=" + PAGE;
  }

  private static String token(int page) {
    return "page" + page + "of" + NODES;
  }

  private void queuePages() {
    int pages = NODES / PAGE;
    for (int p = 0; p < pages; p++) {
      server.expect().get().withPath(path(p == 0 ? null : token(p)))
          .andReturn(200, page(p, p + 1 < pages ? token(p + 1) : null)).once();
    }
  }

  private KubernetesFacts observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).pageSize(PAGE).build()) {
      return observer.observe(Specs.auto());
    }
  }

  @Test
  void twoThousandFiveHundredNodesAreReadInTenPagesFollowingTheContinueTokens() {
    queuePages();

    KubernetesFacts facts = observe();

    List<MockRequests.Recorded> nodeLists = MockRequests.drain(server).stream()
        .filter(r -> r.pathOnly().equals("/api/v1/nodes")).toList();
    assertThat(nodeLists).hasSize(NODES / PAGE).allSatisfy(r -> assertThat(r.query("limit")).isEqualTo("250"));
    assertThat(nodeLists.get(0).query("continue")).isNull();
    assertThat(nodeLists.get(9).query("continue")).isEqualTo(token(9));
    assertThat(facts.nodes()).hasSize(NODES);
    assertThat(facts.nodes()).extracting(NodeInfo::name).doesNotHaveDuplicates();
    assertThat(facts.nodes()).filteredOn(n -> n.providerId() != null).hasSize(NODES / 5);
    // Only the labels a placement or the planner can look at are kept.
    assertThat(facts.nodes()).allSatisfy(n -> assertThat(n.labels()).doesNotContainKey(
        "node.kubernetes.io/instance-type"));
  }

  @Test
  void anExpiredContinueTokenRestartsTheListingFromTheFirstPage() {
    server.expect().get().withPath(path(token(1)))
        .andReturn(410, new StatusBuilder().withCode(410).withReason("Expired")
            .withMessage("The provided continue parameter is too old to display a consistent list result.").build())
        .once();
    server.expect().get().withPath(path(null)).andReturn(200, page(0, token(1))).once();
    queuePages();

    KubernetesFacts facts = observe();

    long firstPages = MockRequests.drain(server).stream()
        .filter(r -> r.pathOnly().equals("/api/v1/nodes") && r.query("continue") == null).count();
    assertThat(firstPages).isEqualTo(2);
    assertThat(facts.nodes()).hasSize(NODES).extracting(NodeInfo::name).doesNotHaveDuplicates();
  }
}
