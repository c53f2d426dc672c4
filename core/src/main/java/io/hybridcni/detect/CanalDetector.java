package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.FlannelFacts;
import java.util.List;
import java.util.Optional;

/**
 * Canal (projectcalico/calico {@code manifests/canal.yaml}): flanneld and calico-node in DaemonSet
 * {@code kube-system/canal}, Flannel's {@code net-conf.json} in ConfigMap {@code kube-system/canal-config}. Flannel's
 * backend decides the scenario; Calico only enforces policy.
 */
final class CanalDetector implements CniDetector {

  @Override
  public String name() {
    return "canal";
  }

  @Override
  public List<KubeObject> reads() {
    return List.of(KubeObject.configMap("kube-system", FlannelFacts.CANAL_CONFIG_MAP),
        KubeObject.daemonSet("kube-system", "canal"));
  }

  @Override
  public List<OwnedWorkload> workloads() {
    return List.of(new OwnedWorkload(KubeObject.daemonSet("kube-system", "canal"), "k8s-app=canal", true));
  }

  @Override
  public Optional<CniFactsKind<?>> facts() {
    return Optional.of(FlannelDetector.FACTS);
  }

  @Override
  public Optional<CniReading> read(CniFacts cni, List<String> evidence) {
    if (cni.flannel() == null || !cni.flannel().canal()) {
      return Optional.empty();
    }
    return Optional.of(FlannelReadings.read(cni.flannel(), evidence));
  }
}
