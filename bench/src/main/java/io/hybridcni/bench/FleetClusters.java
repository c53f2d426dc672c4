package io.hybridcni.bench;

import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes halves of a simulated fleet, held in memory: one {@link ClusterObserver} that answers, for the
 * spec's cluster id, the facts it was given, after waiting as long as a real observation takes (its chain of dependent
 * reads times the latency). Every registered cluster has its own API server, so this side has no shared limit to
 * measure.
 */
final class FleetClusters implements ClusterObserver {

  private final Map<String, KubernetesFacts> clusters = new ConcurrentHashMap<>();
  private final Duration observeTime;

  FleetClusters(Duration observeTime) {
    this.observeTime = observeTime;
  }

  void add(String clusterId, KubernetesFacts facts) {
    clusters.put(clusterId, facts);
  }

  @Override
  public KubernetesFacts observe(HybridNetworkSpec spec) {
    KubernetesFacts facts = clusters.get(spec.clusterId());
    if (facts == null) {
      throw new IllegalArgumentException("no simulated cluster " + spec.clusterId());
    }
    try {
      Thread.sleep(observeTime.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while observing " + spec.clusterId(), e);
    }
    return facts;
  }
}
