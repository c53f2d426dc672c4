package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paging layer straight in front of the CRUD store, as the CLI's simulation and the bench wire it (the
 * extension's mixed dispatcher takes the other path: a whole list from the delegate, whose answer carries the
 * resourceVersion already).
 */
class PagingOnCrudStoreTest {

  private KubernetesMockServer server;
  private KubernetesClient crudClient;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        PagingDispatcher.wrap(new KubernetesCrudDispatcher(List.of())), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    crudClient = server.createClient();
  }

  @AfterEach
  void stop() {
    crudClient.close();
    server.destroy();
  }

  @Test
  void aPagedListCarriesTheStoresResourceVersionEvenWhenItHoldsNothingSoAnInformerCanWatchFromIt() throws Exception {
    String written = crudClient.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-a").endMetadata()
        .build()).create().getMetadata().getResourceVersion();

    var pods = crudClient.pods().inNamespace("empty").list(new ListOptionsBuilder().withLimit(500L).build());

    // A real server's ListMeta always carries the revision it read at; an informer watches from it.
    assertThat(pods.getItems()).isEmpty();
    assertThat(pods.getMetadata().getResourceVersion()).isNotNull();
    assertThat(Long.parseLong(pods.getMetadata().getResourceVersion())).isGreaterThanOrEqualTo(Long.parseLong(written));
    var informer = crudClient.pods().inNamespace("empty").withLimit(500L).inform();
    try {
      informer.start().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
      while (!(informer.isWatching() && informer.hasSynced()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      // fabric8 counts an informer synced once it holds the list's resourceVersion.
      assertThat(informer.hasSynced()).as("synced on an empty namespace after a paged list").isTrue();
      assertThat(informer.isWatching()).as("watching an empty namespace after a paged list").isTrue();
    } finally {
      informer.stop();
    }
  }

}
