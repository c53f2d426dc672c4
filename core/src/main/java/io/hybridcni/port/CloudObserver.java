package io.hybridcni.port;

import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.spec.HybridNetworkSpec;

/** Reads the Alibaba Cloud half of the observed state. Read-only; implemented by the aliyun-adapter. */
public interface CloudObserver {

  /**
   * Observes RAM, the cluster record and its addons for this spec.
   *
   * @throws io.hybridcni.error.HybridCniException naming the operation, resource and request id on failure
   */
  CloudFacts observe(HybridNetworkSpec spec);

  /**
   * The cloud as {@code previous} saw it, with the parts {@code scope} names read again now (see
   * {@link ClusterObserver#refresh}). The default reads everything again when any RAM or ACK part is in scope.
   */
  default CloudFacts refresh(HybridNetworkSpec spec, CloudFacts previous, FactScope scope) {
    return scope.touchesCloud() ? observe(spec) : previous;
  }
}
