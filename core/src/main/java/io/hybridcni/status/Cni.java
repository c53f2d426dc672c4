package io.hybridcni.status;

/** The CNIs whose pods status looks at, by the DaemonSet that runs them. */
public enum Cni {
  /** calico-node (manifest or operator install). */
  CALICO,
  /** Canal's DaemonSet: Flannel networking with Calico policy, one pod per node. */
  CANAL,
  /** Flannel's DaemonSet. */
  FLANNEL,
  /** Cilium's agent DaemonSet. */
  CILIUM,
  /** Terway, the CNI of cloud nodes. */
  TERWAY;

  /** The name people read: {@code calico-node}, {@code canal}, {@code flannel}, {@code cilium}, {@code terway}. */
  public String label() {
    return this == CALICO ? "calico-node" : name().toLowerCase(java.util.Locale.ROOT);
  }
}
