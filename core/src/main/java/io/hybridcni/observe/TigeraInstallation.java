package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * The Tigera operator's {@code Installation} ({@code operator.tigera.io/v1}): its BGP setting
 * ({@code spec.calicoNetwork.bgp}, {@code null} when absent, which means Enabled), the encapsulation of each pool
 * it declares, and the placement it gives calico-node
 * ({@code spec.calicoNodeDaemonSet.spec.template.spec}).
 */
public record TigeraInstallation(String name, String resourceVersion, String bgp, List<Pool> pools,
    Placement calicoNodePlacement) {

  /** One {@code spec.calicoNetwork.ipPools} entry. */
  public record Pool(String cidr, String encapsulation) {}

  public TigeraInstallation {
    Objects.requireNonNull(name, "name");
    pools = Frozen.list(pools);
    calicoNodePlacement = calicoNodePlacement == null ? Placement.ANYWHERE : calicoNodePlacement;
  }

  public TigeraInstallation withCalicoNodePlacement(Placement placement) {
    return new TigeraInstallation(name, resourceVersion, bgp, pools, placement);
  }
}
