package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Flannel (flannel-io/flannel {@code Documentation/kube-flannel.yml}): ConfigMap {@code kube-flannel-cfg} with
 * {@code net-conf.json} and its DaemonSet, in {@code kube-flannel} (current manifests) or {@code kube-system} (older
 * ones, whose DaemonSets carry the architecture in their name).
 */
final class FlannelDetector implements CniDetector {

  static final List<String> NAMESPACES = List.of("kube-flannel", "kube-system");
  static final List<String> DAEMON_SETS = List.of("kube-flannel-ds", "kube-flannel-ds-amd64");

  @Override
  public String name() {
    return "flannel";
  }

  @Override
  public List<KubeObject> reads() {
    List<KubeObject> objects = new ArrayList<>();
    for (String namespace : NAMESPACES) {
      objects.add(KubeObject.configMap(namespace, "kube-flannel-cfg"));
      DAEMON_SETS.forEach(name -> objects.add(KubeObject.daemonSet(namespace, name)));
    }
    return List.copyOf(objects);
  }

  @Override
  public List<OwnedWorkload> workloads() {
    List<OwnedWorkload> workloads = new ArrayList<>();
    for (String namespace : NAMESPACES) {
      DAEMON_SETS.forEach(name -> workloads.add(new OwnedWorkload(KubeObject.daemonSet(namespace, name),
          "app=flannel", false)));
    }
    return List.copyOf(workloads);
  }

  @Override
  public Optional<CniReading> read(CniFacts cni, List<String> evidence) {
    if (cni.flannel() == null || cni.flannel().canal()) {
      return Optional.empty();
    }
    return Optional.of(FlannelReadings.read(cni.flannel(), evidence));
  }
}
