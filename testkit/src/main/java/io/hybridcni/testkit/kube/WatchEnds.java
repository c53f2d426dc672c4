package io.hybridcni.testkit.kube;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Ends a mock watch off the mock's Vert.x event loop, so that one watch's end cannot stall every request the loop
 * serves.
 *
 * <p>fabric8 8.0.0's mock calls a WebSocket listener's {@code onClosed} and {@code onFailure} on the event loop
 * ({@code ServerWebSocketHandler.configureWebSocket}: the socket's end and exception handlers). The CRUD store's
 * watch listener ({@code WatchEventsListener}) then shuts its sender down and awaits it for up to a minute, while that
 * sender may be inside {@code VertxMockWebSocket.send}, which waits up to 30 s ({@code WRITE_AWAIT_SECONDS}) for a
 * write that only the same, now blocked, event loop can do. Until the sender gives up, no other connection on that
 * loop is answered: the clients time out on GETs and POSTs that have nothing to do with the watch. A watch closed by
 * its client while the store was sending it an event is enough (a rollout watched to its end while a controller
 * writes status). A real API server has no such coupling between one watch and other requests, so the test kit
 * removes it: the listener's end runs on a thread of its own, and everything else stays where the mock puts it.
 *
 * <p>Every {@link DelegatingDispatcher} applies this to what it answers; {@link #wrap(Dispatcher)} brings it to a
 * dispatcher the test kit does not wrap otherwise (a bare CRUD store).
 */
public final class WatchEnds extends DelegatingDispatcher {

  /** Daemon threads, one per watch ending at the same time: an end can wait (the sender's last write). */
  private static final ExecutorService ENDS = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "mock-watch-end");
    thread.setDaemon(true);
    return thread;
  });

  private WatchEnds(Dispatcher delegate) {
    super(delegate);
  }

  /** The dispatcher, with the end of every WebSocket it answers moved off the event loop. */
  public static WatchEnds wrap(Dispatcher delegate) {
    return new WatchEnds(delegate);
  }

  @Override
  protected MockResponse answer(RecordedRequest request) {
    return delegate.dispatch(request);
  }

  /** The response, its WebSocket listener (if any) ending off the event loop; a listener already moved stays as is. */
  static MockResponse offTheEventLoop(MockResponse response) {
    if (response == null) {
      return null;
    }
    WebSocketListener listener = response.getWebSocketListener();
    if (listener == null || listener instanceof OffLoopEnd) {
      return response;
    }
    return response.withWebSocketUpgrade(new OffLoopEnd(listener));
  }

  /** Passes every callback on; {@code onClosed} and {@code onFailure} on a thread of its own. */
  private static final class OffLoopEnd extends WebSocketListener {
    private final WebSocketListener listener;

    OffLoopEnd(WebSocketListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      listener.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      listener.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      listener.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      listener.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      listener.onMessage(webSocket, bytes);
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] bytes) {
      listener.onPing(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      listener.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      ENDS.execute(() -> listener.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
      ENDS.execute(() -> listener.onFailure(webSocket, failure, response));
    }
  }
}
