package io.hybridcni.controller.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's probes and metrics on the JDK's own HTTP server, so the controller needs no web framework:
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while the controller's loop is alive, else 503 — the kubelet restarts
 *       a pod whose liveness fails, so this says only whether the process is stuck, never whether the cluster is
 *       right;</li>
 *   <li>{@code GET /readyz}: 200 {@code ok} once the caches are synced and a first plan is made, else 503 with one
 *       line saying why;</li>
 *   <li>{@code GET /metrics}: the registry in the Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when the
 *       scraper's {@code Accept} asks for {@code application/openmetrics-text};</li>
 *   <li>404 for any other path, 405 (with {@code Allow: GET, HEAD}) for any other method.</li>
 * </ul>
 * Requests run on a small bounded pool (2 threads, 16 queued; more are refused with 503) so a scraper storm cannot
 * take the controller's memory. Nothing served is taken from the cluster or the cloud except through the metrics,
 * whose labels come from closed sets ({@link ControllerMetrics}).
 */
public final class HealthServer implements AutoCloseable {

  /** The Content-Type of the Prometheus text exposition format 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** The Content-Type of OpenMetrics 1.0.0 text. */
  public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
  private static final String PLAIN = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final BooleanSupplier live;
  private final Supplier<String> notReady;
  private final PrometheusMeterRegistry registry;

  private HealthServer(Builder builder) throws IOException {
    this.live = builder.live;
    this.notReady = builder.notReady;
    this.registry = builder.registry;
    AtomicInteger threads = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(16), r -> {
      Thread t = new Thread(r, "hybridcni-health-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    this.server = HttpServer.create(builder.address, 16);
    server.createContext("/", this::handle);
    server.setExecutor(command -> {
      try {
        executor.execute(command);
      } catch (RejectedExecutionException full) {
        // The JDK server closes the connection when its executor refuses (OpenJDK's test
        // com/sun/net/httpserver/TaskRejectedTest pins that); the client sees the connection closed, which a
        // scraper or the kubelet counts as one failed probe, and the pool is not grown.
        LOG.warn("health server busy: a request was refused ({} queued)", executor.getQueue().size());
        throw full;
      }
    });
    server.start();
  }

  /** A server for {@code registry}'s metrics; see {@link Builder} for the defaults. */
  public static Builder builder(PrometheusMeterRegistry registry) {
    return new Builder(registry);
  }

  /** The port it listens on (the one the system chose when it was asked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** How many requests wait for a thread of the pool (for tests of the bound). */
  int queued() {
    return executor.getQueue().size();
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Stops at once: a probe or scrape under way is cut off, which its client counts as one failure. (On JDK 17
   * {@code HttpServer.stop(delay)} waited the whole delay whenever a keep-alive connection was open, measured here at
   * one second per stop, so a grace period would slow every shutdown by it.)
   */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/healthz") && !path.equals("/readyz") && !path.equals("/metrics")) {
        send(exchange, 404, PLAIN, "not found: serves /healthz, /readyz and /metrics\n", head);
        return;
      }
      if (!"GET".equals(method) && !head) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, PLAIN, "method not allowed: " + path + " answers GET and HEAD\n", false);
        return;
      }
      switch (path) {
        case "/healthz" -> {
          boolean alive = live.getAsBoolean();
          send(exchange, alive ? 200 : 503, PLAIN, alive ? "ok\n" : "not live: the controller's loop stopped\n",
              head);
        }
        case "/readyz" -> {
          String why = notReady.get();
          send(exchange, why == null ? 200 : 503, PLAIN, why == null ? "ok\n" : "not ready: " + why + "\n", head);
        }
        default -> {
          String accept = exchange.getRequestHeaders().getFirst("Accept");
          String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT
              : PROMETHEUS_TEXT;
          send(exchange, 200, type, registry.scrape(type), head);
        }
      }
    } catch (RuntimeException | IOException e) {
      // The JDK server drops a handler's exception silently; say which request failed, then let it close.
      LOG.warn("health server: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          e.toString());
      throw e;
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body, boolean head)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** How to build a {@link HealthServer}. */
  public static final class Builder {

    private final PrometheusMeterRegistry registry;
    private InetSocketAddress address = new InetSocketAddress(8081);
    private BooleanSupplier live = () -> true;
    private Supplier<String> notReady = () -> "the controller has not started";

    private Builder(PrometheusMeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Where to listen; default every address, port 8081. Port 0 lets the system choose ({@link #port()}). */
    public Builder bind(InetSocketAddress value) {
      this.address = Objects.requireNonNull(value, "address");
      return this;
    }

    /** Listens on every address at {@code port}, 0 to let the system choose; default 8081. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("health port must be in the range [0, 65535], was " + port);
      }
      return bind(new InetSocketAddress(port));
    }

    /** What {@code /healthz} asks; default always live. */
    public Builder live(BooleanSupplier value) {
      this.live = Objects.requireNonNull(value, "live");
      return this;
    }

    /**
     * What {@code /readyz} asks, as a yes or no ({@code HybridNetworkController::ready}); the 503 then says the
     * caches are not synced or no plan is made yet. Default: never ready.
     */
    public Builder ready(BooleanSupplier value) {
      Objects.requireNonNull(value, "ready");
      return notReadyBecause(() -> value.getAsBoolean() ? null
          : "the caches are not synced or no first plan is made yet");
    }

    /**
     * What {@code /readyz} asks, as the one line saying why it is not ready, {@code null} when it is ({@link
     * ReadinessTracker#whyNotReady()}); the line must hold no secret.
     */
    public Builder notReadyBecause(Supplier<String> value) {
      this.notReady = Objects.requireNonNull(value, "notReady");
      return this;
    }

    /** Binds and starts serving. */
    public HealthServer start() {
      try {
        return new HealthServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen for /healthz, /readyz and /metrics on " + address + ": "
            + e.getMessage(), e);
      }
    }
  }
}
