package io.hybridcni.observe;

/** The on-premises CNI signals; each part is {@code null} when that CNI left no trace in the cluster. */
public record CniFacts(CalicoFacts calico, FlannelFacts flannel, CiliumFacts cilium) {

  public static final CniFacts NONE = new CniFacts(null, null, null);

  public CniFacts withCalico(CalicoFacts value) {
    return new CniFacts(value, flannel, cilium);
  }
}
