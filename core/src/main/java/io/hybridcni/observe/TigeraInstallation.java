package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * The Tigera operator's {@code Installation} ({@code operator.tigera.io/v1}): its BGP setting
 * ({@code spec.calicoNetwork.bgp}, {@code null} when absent, which means Enabled), the encapsulation of each pool
 * it declares, and the placement it gives calico-node
 * ({@code spec.calicoNodeDaemonSet.spec.template.spec}), and the update strategy it renders calico-node with
 * ({@code spec.nodeUpdateStrategy}; the operator fills in RollingUpdate with maxUnavailable 1 when it is absent:
 * tigera/operator {@code pkg/controller/installation/core_controller.go} fillDefaults, and
 * {@code pkg/render/node.go} sets the DaemonSet's {@code updateStrategy} from it).
 */
public record TigeraInstallation(String name, String resourceVersion, String bgp, List<Pool> pools,
    Placement calicoNodePlacement, UpdateStrategy nodeUpdateStrategy) {

  /** One {@code spec.calicoNetwork.ipPools} entry. */
  public record Pool(String cidr, String encapsulation) {}

  public TigeraInstallation {
    Objects.requireNonNull(name, "name");
    pools = Frozen.list(pools);
    calicoNodePlacement = calicoNodePlacement == null ? Placement.ANYWHERE : calicoNodePlacement;
    nodeUpdateStrategy = nodeUpdateStrategy == null ? UpdateStrategy.DEFAULT : nodeUpdateStrategy;
  }

  /** An Installation with no {@code spec.nodeUpdateStrategy}: the operator's default. */
  public TigeraInstallation(String name, String resourceVersion, String bgp, List<Pool> pools,
      Placement calicoNodePlacement) {
    this(name, resourceVersion, bgp, pools, calicoNodePlacement, null);
  }

  public TigeraInstallation withCalicoNodePlacement(Placement placement) {
    return new TigeraInstallation(name, resourceVersion, bgp, pools, placement, nodeUpdateStrategy);
  }
}
