package io.hybridcni.controller.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.testkit.SecretForms;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ControllerMetrics metrics = new ControllerMetrics(registry);
  private final ReadinessTracker readiness = new ReadinessTracker();
  private final AtomicBoolean live = new AtomicBoolean(true);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final HealthServer server = HealthServer.builder(registry)
      .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
      .live(live::get).notReadyBecause(readiness::whyNotReady).start();

  @AfterEach
  void close() {
    server.close();
    metrics.close();
    registry.close();
  }

  @Test
  void healthzAnswers200WhileTheLoopIsLiveAnd503OnceItStopped() throws Exception {
    HttpResponse<String> alive = get("/healthz");
    live.set(false);
    HttpResponse<String> dead = get("/healthz");

    assertThat(alive.statusCode()).isEqualTo(200);
    assertThat(alive.body()).isEqualTo("ok\n");
    assertThat(dead.statusCode()).isEqualTo(503);
    assertThat(dead.body()).isEqualTo("not live: the controller's loop stopped\n");
  }

  @Test
  void readyzSays503WithWhatItWaitsForUntilTheCachesSyncedAndAFirstPlanIsMade() throws Exception {
    HttpResponse<String> starting = get("/readyz");
    readiness.synced();
    HttpResponse<String> synced = get("/readyz");
    readiness.planned(Rounds.drifted(), null);
    HttpResponse<String> ready = get("/readyz");

    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).isEqualTo("not ready: the caches have not synced yet\n");
    assertThat(synced.statusCode()).isEqualTo(503);
    assertThat(synced.body()).isEqualTo("not ready: no first plan is made yet\n");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ok\n");
  }

  @Test
  void readyzFromAYesOrNoSaysBothThingsItMayWaitFor() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer yesOrNo = HealthServer.builder(registry)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).ready(ready::get).start()) {
      HttpResponse<String> before = send(HttpRequest.newBuilder(uri(yesOrNo, "/readyz")).GET());
      ready.set(true);
      HttpResponse<String> after = send(HttpRequest.newBuilder(uri(yesOrNo, "/readyz")).GET());

      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(before.body()).isEqualTo("not ready: the caches are not synced or no first plan is made yet\n");
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void metricsServeThePrometheusTextFormat004ByDefault() throws Exception {
    metrics.planned(Rounds.drifted(), Rounds.status(1, 1, 2));

    HttpResponse<String> scrape = get("/metrics");

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(scrape.body()).contains("# TYPE hybridcni_rounds_total counter",
        "hybridcni_rounds_total{outcome=\"changes\"} 1.0", "hybridcni_drifted 1.0", "jvm_memory_used_bytes");
  }

  @Test
  void metricsServeOpenMetricsWhenTheScraperAsksForIt() throws Exception {
    metrics.planned(Rounds.drifted(), null);

    HttpResponse<String> scrape = send(HttpRequest.newBuilder(uri(server, "/metrics"))
        .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5").GET());

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type"))
        .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(scrape.body()).contains("hybridcni_rounds_total{outcome=\"changes\"} 1.0").endsWith("# EOF\n");
  }

  @Test
  void anyOtherPathIs404() throws Exception {
    for (String path : new String[] {"/", "/metric", "/healthz/x", "/readyz.json", "/debug/pprof"}) {
      HttpResponse<String> answer = get(path);

      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.body()).isEqualTo("not found: serves /healthz, /readyz and /metrics\n");
    }
  }

  @Test
  void anyMethodButGetAndHeadIs405WithTheAllowedOnes() throws Exception {
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
      HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(server, "/metrics"))
          .method(method, HttpRequest.BodyPublishers.ofString("x")));

      assertThat(answer.statusCode()).as(method).isEqualTo(405);
      assertThat(answer.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @Test
  void headAnswersTheStatusWithoutABody() throws Exception {
    HttpResponse<String> answer = send(HttpRequest.newBuilder(uri(server, "/readyz"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).isEmpty();
  }

  @Test
  void portZeroListensOnAPortTheSystemChoseAndCloseStopsIt() throws Exception {
    HealthServer other = HealthServer.builder(registry)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
    int port = other.port();

    assertThat(port).isPositive().isNotEqualTo(server.port());
    assertThat(send(HttpRequest.newBuilder(uri(other, "/healthz")).GET()).statusCode()).isEqualTo(200);

    other.close();

    assertThatThrownBy(() -> send(HttpRequest.newBuilder(uri(other, "/healthz")).GET()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aPortInUseIsOneLineNamingTheAddress() {
    assertThatThrownBy(() -> HealthServer.builder(registry).bind(server.address()).start())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("cannot listen for /healthz, /readyz and /metrics on " + server.address());
  }

  @Test
  void aPortOutOfRangeIsRefusedWithTheRange() {
    assertThatThrownBy(() -> HealthServer.builder(registry).port(70000))
        .hasMessage("health port must be in the range [0, 65535], was 70000");
  }

  @Test
  void manyScrapesAtOnceAreServedByTheSmallPoolAndItStaysUsable() throws Exception {
    metrics.planned(Rounds.drifted(), Rounds.status(1, 1, 2));
    List<CompletableFuture<HttpResponse<String>>> scrapes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      scrapes.add(http.sendAsync(HttpRequest.newBuilder(uri(server, "/metrics")).timeout(Duration.ofSeconds(10))
          .GET().build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var scrape : scrapes) {
      assertThat(scrape.get().statusCode()).isEqualTo(200);
    }

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("hybridcni-health-")).count()).isLessThanOrEqualTo(2 * 2);
  }

  @Test
  void aRequestBeyondTwoRunningAndSixteenQueuedIsRefusedAndTheServerServesOnAfterwards() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Semaphore entered = new Semaphore(0);
    try (HealthServer slow = HealthServer.builder(registry)
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).live(() -> {
          entered.release();
          try {
            return release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }).start()) {
      List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        held.add(sendAsync(slow, "/healthz"));
      }
      assertThat(entered.tryAcquire(2, 10, TimeUnit.SECONDS)).as("both threads busy").isTrue();
      for (int i = 0; i < 16; i++) {
        held.add(sendAsync(slow, "/healthz"));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (slow.queued() < 16 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(slow.queued()).isEqualTo(16);

      assertThatThrownBy(() -> send(HttpRequest.newBuilder(uri(slow, "/healthz")).GET()))
          .isInstanceOf(IOException.class);

      release.countDown();
      for (CompletableFuture<HttpResponse<String>> answer : held) {
        assertThat(answer.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(send(HttpRequest.newBuilder(uri(slow, "/healthz")).GET()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void nothingServedAfterARoundHoldsAFixtureSecret() throws Exception {
    readiness.synced();
    metrics.leadership(true);
    metrics.planned(Rounds.blocked(), Rounds.status(3, 1, 2));
    readiness.planned(Rounds.blocked(), null);
    metrics.held(Rounds.blocked(), "blocked: the key " + Rounds.SECRET + " is for another cluster");
    metrics.planned(Rounds.secretDeleted(), Rounds.status(3, 1, 2));
    metrics.reconciled(Rounds.failedRepair(Rounds.secretDeleted()));
    metrics.failed(new IllegalStateException("refused " + Rounds.SECRET));

    StringBuilder served = new StringBuilder();
    for (String path : new String[] {"/healthz", "/readyz", "/metrics", "/nope"}) {
      served.append(get(path).body());
    }
    served.append(send(HttpRequest.newBuilder(uri(server, "/metrics"))
        .header("Accept", "application/openmetrics-text").GET()).body());

    assertThat(served).contains("hybridcni_held_total{reason=\"blocked\"} 1.0");
    assertThat(SecretForms.hits(served.toString(), Rounds.SECRET)).isEmpty();
    assertThat(SecretForms.hits(served.toString(), Rounds.KEY_ID)).isEmpty();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(server, path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> sendAsync(HealthServer target, String path) {
    return http.sendAsync(HttpRequest.newBuilder(uri(target, path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(HealthServer target, String path) {
    return URI.create("http://127.0.0.1:" + target.port() + path);
  }
}
