package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LatencyDispatcherTest {

  private static final Duration LATENCY = Duration.ofMillis(300);

  private KubernetesMockServer server;
  private KubernetesClient client;

  private void start(Duration latency) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        LatencyDispatcher.wrap(new KubernetesCrudDispatcher(List.of()), latency), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
      server.destroy();
    }
  }

  @Test
  void everyAnswerAReaderGetsIsDelayedFoundOrNot() {
    start(LATENCY);
    client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("seen")
        .endMetadata().addToData("k", "v").build()).create();

    assertThat(timed(() -> client.configMaps().inNamespace("default").withName("seen").get()))
        .isGreaterThanOrEqualTo(LATENCY);
    assertThat(timed(() -> client.configMaps().inNamespace("default").withName("missing").get()))
        .isGreaterThanOrEqualTo(LATENCY);
    assertThat(timed(() -> client.configMaps().inNamespace("default").list())).isGreaterThanOrEqualTo(LATENCY);
    assertThat(client.configMaps().inNamespace("default").withName("missing").get()).isNull();
  }

  @Test
  void delayedAnswersOverlapInsteadOfQueueingBehindEachOther() {
    start(LATENCY);
    int requests = 6;

    Duration took = timed(() -> {
      List<CompletableFuture<?>> reads = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        reads.add(CompletableFuture.runAsync(() -> client.configMaps().inNamespace("default").list()));
      }
      reads.forEach(CompletableFuture::join);
      return null;
    });

    // Queued behind each other they would take at least requests x latency.
    assertThat(took).isLessThan(LATENCY.multipliedBy(requests));
  }

  @Test
  void zeroLatencyLeavesTheDispatcherAsItIs() {
    Dispatcher crud = new KubernetesCrudDispatcher(List.of());

    assertThat(LatencyDispatcher.wrap(crud, Duration.ZERO)).isSameAs(crud);
    assertThatThrownBy(() -> LatencyDispatcher.wrap(crud, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero or positive");
  }

  private static Duration timed(Supplier<?> call) {
    long started = System.nanoTime();
    call.get();
    return Duration.ofNanos(System.nanoTime() - started);
  }
}
