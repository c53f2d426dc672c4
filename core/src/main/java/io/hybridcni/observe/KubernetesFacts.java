package io.hybridcni.observe;

import java.util.List;

/** The Kubernetes half of an {@link ObservedState}: nodes, CNI signals, Terway and the Secret. */
public record KubernetesFacts(List<NodeInfo> nodes, CniFacts cni, TerwayFacts terway, SecretFacts secret) {

  public KubernetesFacts {
    nodes = Frozen.list(nodes);
    cni = cni == null ? CniFacts.NONE : cni;
  }
}
