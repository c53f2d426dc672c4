package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end of a WebSocket runs off the mock's event loop. The listener here stands in for the CRUD store's watch
 * listener, whose end waits for work only the event loop can do: it waits for an ordinary GET to the same server. On
 * the event loop that GET cannot be answered until the end returns, as every request of a real test was not while a
 * watch ended (see {@link WatchEnds}).
 */
class WatchEndsTest {

  private static final Duration WAIT = Duration.ofSeconds(2);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private final CompletableFuture<String> endSaw = new CompletableFuture<>();
  private KubernetesMockServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.destroy();
    }
  }

  @Test
  void aWatchWhoseEndWaitsForAnotherRequestDoesNotHoldThatRequestBack() throws Exception {
    start(WatchEnds::wrap);

    endAWebSocket();

    assertThat(endSaw.get(10, TimeUnit.SECONDS)).isEqualTo("200 ok");
  }

  @Test
  void everyTestKitLayerEndsTheWebSocketsItAnswersOffTheEventLoop() throws Exception {
    start(dispatcher -> LatencyDispatcher.wrap(dispatcher, () -> Duration.ofMillis(1)));

    endAWebSocket();

    assertThat(endSaw.get(10, TimeUnit.SECONDS)).isEqualTo("200 ok");
  }

  @Test
  void withoutTheWrapperTheSameEndHoldsTheRequestBackAsFabric8sMockDoes() throws Exception {
    // The control: fabric8 8.0.0 ends the WebSocket on its event loop, and the GET waits out the end's patience. If
    // a fabric8 upgrade moves the end off the loop, this fails and the wrapper can go.
    start(UnaryOperator.identity());

    endAWebSocket();

    assertThat(endSaw.get(10, TimeUnit.SECONDS)).startsWith("no answer");
  }

  private void start(UnaryOperator<Dispatcher> wrapping) {
    Dispatcher plain = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return request.getPath().startsWith("/watch")
            ? new MockResponse().withWebSocketUpgrade(new EndThatWaitsForAGet())
            : new MockResponse().setResponseCode(200).setBody("ok");
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), wrapping.apply(plain),
        false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  /** Opens a WebSocket to the mock and closes it from the client's side, as a watch's client does. */
  private void endAWebSocket() throws Exception {
    java.net.http.WebSocket socket = http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://" + server.getHostName() + ":" + server.getPort() + "/watch"),
            new java.net.http.WebSocket.Listener() { })
        .get(10, TimeUnit.SECONDS);
    socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  private final class EndThatWaitsForAGet extends WebSocketListener {
    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      try {
        HttpResponse<String> answer = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://" + server.getHostName() + ":" + server.getPort() + "/api/v1/namespaces"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString())
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        endSaw.complete(answer.statusCode() + " " + answer.body());
      } catch (Exception e) {
        endSaw.complete("no answer: " + e);
      }
    }
  }
}
