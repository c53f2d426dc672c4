package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.FlannelFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flannel (flannel-io/flannel {@code Documentation/kube-flannel.yml}): ConfigMap {@code kube-flannel-cfg} with
 * {@code net-conf.json} and its DaemonSet, in {@code kube-flannel} (current manifests) or {@code kube-system} (older
 * ones, whose DaemonSets carry the architecture in their name). Its facts are Canal's too: Calico's
 * {@code manifests/canal.yaml} runs flanneld as container {@code kube-flannel} of DaemonSet {@code kube-system/canal},
 * mounting ConfigMap {@code canal-config} (whose {@code net-conf.json} holds Flannel's backend) at
 * {@code /etc/kube-flannel/}.
 */
final class FlannelDetector implements CniDetector {

  static final List<String> NAMESPACES = List.of("kube-flannel", "kube-system");
  static final List<String> DAEMON_SETS = List.of("kube-flannel-ds", "kube-flannel-ds-amd64");
  static final String NET_CONF = "net-conf.json";
  static final String CANAL_NAMESPACE = "kube-system";
  static final String CANAL_DAEMON_SET = "canal";

  /** Flannel's facts, shared with {@link CanalDetector}: one record, written under {@code flannel}. */
  static final CniFactsKind<FlannelFacts> FACTS =
      new CniFactsKind<>(CniFacts.FLANNEL, FlannelFacts.class, FlannelDetector::readFacts);

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
  public Optional<CniFactsKind<?>> facts() {
    return Optional.of(FACTS);
  }

  /**
   * Flannel's {@code kube-flannel-cfg} and DaemonSet, first in {@code kube-flannel}, then in {@code kube-system};
   * failing both, Canal's; {@code null} when none of them exists.
   */
  static FlannelFacts readFacts(ObservedObjects objects) {
    for (String namespace : NAMESPACES) {
      Map<String, String> config = objects.configMapData(namespace, FlannelFacts.FLANNEL_CONFIG_MAP);
      ObservedDaemonSet ds = null;
      for (String name : DAEMON_SETS) {
        ds = objects.daemonSet(namespace, name);
        if (ds != null) {
          break;
        }
      }
      if (config != null || ds != null) {
        return new FlannelFacts(namespace, config == null ? null : config.get(NET_CONF),
            ds == null ? null : ds.workload());
      }
    }
    Map<String, String> canalConfig = objects.configMapData(CANAL_NAMESPACE, FlannelFacts.CANAL_CONFIG_MAP);
    ObservedDaemonSet canal = objects.daemonSet(CANAL_NAMESPACE, CANAL_DAEMON_SET);
    if (canalConfig != null || canal != null) {
      return new FlannelFacts(CANAL_NAMESPACE, FlannelFacts.CANAL_CONFIG_MAP,
          canalConfig == null ? null : canalConfig.get(NET_CONF), canal == null ? null : canal.workload());
    }
    return null;
  }

  @Override
  public Optional<CniReading> read(CniFacts cni, List<String> evidence) {
    if (cni.flannel() == null || cni.flannel().canal()) {
      return Optional.empty();
    }
    return Optional.of(FlannelReadings.read(cni.flannel(), evidence));
  }
}
