package io.hybridcni.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet bench's member API servers in a child JVM: each cluster id answers as its own API server at the child's
 * URL, and the child ends once its standard input closes.
 */
@Timeout(120)
class ChildMockServersTest {

  @Test
  void aChildServesEachClusterAsItsOwnApiServerAndEndsWhenItsInputCloses(@TempDir Path dir) throws Exception {
    ChildMockServers children = ChildMockServers.start(List.of(List.of("ca", "cb")), "128m", dir);
    try (KubernetesClient a = client(children.baseUrl(0) + ClusterPathRouter.PREFIX + "ca");
        KubernetesClient b = client(children.baseUrl(0) + ClusterPathRouter.PREFIX + "cb");
        KubernetesClient unknown = client(children.baseUrl(0) + ClusterPathRouter.PREFIX + "cz")) {
      a.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("only-in-a").endMetadata().build())
          .create();

      assertThat(a.namespaces().withName("only-in-a").get()).isNotNull();
      assertThat(b.namespaces().withName("only-in-a").get()).isNull();
      assertThatThrownBy(() -> unknown.namespaces().list()).isInstanceOf(KubernetesClientException.class);
    } finally {
      children.close();
    }
    // 0 from the child's own exit after its input closed; a child killed by close() would show 137.
    assertThat(children.exitValues()).containsExactly(0);
  }

  private static KubernetesClient client(String url) {
    return new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl(url).withRequestRetryBackoffLimit(0).build()).build();
  }
}
