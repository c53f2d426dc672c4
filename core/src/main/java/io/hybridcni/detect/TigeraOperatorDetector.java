package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import java.util.List;
import java.util.Optional;

/**
 * Calico installed by the Tigera operator: Installation {@code default} (where calico-node's placement belongs, since
 * the operator reverts direct edits), the DaemonSet it renders, {@code calico-system/calico-node}, and the IPPools.
 */
final class TigeraOperatorDetector implements CniDetector {

  @Override
  public String name() {
    return "calico";
  }

  @Override
  public List<KubeObject> reads() {
    return List.of(KubeObject.ipPools(), KubeObject.tigeraInstallation("default"),
        KubeObject.daemonSet("calico-system", "calico-node"));
  }

  @Override
  public List<OwnedWorkload> workloads() {
    // tigera/operator pkg/render/node.go labels calico-node's pods k8s-app=calico-node and selects them by it.
    return List.of(new OwnedWorkload(KubeObject.tigeraInstallation("default"), null, false),
        new OwnedWorkload(KubeObject.daemonSet("calico-system", "calico-node"), "k8s-app=calico-node", true));
  }

  @Override
  public Optional<CniReading> read(CniFacts cni, List<String> evidence) {
    if (cni.calico() == null || cni.calico().installation() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(CalicoReadings.read(cni.calico(), evidence));
  }
}
