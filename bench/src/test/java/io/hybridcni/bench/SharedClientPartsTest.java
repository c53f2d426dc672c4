package io.hybridcni.bench;

import io.hybridcni.testkit.kube.WatchEnds;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients on shared parts, as ControllerMemoryBench builds one per cluster: they share the serialization, each reaches
 * its own server, and closing one leaves the shared Vert.x running for the others.
 */
@Timeout(60)
class SharedClientPartsTest {

  @Test
  void clientsOnSharedPartsReachTheirOwnServersAndOutliveAnotherClientsClose() throws Exception {
    KubernetesMockServer a = crudServer();
    KubernetesMockServer b = crudServer();
    try (SharedClientParts shared = new SharedClientParts()) {
      KubernetesClient first = shared.client(a);
      try (KubernetesClient second = shared.client(b)) {
        assertThat(first.getKubernetesSerialization()).isSameAs(shared.serialization())
            .isSameAs(second.getKubernetesSerialization());
        first.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("only-in-a").endMetadata()
            .build()).create();

        first.close();

        assertThat(second.namespaces().withName("only-in-a").get()).as("b's store is its own").isNull();
        second.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("in-b").endMetadata()
            .build()).create();
        assertThat(second.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
            .containsExactly("in-b");
      }
    } finally {
      a.destroy();
      b.destroy();
    }
  }

  private static KubernetesMockServer crudServer() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        WatchEnds.wrap(new KubernetesCrudDispatcher(List.of())), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }
}
