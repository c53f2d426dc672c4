package io.hybridcni.port;

import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.spec.HybridNetworkSpec;

/** Reads the Kubernetes half of the observed state. Read-only; implemented by the kube-adapter. */
public interface ClusterObserver {

  /**
   * Observes the cluster for this spec (its Secret, cloud-node label and CNI workload).
   *
   * @throws io.hybridcni.error.HybridCniException naming the resource and the missing permission on failure
   */
  KubernetesFacts observe(HybridNetworkSpec spec);

  /**
   * As {@link #observe(HybridNetworkSpec)}, and puts into {@code checked} what it read that the first action's
   * executor may use instead of reading it again ({@link CheckedReads}). The default puts nothing.
   */
  default KubernetesFacts observe(HybridNetworkSpec spec, CheckedReads checked) {
    return observe(spec);
  }

  /**
   * The cluster as {@code previous} saw it, with the parts {@code scope} names read again now; used by apply to
   * re-check one action's fingerprint without reading everything. The default reads everything again when any
   * Kubernetes part is in scope, and nothing otherwise; an adapter overrides it to read only what is named. The
   * parts read must be exactly those a full {@link #observe} would give, so a fact computed from them has the
   * value a full observation would give it.
   */
  default KubernetesFacts refresh(HybridNetworkSpec spec, KubernetesFacts previous, FactScope scope) {
    return scope.touchesKubernetes() ? observe(spec) : previous;
  }

  /**
   * As {@link #refresh(HybridNetworkSpec, KubernetesFacts, FactScope)}, and puts into {@code checked} what it read
   * that the next action's executor may use instead of reading it again ({@link CheckedReads}). The default puts
   * nothing, so that executor reads everything itself.
   */
  default KubernetesFacts refresh(HybridNetworkSpec spec, KubernetesFacts previous, FactScope scope,
      CheckedReads checked) {
    return refresh(spec, previous, scope);
  }
}
