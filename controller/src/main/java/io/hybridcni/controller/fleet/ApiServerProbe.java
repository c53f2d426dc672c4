package io.hybridcni.controller.fleet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.controller.ChangeSource;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.kube.Ticker;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a member's API server answers, asked on the member's own thread: {@code GET /version} every
 * {@code every}, each bounded by the client's own timeouts. The informer caches cannot tell: a watch that fails keeps
 * its last store while fabric8 retries it, so a member planned only from its cache would look converged while its
 * cluster is away. The planning observer ({@link #guard}) refuses to plan while the last probe failed, so the round
 * fails and the member's HybridNetwork gets Degraded with the reason; a change of the answer starts a round at once.
 *
 * <p>Any HTTP answer, even 401 or 403, means the server is there (as {@code KubeconfigClients.requireReachable}
 * judges it); a probe that has not returned within {@code every + timeout} counts as no answer, so a request stuck
 * below the client's timeouts still shows.
 */
final class ApiServerProbe implements ChangeSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServerProbe.class);

  private final KubernetesClient client;
  private final String what;
  private final Duration every;
  private final Duration timeout;
  private final Ticker ticker;
  private final CopyOnWriteArrayList<Runnable> subscribers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile String failure;
  private volatile long probeStarted = -1;
  private volatile boolean closed;

  /**
   * @param client a client of the member whose request timeout is {@code timeout} (the member's own client)
   * @param what how messages name the member, e.g. {@code HybridNetwork ns/name}
   */
  ApiServerProbe(KubernetesClient client, String what, Duration every, Duration timeout, Ticker ticker) {
    this.client = Objects.requireNonNull(client, "client");
    this.what = Objects.requireNonNull(what, "what");
    this.every = Objects.requireNonNull(every, "every");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.thread = new Thread(this::run, "hybridcni-fleet-probe");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (!closed) {
      probeStarted = ticker.nanos();
      String now;
      try {
        client.getKubernetesVersion();
        now = null;
      } catch (KubernetesClientException e) {
        now = e.getCode() > 0 ? null : "no answer to GET /version from " + client.getMasterUrl() + ": "
            + rootCause(e);
      } catch (RuntimeException e) {
        now = "no answer to GET /version from " + client.getMasterUrl() + ": " + rootCause(e);
      }
      probeStarted = -1;
      if (closed) {
        return;
      }
      set(now);
      try {
        Thread.sleep(Math.max(1, every.toMillis()));
      } catch (InterruptedException e) {
        // Only close() interrupts the probe; its flag ends the loop.
        LOG.debug("The probe of {} was interrupted: closing", what);
      }
    }
  }

  private void set(String now) {
    String before = failure;
    failure = now;
    if (!Objects.equals(before == null, now == null)) {
      if (now != null) {
        LOG.warn("The API server of {} does not answer: {}", what, now);
      } else {
        LOG.info("The API server of {} answers again", what);
      }
      subscribers.forEach(Runnable::run);
    }
  }

  /** Why the member's API server is taken as away, or {@code null} while it answers. */
  String unreachable() {
    String known = failure;
    if (known != null) {
      return known;
    }
    long started = probeStarted;
    if (started >= 0 && ticker.nanos() - started > every.plus(timeout).toNanos()) {
      return "GET /version to " + client.getMasterUrl() + " has not returned for "
          + Duration.ofNanos(ticker.nanos() - started).toMillis() + " ms";
    }
    return null;
  }

  /** {@code observer}, refusing to plan from it while the API server is away (see the class comment). */
  ClusterObserver guard(ClusterObserver observer) {
    return new ClusterObserver() {
      @Override
      public KubernetesFacts observe(HybridNetworkSpec spec) {
        String away = unreachable();
        if (away != null) {
          throw new HybridCniException("The API server of " + what + " is unreachable (" + away + "); its cluster "
              + "is not planned until it answers");
        }
        return observer.observe(spec);
      }
    };
  }

  @Override
  public AutoCloseable subscribe(Runnable onChange) {
    subscribers.add(Objects.requireNonNull(onChange, "onChange"));
    return () -> subscribers.remove(onChange);
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage().strip().replaceAll("\\s+", " ");
    if (message.length() > 200) {
      message = message.substring(0, 197) + "...";
    }
    return root.getClass().getSimpleName() + message;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
