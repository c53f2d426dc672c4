package io.hybridcni.observe;

import java.util.Objects;

/**
 * One place in the cluster that names the ACK cluster it belongs to.
 *
 * @param kind what kind of signal it is
 * @param clusterId the ACK cluster id it names
 * @param where where exactly it was read, for people (e.g. {@code label ack.aliyun.com on node(s) n1, n2})
 */
public record IdentitySignal(Kind kind, String clusterId, String where) {

  /** The kinds of signal the cluster observer reads. */
  public enum Kind {
    /** The label {@value ClusterIdentity#NODE_LABEL} that ACK's node pools put on the cloud nodes they add. */
    NODE_LABEL,
    /** The key {@code clusterid} of ACK's cluster profile, ConfigMap {@code kube-system/ack-cluster-profile}. */
    CLUSTER_PROFILE
  }

  public IdentitySignal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(where, "where");
  }

  /** {@code c123... (label ack.aliyun.com on node(s) n1)}. */
  public String describe() {
    return clusterId + " (" + where + ")";
  }
}
