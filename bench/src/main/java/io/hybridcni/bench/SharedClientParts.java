package io.hybridcni.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;

/**
 * What many fabric8 clients in one process can share, as {@code KubernetesClientBuilder} takes it: one
 * {@link KubernetesSerialization} (by default each client has its own Jackson mapper, and with it its own
 * introspection caches, about 2 MiB once used) and one HTTP client factory on one {@link Vertx} (by default each
 * client starts its own Vert.x, with its event loops and blocked-thread checker). A client built here closes its own
 * HTTP client, never the shared Vert.x: {@link #close()} does, after the clients.
 */
final class SharedClientParts implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final Vertx5HttpClientFactory http = new Vertx5HttpClientFactory(vertx);

  /** A client of {@code server} on the shared parts; the caller closes it. */
  KubernetesClient client(KubernetesMockServer server) {
    return server.createClient(b -> b.withKubernetesSerialization(serialization).withHttpClientFactory(http));
  }

  KubernetesSerialization serialization() {
    return serialization;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
