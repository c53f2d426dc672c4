package io.hybridcni.port;

import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkObservation;

/**
 * Reads the running network: the CNI DaemonSets' rollout status and their pods. Read-only; implemented by the
 * kube-adapter. It is given the cluster facts just observed, so that it reads only the DaemonSets found there.
 */
public interface NetworkStatusObserver {

  /** The CNI DaemonSets of {@code facts} with their status and pods, and the nodes of {@code facts}. */
  NetworkObservation observe(HybridNetworkSpec spec, KubernetesFacts facts);
}
