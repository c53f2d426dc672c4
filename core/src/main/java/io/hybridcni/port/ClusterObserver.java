package io.hybridcni.port;

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
}
