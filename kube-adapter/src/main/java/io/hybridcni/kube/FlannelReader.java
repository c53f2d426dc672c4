package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.observe.FlannelFacts;
import java.util.List;

/**
 * Reads Flannel's {@code kube-flannel-cfg} ConfigMap ({@code net-conf.json}) and DaemonSet, first in
 * {@code kube-flannel} (current manifests), then in {@code kube-system} (older ones, whose DaemonSets carry the
 * architecture in their name); failing both, Canal's: Calico's {@code manifests/canal.yaml} runs flanneld as
 * container {@code kube-flannel} of DaemonSet {@code kube-system/canal}, mounting ConfigMap {@code canal-config}
 * (whose {@code net-conf.json} holds Flannel's backend) at {@code /etc/kube-flannel/}.
 */
final class FlannelReader {

  static final List<String> NAMESPACES = List.of("kube-flannel", "kube-system");
  static final String CONFIG_MAP = "kube-flannel-cfg";
  static final String NET_CONF = "net-conf.json";
  private static final String[] DAEMON_SETS = {"kube-flannel-ds", "kube-flannel-ds-amd64"};
  static final String CANAL_NAMESPACE = "kube-system";
  static final String CANAL_DAEMON_SET = "canal";

  private final DaemonSets daemonSets;

  FlannelReader(DaemonSets daemonSets) {
    this.daemonSets = daemonSets;
  }

  /** Flannel's facts, or {@code null} when neither namespace holds its ConfigMap or DaemonSet, nor Canal's. */
  FlannelFacts read() {
    for (String namespace : NAMESPACES) {
      ConfigMap config = daemonSets.configMap(namespace, CONFIG_MAP);
      DaemonSet ds = daemonSets.first(namespace, DAEMON_SETS);
      if (config != null || ds != null) {
        String netConf = config == null || config.getData() == null ? null : config.getData().get(NET_CONF);
        return new FlannelFacts(namespace, netConf, DaemonSets.workload(ds));
      }
    }
    ConfigMap canalConfig = daemonSets.configMap(CANAL_NAMESPACE, FlannelFacts.CANAL_CONFIG_MAP);
    DaemonSet canal = daemonSets.get(CANAL_NAMESPACE, CANAL_DAEMON_SET);
    if (canalConfig != null || canal != null) {
      String netConf = canalConfig == null || canalConfig.getData() == null ? null
          : canalConfig.getData().get(NET_CONF);
      return new FlannelFacts(CANAL_NAMESPACE, FlannelFacts.CANAL_CONFIG_MAP, netConf, DaemonSets.workload(canal));
    }
    return null;
  }
}
