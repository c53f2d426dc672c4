package io.hybridcni.spec;

/** The on-premises network mode, which decides the runbook scenario. */
public enum NetworkMode {
  /** Detect the mode from the observed CNI; anything ambiguous becomes a blocker that asks to set it. */
  AUTO,
  /** Flannel VXLAN, Calico IPIP/VXLAN, Cilium VXLAN: cloud nodes join the overlay, nothing is installed. */
  OVERLAY,
  /** Calico BGP: cloud nodes run Terway and Calico is kept off them. */
  BGP,
  /** Host network: cloud nodes run Terway; only Terway's placement is checked. */
  HOST_NETWORK
}
