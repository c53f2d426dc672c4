package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.detect.KubeObject;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.IpPool;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every candidate object of one observation, read at once on the observer's executor before anything is decided, so
 * that the readers' decisions (which of two DaemonSet names exists, which namespace holds Flannel) cost no round trip
 * each. A reader asks for an object as it always did; the answer is the one already in flight. A missing object is
 * the answer {@code null} (a fact); a failed read fails only the reader that asks for it, with the message the read
 * would have failed with, so a refused read that no decision needs is no error. An object nobody started is read on
 * the asking thread (a miss, logged at debug).
 */
final class SpeculativeReads {

  private static final Logger LOG = LoggerFactory.getLogger(SpeculativeReads.class);

  private final ClusterReads source;
  private final Map<KubeObject, Future<Object>> started;
  private final AtomicInteger misses = new AtomicInteger();

  private SpeculativeReads(ClusterReads source, Map<KubeObject, Future<Object>> started) {
    this.source = source;
    this.started = started;
  }

  /** Starts a read of each of {@code objects} on {@code executor}, in their order. */
  static SpeculativeReads start(ClusterReads source, ExecutorService executor, Collection<KubeObject> objects) {
    Map<KubeObject, Future<Object>> started = new LinkedHashMap<>();
    for (KubeObject object : objects) {
      started.computeIfAbsent(object, o -> executor.submit(() -> source.object(o)));
    }
    return new SpeculativeReads(source, started);
  }

  /** No object started: every read happens on the asking thread, as before speculation. */
  static SpeculativeReads none(ClusterReads source) {
    return new SpeculativeReads(source, Map.of());
  }

  DaemonSet daemonSet(String namespace, String name) {
    return (DaemonSet) answer(KubeObject.daemonSet(namespace, name));
  }

  ConfigMap configMap(String namespace, String name) {
    return (ConfigMap) answer(KubeObject.configMap(namespace, name));
  }

  GenericKubernetesResource installation(String name) {
    return (GenericKubernetesResource) answer(KubeObject.tigeraInstallation(name));
  }

  @SuppressWarnings("unchecked")
  List<IpPool> ipPools() {
    return (List<IpPool>) answer(KubeObject.ipPools());
  }

  /** How many objects were asked for that no one had started: each cost a round trip of its own. */
  int misses() {
    return misses.get();
  }

  /**
   * Waits until every read has answered, needed or not, so that an observation leaves no request of its own in
   * flight behind it (they ran alongside the needed ones, so this costs next to nothing); see {@link #settle(Collection)}.
   */
  void settle() {
    settle(started.values());
  }

  /** Waits for each of {@code futures}; a failure is one no decision needed (the needed ones threw when asked). */
  static void settle(Collection<? extends Future<?>> futures) {
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException("Interrupted while observing the cluster", e);
      } catch (ExecutionException | CancellationException e) {
        LOG.debug("a read no decision needed failed: {}", String.valueOf(e.getCause()));
      }
    }
  }

  /** Stops the reads that have not started yet; their answers are no longer wanted. */
  void cancelPending() {
    started.values().forEach(f -> f.cancel(false));
  }

  private Object answer(KubeObject object) {
    if (started.isEmpty()) {
      return source.object(object); // no speculation at all (executors, the status observer): nothing was missed
    }
    Future<Object> future = started.get(object);
    if (future == null) {
      misses.incrementAndGet();
      LOG.debug("{} was not read speculatively: reading it now", object);
      return source.object(object);
    }
    return await(future);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("Interrupted while observing the cluster", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new HybridCniException("Observing the cluster failed: " + cause, cause);
    }
  }
}
