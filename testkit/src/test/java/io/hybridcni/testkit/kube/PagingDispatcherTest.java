package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@EnableKubeApiMock
class PagingDispatcherTest {

  KubernetesMockServer server;
  KubernetesClient client;
  PagingDispatcher paging;

  private void seedNodes(int count) {
    // Created out of order: the pages must come back in key order all the same. Straight into the store: 1,200
    // creates over HTTP take most of a minute on a busy machine.
    for (int i = count - 1; i >= 0; i--) {
      paging.createDirectly("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\""
          + String.format("node-%05d", i) + "\"}}");
    }
    MockRequests.drain(server);
  }

  private NodeList nodePage(long limit, String token) {
    return client.nodes().list(options(limit, token));
  }

  private static ListOptions options(long limit, String token) {
    return new ListOptionsBuilder().withLimit(limit).withContinue(token).build();
  }

  @Test
  void twelveHundredNodesListedFiveHundredAtATimeComeInThreePagesEachNodeOnceInKeyOrder() {
    seedNodes(1_200);

    List<String> names = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    List<Long> remaining = new ArrayList<>();
    String token = null;
    do {
      NodeList page = nodePage(500, token);
      page.getItems().forEach(n -> names.add(n.getMetadata().getName()));
      sizes.add(page.getItems().size());
      remaining.add(page.getMetadata().getRemainingItemCount());
      token = page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());

    List<MockRequests.Recorded> requests = MockRequests.drain(server);
    assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r.query("limit")).isEqualTo("500"));
    assertThat(requests.get(0).query("continue")).isNull();
    assertThat(requests.get(1).query("continue")).isNotNull();
    assertThat(sizes).containsExactly(500, 500, 200);
    // remainingItemCount: set while more remain and no selector is given, as the apiserver does.
    assertThat(remaining).containsExactly(700L, 200L, null);
    assertThat(names).hasSize(1_200).doesNotHaveDuplicates().isSorted()
        .containsExactlyElementsOf(IntStream.range(0, 1_200).mapToObj(i -> String.format("node-%05d", i)).toList());
    assertThat(paging.pagesServed()).isEqualTo(3);
  }

  @Test
  void laterPagesComeFromTheSnapshotTheFirstPageWasReadFrom() {
    seedNodes(10);
    NodeList first = nodePage(4, null);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-00009x").endMetadata().build())
        .create();
    client.nodes().withName("node-00008").delete();

    List<String> rest = new ArrayList<>();
    String token = first.getMetadata().getContinue();
    while (token != null && !token.isEmpty()) {
      NodeList page = nodePage(4, token);
      page.getItems().forEach(n -> rest.add(n.getMetadata().getName()));
      token = page.getMetadata().getContinue();
    }

    assertThat(rest).containsExactly("node-00004", "node-00005", "node-00006", "node-00007", "node-00008",
        "node-00009");
  }

  @Test
  void aListWithinTheLimitHasNoContinueToken() {
    seedNodes(3);

    NodeList page = nodePage(500, null);

    assertThat(page.getItems()).hasSize(3);
    assertThat(page.getMetadata().getContinue()).isNullOrEmpty();
    assertThat(page.getMetadata().getRemainingItemCount()).isNull();
  }

  @Test
  void aContinueTokenWhoseListingWasCompactedAnswers410Expired() {
    seedNodes(10);
    String token = nodePage(4, null).getMetadata().getContinue();

    paging.expireContinueTokens();

    assertThatThrownBy(() -> nodePage(4, token)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(410);
      assertThat(e.getStatus().getReason()).isEqualTo("Expired");
    });
    assertThat(paging.expiredAnswers()).isEqualTo(1);
  }

  @Test
  void aContinueTokenThatDoesNotDecodeAnswers400BadRequest() {
    seedNodes(10);
    String garbage = Base64.getUrlEncoder().encodeToString("{\"rv\":\"x\"}".getBytes());

    for (String token : List.of("not-a-token", garbage)) {
      assertThatThrownBy(() -> nodePage(4, token)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
        assertThat(e.getCode()).isEqualTo(400);
        assertThat(e.getStatus().getMessage()).startsWith("invalid continue token");
      });
    }
  }

  @Test
  void podsSelectedByLabelArePagedWithoutARemainingCount() {
    for (int i = 0; i < 7; i++) {
      client.pods().inNamespace("kube-system").resource(pod("calico-node-" + i, "calico-node")).create();
      client.pods().inNamespace("kube-system").resource(pod("other-" + i, "other")).create();
    }

    List<String> names = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      PodList page = client.pods().inNamespace("kube-system").withLabel("k8s-app", "calico-node")
          .list(options(3, token));
      pages++;
      assertThat(page.getMetadata().getRemainingItemCount()).isNull();
      page.getItems().forEach(p -> names.add(p.getMetadata().getName()));
      token = page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());

    assertThat(pages).isEqualTo(3);
    assertThat(names).hasSize(7).allMatch(n -> n.startsWith("calico-node-")).doesNotHaveDuplicates();
  }

  @Test
  void listsWithoutALimitAndSingleObjectsPassThrough() {
    seedNodes(3);

    assertThat(client.nodes().list().getItems()).hasSize(3);
    Node one = client.nodes().withName("node-00001").get();
    assertThat(one.getMetadata().getName()).isEqualTo("node-00001");
    assertThat(paging.pagesServed()).isZero();
  }

  private static Pod pod(String name, String app) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("kube-system").addToLabels("k8s-app", app)
        .endMetadata().build();
  }
}
