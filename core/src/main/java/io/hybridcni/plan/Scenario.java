package io.hybridcni.plan;

/** The runbook scenario the on-premises network puts the cluster in. */
public enum Scenario {
  /** Cloud nodes join the on-premises overlay; nothing to install. */
  OVERLAY,
  /** Calico BGP: Terway on cloud nodes, Calico kept off them. */
  BGP,
  /** Host network: Terway on cloud nodes. */
  HOST_NETWORK,
  /** The signals do not decide; the user must state the mode. */
  UNKNOWN
}
