package io.hybridcni.observe;

import java.util.List;

/**
 * The Kubernetes half of an {@link ObservedState}: nodes, CNI signals, Terway, the Secret, what the cluster says
 * about which ACK cluster it is ({@code null}: not observed) and whether the Secret's namespace exists
 * ({@code null}: not observed).
 */
public record KubernetesFacts(List<NodeInfo> nodes, CniFacts cni, TerwayFacts terway, SecretFacts secret,
    ClusterIdentity identity, NamespaceFacts secretNamespace) {

  public KubernetesFacts {
    nodes = Frozen.list(nodes);
    cni = cni == null ? CniFacts.NONE : cni;
  }

  /** Facts without the cluster's identity and the Secret's namespace (both not observed). */
  public KubernetesFacts(List<NodeInfo> nodes, CniFacts cni, TerwayFacts terway, SecretFacts secret) {
    this(nodes, cni, terway, secret, null, null);
  }
}
