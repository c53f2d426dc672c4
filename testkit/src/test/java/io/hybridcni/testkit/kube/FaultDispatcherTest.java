package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultDispatcherTest {

  private static final String PATH = "/api/v1/namespaces/default/configmaps/cm";

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient base = server.createClient()) {
      // The first request warms the server and the client up, so the short timeout below only meets the faults.
      base.configMaps().inNamespace("default").resource(configMap("v1")).create();
      // No retries of fabric8's own and a short request timeout: each fault is seen once, and silence is cheap.
      client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
          .withRequestRetryBackoffLimit(0).withRequestTimeout(1000).build()).build();
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private static ConfigMap configMap(String value) {
    return new ConfigMapBuilder().withNewMetadata().withName("cm").withNamespace("default").endMetadata()
        .addToData("k", value).build();
  }

  private String stored() {
    return client.configMaps().inNamespace("default").withName("cm").get().getData().get("k");
  }

  private ConfigMap update(String value) {
    ConfigMap current = client.configMaps().inNamespace("default").withName("cm").get();
    current.getData().put("k", value);
    return client.configMaps().inNamespace("default").resource(current).update();
  }

  @Test
  void aThrottledWriteIsAnswered429WithRetryAfterAndAPlainTextBodyAndNeverReachesTheStore() {
    var fault = faults.on("PUT", PATH).throttle(java.time.Duration.ofSeconds(2), 1);
    java.util.List<String> retryAfter = new java.util.concurrent.CopyOnWriteArrayList<>();
    KubernetesClient seeing = new KubernetesClientBuilder().withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("test", new io.fabric8.kubernetes.client.http
            .Interceptor() {
              @Override
              public void after(io.fabric8.kubernetes.client.http.HttpRequest request,
                  io.fabric8.kubernetes.client.http.HttpResponse<?> response,
                  io.fabric8.kubernetes.client.http.AsyncBody.Consumer<List<java.nio.ByteBuffer>> consumer) {
                retryAfter.add(response.code() + " " + response.header("Retry-After") + " "
                    + response.header("Content-Type"));
              }
            })).build();
    try (seeing) {
      ConfigMap current = seeing.configMaps().inNamespace("default").withName("cm").get();
      current.getData().put("k", "v2");
      assertThatThrownBy(() -> seeing.configMaps().inNamespace("default").resource(current).update())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(429);
            // A body that is no Status: fabric8 words the message from the status line.
            assertThat(e.getMessage()).contains("Too Many Requests");
          });
    }

    assertThat(fault.fired()).isEqualTo(1);
    assertThat(retryAfter).contains("429 2 text/plain; charset=utf-8");
    assertThat(stored()).isEqualTo("v1");
  }

  @Test
  void aCommittedWriteAnswered504IsStoredWhileTheClientSeesTheTimeoutStatus() {
    var fault = faults.on("PUT", PATH).commitThenAnswer(504, 1);

    assertThatThrownBy(() -> update("v2")).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(504);
      assertThat(e.getStatus().getReason()).isEqualTo("Timeout");
    });

    assertThat(fault.fired()).isEqualTo(1);
    assertThat(stored()).isEqualTo("v2");
    assertThat(update("v3").getData()).containsEntry("k", "v3");
    assertThat(fault.fired()).isEqualTo(1);
  }

  @Test
  void aCommittedWriteWhoseAnswerComesTooLateTimesTheClientOutAndIsStored() {
    var fault = faults.on("PUT", PATH).commitThenNoAnswer(Duration.ofSeconds(3), 1);

    assertThatThrownBy(() -> update("v2")).isInstanceOf(KubernetesClientException.class);

    assertThat(fault.fired()).isEqualTo(1);
    assertThat(stored()).isEqualTo("v2");
  }

  @Test
  void aRejectedWriteNeverReachesTheStore() {
    var forbidden = faults.on("PUT", PATH).reject(403, 1);
    var invalid = faults.on("PUT", PATH).reject(422, 1);

    assertThatThrownBy(() -> update("v2")).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).isEqualTo(403));
    assertThatThrownBy(() -> update("v3")).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).isEqualTo(422));

    assertThat(stored()).isEqualTo("v1");
    assertThat(List.of(forbidden.fired(), invalid.fired())).containsExactly(1, 1);
  }

  @Test
  void aPrefixMatchesListsWhateverTheirQueryAndTheListenerHearsEveryRequest() {
    List<String> heard = new ArrayList<>();
    faults.listener((method, path, fault) -> heard.add(method + " " + path + (fault == null ? "" : " faulted")));
    faults.on("GET", "/api/v1/namespaces/default/configmaps*").reject(401, 1);

    assertThatThrownBy(() -> client.configMaps().inNamespace("default").withLabel("a", "b").list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    assertThat(client.configMaps().inNamespace("default").list().getItems()).hasSize(1);

    assertThat(heard).hasSize(2);
    assertThat(heard.get(0)).startsWith("GET /api/v1/namespaces/default/configmaps?").endsWith(" faulted");
    assertThat(heard.get(1)).doesNotEndWith(" faulted");
  }
}
