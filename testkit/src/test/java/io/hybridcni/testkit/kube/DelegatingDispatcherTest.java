package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test kit's dispatcher wrappers, stacked as the test worlds stack them, pass the mock server's reset through. */
class DelegatingDispatcherTest {

  @Test
  void aResetOfTheServerReachesTheStoreThroughEveryWrapperOfTheStack() throws Exception {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    // Latency inside the write recorder inside the paging inside the fault script: every layer of the test kit.
    DelegatingDispatcher stack = FaultDispatcher.wrap(PagingDispatcher.wrap(ServerWrites.wrap(
        LatencyDispatcher.wrap(crud, () -> Duration.ZERO))));
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), stack,
        false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = server.createClient()) {
      client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
          .endMetadata().addToData("k", "v").build()).create();
      assertThat(client.configMaps().inNamespace("default").withName("cm").get()).isNotNull();

      server.reset();

      assertThat(client.configMaps().inNamespace("default").withName("cm").get())
          .as("the store behind every wrapper was reset").isNull();
    } finally {
      server.destroy();
    }
  }
}
