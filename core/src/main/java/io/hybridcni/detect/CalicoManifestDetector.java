package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import java.util.List;
import java.util.Optional;

/**
 * Calico installed from its manifest (projectcalico/calico {@code manifests/calico.yaml} and its variants): DaemonSet
 * {@code kube-system/calico-node}, ConfigMap {@code kube-system/calico-config} ({@code calico_backend}) and the
 * IPPools, which are the truth about encapsulation.
 */
final class CalicoManifestDetector implements CniDetector {

  @Override
  public String name() {
    return "calico";
  }

  @Override
  public List<KubeObject> reads() {
    return List.of(KubeObject.ipPools(), KubeObject.configMap("kube-system", "calico-config"),
        KubeObject.daemonSet("kube-system", "calico-node"));
  }

  @Override
  public List<OwnedWorkload> workloads() {
    return List.of(new OwnedWorkload(KubeObject.daemonSet("kube-system", "calico-node"), "k8s-app=calico-node", true));
  }

  @Override
  public Optional<CniReading> read(CniFacts cni, List<String> evidence) {
    if (cni.calico() == null || cni.calico().installation() != null) {
      return Optional.empty();
    }
    return Optional.ofNullable(CalicoReadings.read(cni.calico(), evidence));
  }
}
