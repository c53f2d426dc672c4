package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DaemonSet followed through a watch ({@code GET ...daemonsets?watch=true&fieldSelector=metadata.name=<name>})
 * from the {@code resourceVersion} of a read the caller already made (the update's answer, say): the API server
 * sends every change after that version, so nothing between the read and the watch is missed and no read is
 * repeated; however long the rollout takes, following it costs this one call (plus fabric8's own reconnects, from the
 * last version seen, when the connection drops).
 *
 * <p>When the watch ends for good (fabric8 calls {@link Watcher#onClose(WatcherException)}: a 410 Gone because the
 * version is older than the server's watch cache keeps, kubernetes {@code staging/src/k8s.io/apiserver/pkg/storage/
 * cacher} "too old resource version", or fabric8 giving up reconnecting), the DaemonSet is read again and a new watch
 * starts from that read's version: the re-list and re-watch of client-go's reflector
 * ({@code k8s.io/client-go/tools/cache/reflector.go}). A watch the server refuses to open (a 403 where RBAC grants no
 * {@code watch}, say) is no failure of the rollout: {@link #open} answers {@code null}, and the caller polls with GETs.
 * A {@code DELETED} event makes the action stale, as a GET answering 404 does.
 */
final class DaemonSetWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DaemonSetWatch.class);
  /** How long opening a watch may take before the rollout is followed by polling instead. */
  static final Duration OPEN_WITHIN = Duration.ofSeconds(10);

  /** What the watcher hands over: a DaemonSet seen, its deletion, or the end of the watch. */
  private sealed interface Signal {
    record Seen(DaemonSet ds) implements Signal {}

    record Deleted() implements Signal {}

    record Ended(WatcherException cause) implements Signal {}
  }

  private final KubernetesClient client;
  private final Action action;
  private final WorkloadRef ref;
  private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
  private volatile Watch watch;
  private DaemonSet last;
  private int rewatches;

  private DaemonSetWatch(KubernetesClient client, Action action, WorkloadRef ref, DaemonSet start) {
    this.client = client;
    this.action = action;
    this.ref = ref;
    this.last = start;
  }

  /**
   * A watch of {@code ref} from {@code start}'s resourceVersion, or {@code null} when the server does not open one
   * (logged with its answer): the caller then polls. A 410 Gone at once (the version is already too old) reads the
   * DaemonSet with {@code reread} and watches from that read's version, once; {@link #current()} is then that read.
   */
  static DaemonSetWatch open(KubernetesClient client, Action action, WorkloadRef ref, DaemonSet start,
      Supplier<DaemonSet> reread) {
    DaemonSetWatch w = new DaemonSetWatch(client, action, ref, start);
    for (int attempt = 1; ; attempt++) {
      String version = w.last.getMetadata() == null ? null : w.last.getMetadata().getResourceVersion();
      if (version == null) {
        return null;
      }
      try {
        w.start(version);
        return w;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_GONE && attempt == 1) {
          LOG.info("{}: watching {} from resourceVersion {} answered 410 Gone; reading it again and watching from "
              + "there", action.id(), ref.address(), version);
          w.rewatches++;
          w.last = reread.get();
          continue;
        }
        LOG.info("{}: watching {} from resourceVersion {} answered {}; following its rollout with a GET after every "
            + "pause instead", action.id(), ref.address(), version, e.getCode() <= 0 ? "no answer" : "HTTP "
            + e.getCode() + " " + e.getMessage());
        return null;
      }
    }
  }

  /** The DaemonSet as last seen: the read the watch started from, or the latest event {@link #next} took. */
  DaemonSet current() {
    return last;
  }

  /**
   * Opens the watch, waiting at most {@link #OPEN_WITHIN}: fabric8's {@code watch()} waits without a bound for the
   * WebSocket to be ready, and a server that ends the watch as it opens it (the 410 Expired of a version compacted
   * away) was seen to leave that wait hanging for good. A watch that has not opened by then counts as not opened (the
   * caller polls instead) and is closed if it opens later.
   */
  private void start(String version) {
    Queue into = new Queue(signals);
    CompletableFuture<Watch> opening = CompletableFuture.supplyAsync(
        () -> client.apps().daemonSets().inNamespace(ref.namespace()).withName(ref.name()).watch(version, into),
        task -> {
          Thread t = new Thread(task, "hybridcni-watch-open-" + ref.name());
          t.setDaemon(true);
          t.start();
        });
    try {
      watch = opening.get(OPEN_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      opening.thenAccept(Watch::close);
      throw new KubernetesClientException("the watch of " + ref.address() + " did not open within " + OPEN_WITHIN);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KubernetesClientException k) {
        throw k;
      }
      throw new KubernetesClientException("the watch of " + ref.address() + " failed to open: " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      opening.thenAccept(Watch::close);
      throw new HybridCniException(action.id() + ": interrupted while watching " + ref.address(), e);
    }
  }

  /**
   * The DaemonSet as the latest event shows it; waits up to {@code grace} for an event when none came since the last
   * call (then answers the same object again: nothing changed). After the watch ended it reads the DaemonSet with
   * {@code reread} and watches again from there.
   *
   * @throws StaleActionException when the DaemonSet was deleted
   */
  DaemonSet next(Duration grace, Supplier<DaemonSet> reread) {
    Signal s = signals.poll();
    if (s == null) {
      try {
        s = signals.poll(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException(action.id() + ": interrupted while following the rollout of " + ref.address(),
            e);
      }
    }
    while (s != null) {
      if (s instanceof Signal.Seen seen) {
        last = seen.ds();
      } else if (s instanceof Signal.Deleted) {
        throw new StaleActionException(action.id(), List.of(ref.address() + " no longer exists"));
      } else if (s instanceof Signal.Ended ended) {
        return rewatch(ended.cause(), reread);
      }
      s = signals.poll();
    }
    return last;
  }

  /** How many times the watch ended and was started again from a fresh read. */
  int rewatches() {
    return rewatches;
  }

  private DaemonSet rewatch(WatcherException cause, Supplier<DaemonSet> reread) {
    rewatches++;
    closeWatch();
    signals.clear();
    last = reread.get();
    String version = last.getMetadata().getResourceVersion();
    LOG.info("{}: the watch of {} ended ({}); read it again and watching from resourceVersion {}", action.id(),
        ref.address(), cause == null ? "closed" : cause.isHttpGone() ? "410 Gone: its resourceVersion is too old"
            : cause.getMessage(),
        version);
    try {
      start(version);
    } catch (KubernetesClientException e) {
      // No new watch: end as the watch did, so the next call reads and tries again (each call after a pause).
      signals.add(new Signal.Ended(new WatcherException(e.getMessage(), e)));
    }
    return last;
  }

  @Override
  public void close() {
    closeWatch();
  }

  private void closeWatch() {
    Watch w = watch;
    watch = null;
    if (w != null) {
      w.close();
    }
  }

  /** Hands every event to the queue; runs on fabric8's threads. */
  private record Queue(BlockingQueue<Signal> signals) implements Watcher<DaemonSet> {
    @Override
    public void eventReceived(Action action, DaemonSet ds) {
      switch (action) {
        case ADDED, MODIFIED -> signals.add(new Signal.Seen(ds));
        case DELETED -> signals.add(new Signal.Deleted());
        default -> { } // ERROR and BOOKMARK carry no DaemonSet; fabric8 turns a 410 ERROR into onClose
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      signals.add(new Signal.Ended(cause));
    }

    @Override
    public void onClose() {
      // closed by us: nothing to hand over
    }
  }
}
