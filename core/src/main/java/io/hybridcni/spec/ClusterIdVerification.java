package io.hybridcni.spec;

/**
 * Who vouches that the kubeconfig's cluster is {@code cluster.id} (spec field {@code cluster.idVerifiedBy}).
 * Either way a cluster id the cluster itself carries that differs from {@code cluster.id} is a blocker.
 */
public enum ClusterIdVerification {
  /** The cluster must carry its ACK cluster id (the default); a cluster that carries none is a blocker. */
  CLUSTER,
  /**
   * The operator has checked that the kubeconfig points at {@code cluster.id}: used when the cluster carries no
   * id of its own (no cloud node yet, and an agent that names none).
   */
  OPERATOR
}
