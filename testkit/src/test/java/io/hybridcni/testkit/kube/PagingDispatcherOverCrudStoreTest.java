package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Over a bare CRUD store the paging layer reads a listing straight from the store's map (as the bench's large mock
 * does); the pages must be what the store's own list answer would hold: same matching of namespace and selectors.
 */
class PagingDispatcherOverCrudStoreTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PagingDispatcher paging = PagingDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));

  private void pod(String namespace, String name, String app) {
    paging.createDirectly("/api/v1/namespaces/" + namespace + "/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\",\"labels\":{\"k8s-app\":\""
        + app + "\"}}}");
  }

  private List<List<String>> pages(String path) {
    List<List<String>> pages = new ArrayList<>();
    String token = null;
    do {
      String q = path + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      MockResponse r = paging.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, q, Headers.builder().build(),
          new Buffer()));
      assertThat(r.code()).isEqualTo(200);
      JsonNode page = JSON.readTree(r.getBody().getBytes());
      List<String> names = new ArrayList<>();
      page.get("items").forEach(i -> names.add(i.get("metadata").get("namespace").asString() + "/"
          + i.get("metadata").get("name").asString()));
      pages.add(names);
      token = page.get("metadata").has("continue") ? page.get("metadata").get("continue").asString() : null;
    } while (token != null);
    return pages;
  }

  @Test
  void aSelectedListingInOneNamespaceComesFromTheStoreInKeyOrderAndPages() {
    for (int i = 4; i >= 0; i--) {
      pod("kube-system", "calico-node-" + i, "calico-node");
      pod("kube-system", "other-" + i, "other");
      pod("default", "calico-node-" + i, "calico-node");
    }

    List<List<String>> pages = pages("/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dcalico-node"
        + "&limit=2");

    assertThat(pages).containsExactly(List.of("kube-system/calico-node-0", "kube-system/calico-node-1"),
        List.of("kube-system/calico-node-2", "kube-system/calico-node-3"), List.of("kube-system/calico-node-4"));
    assertThat(paging.pagesServed()).isEqualTo(3);
  }

  @Test
  void aListingAcrossNamespacesIsOrderedByNamespaceThenName() {
    pod("kube-system", "a", "x");
    pod("default", "b", "x");
    pod("default", "a", "x");

    assertThat(pages("/api/v1/pods?limit=500")).containsExactly(List.of("default/a", "default/b", "kube-system/a"));
  }
}
