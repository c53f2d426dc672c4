package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.hybridcni.kube.RetryAfter;
import io.hybridcni.kube.SafeHttpLogging;
import io.hybridcni.kube.UserAgent;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TcpClientConfig;
import io.vertx.core.spi.metrics.TransportMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the clients of every member cluster of one fleet share: one {@link KubernetesSerialization}, one HTTP client
 * factory on one {@link Vertx}, and one task executor, each as fabric8's {@link KubernetesClientBuilder} takes it.
 *
 * <p>With fabric8 8's defaults every client has its own Jackson mapper (and its introspection caches, about 2 MiB
 * once used), its own Vert.x (event loops and a blocked-thread checker) and its own cached thread pool; a fleet of a
 * thousand clusters in one process would hold a thousand of each (bench {@code ControllerMemoryBench}: 6.2 MiB per
 * cluster with the defaults, under 2 MiB with shared parts). A member's client still has its own configuration, its
 * own connection pool and its own informers.
 *
 * <p><b>Safe logging.</b> The shared factory is wrapped by {@link SafeHttpLogging#factory(HttpClient.Factory)}, as
 * every hybridcni client's factory is, so no member's bearer token or Secret body is ever logged; and by
 * {@link RetryAfter#factory(HttpClient.Factory)}, so that a member's write loops wait as its API server asks when it
 * throttles them.
 *
 * <p><b>Closing.</b> A fabric8 client closes its Vert.x only if it created it ({@code Vertx5HttpClientBuilder}'s
 * {@code closeVertx} is false for a factory given a Vert.x) and leaves an executor it was given to its owner
 * ({@code ExecutorSupplier.onClose} does nothing): closing one member's client leaves the others running. The fleet
 * closes this after every member, so that no client is left on a closed Vert.x (netty would refuse its tasks with
 * {@code RejectedExecutionException}). Closing twice does nothing.
 */
public final class MemberClients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemberClients.class);
  private static final Duration CLOSE_WITHIN = Duration.ofSeconds(30);
  /** How long the close waits for the members' connections to end before it closes the Vert.x all the same. */
  private static final Duration CONNECTIONS_END_WITHIN = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final KubernetesSerialization serialization;
  private final HttpClient.Factory http;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger built = new AtomicInteger();
  private final OpenConnections connections = new OpenConnections();

  private MemberClients() {
    // As fabric8's own Vertx5HttpClientBuilder.createVertxInstance: daemon threads, no file cache or class-path
    // resolving (a client reads no files through Vert.x).
    // The one metric kept is the count of open client connections, which close() waits on.
    this.vertx = Vertx.builder().with(new VertxOptions().setUseDaemonThread(true).setFileSystemOptions(
            new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false))
        .setMetricsOptions(new MetricsOptions().setEnabled(true)))
        .withMetrics(options -> connections).build();
    this.serialization = new KubernetesSerialization();
    this.http = RetryAfter.factory(SafeHttpLogging.factory(new Vertx5HttpClientFactory(vertx)));
    AtomicInteger threads = new AtomicInteger();
    // Unbounded and cached, as fabric8's own default per client (Executors.newCachedThreadPool): informers hand it
    // their event dispatching, and a bounded pool shared by a thousand members could make one member wait on another.
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hybridcni-member-client-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** New shared parts; the caller closes them after every client built from them. */
  public static MemberClients create() {
    return new MemberClients();
  }

  /**
   * A client for {@code config} on the shared parts, sending hybridcni's {@link UserAgent} (set on {@code config});
   * the caller closes it (which leaves the shared parts open).
   *
   * @throws IllegalStateException when these parts were closed
   */
  public KubernetesClient client(Config config) {
    Objects.requireNonNull(config, "config");
    if (closed.get()) {
      throw new IllegalStateException("the fleet's shared client parts are closed");
    }
    built.incrementAndGet();
    config.setUserAgent(UserAgent.value());
    return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(serialization)
        .withHttpClientFactory(http).withTaskExecutor(executor).build();
  }

  /** The one serialization every member's client uses. */
  public KubernetesSerialization serialization() {
    return serialization;
  }

  /** The one (safely logging) HTTP client factory every member's client uses. */
  public HttpClient.Factory httpClientFactory() {
    return http;
  }

  /** How many clients were built from these parts. */
  public int clientsBuilt() {
    return built.get();
  }

  /** Whether {@link #close()} ran. */
  public boolean closed() {
    return closed.get();
  }

  /** The client connections (HTTP and WebSocket) open on the shared Vert.x now. */
  public int openConnections() {
    return connections.open.get();
  }

  /**
   * Stops the shared executor and, once the clients' connections have ended (at most 10 s), the shared Vert.x,
   * waiting up to 30 s for it; call it after closing every client. Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    executor.shutdownNow();
    try {
      // fabric8's Vertx5HttpClient.doClose (8.0.0) starts the Vert.x HTTP and WebSocket clients' close and does not
      // wait for it: their connections close on the event loops a moment later. A Vert.x closed before that closes
      // them itself at its event loops' end, whose notifications netty then refuses (RejectedExecutionException,
      // logged at ERROR once per connection: a thousand lines for a fleet of a thousand). A fixed pause of 500 ms
      // was enough for two members, not for a thousand; the close waits for the count of open connections instead.
      long deadline = System.nanoTime() + CONNECTIONS_END_WITHIN.toNanos();
      while (connections.open.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      if (connections.open.get() > 0) {
        LOG.warn("{} connection(s) of the members' clients were still open after {} s; closing their Vert.x anyway",
            connections.open.get(), CONNECTIONS_END_WITHIN.toSeconds());
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted while closing the members' shared Vert.x");
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("The members' shared Vert.x did not close within {} s: {}", CLOSE_WITHIN.toSeconds(), e.toString());
    }
  }

  /**
   * Vert.x's metrics SPI kept to one figure: a TCP client connection (what the HTTP and the WebSocket clients
   * connect through) counts from {@code connected} to {@code disconnected}.
   */
  private static final class OpenConnections implements VertxMetrics {
    private final AtomicInteger open = new AtomicInteger();

    @Override
    public TransportMetrics<?> createTcpClientMetrics(TcpClientConfig config, String protocol) {
      return new TransportMetrics<Object>() {
        @Override
        public Object connected(SocketAddress remoteAddress, String remoteName) {
          open.incrementAndGet();
          return null;
        }

        @Override
        public void disconnected(Object connection, SocketAddress remoteAddress) {
          open.decrementAndGet();
        }
      };
    }
  }

  @Override
  public String toString() {
    return "MemberClients{" + built.get() + " clients built" + (closed.get() ? ", closed" : "") + "}";
  }
}
