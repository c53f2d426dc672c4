package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.observe.CiliumFacts;

/**
 * Reads Cilium's {@code kube-system/cilium-config} ConfigMap (all of its data: the routing keys differ between
 * versions) and the {@code cilium} DaemonSet, whose agent image tag is the version.
 */
final class CiliumReader {

  static final String NAMESPACE = "kube-system";

  private final DaemonSets daemonSets;

  CiliumReader(DaemonSets daemonSets) {
    this.daemonSets = daemonSets;
  }

  /** Cilium's facts, or {@code null} when neither the ConfigMap nor the DaemonSet exists. */
  CiliumFacts read() {
    ConfigMap config = daemonSets.configMap(NAMESPACE, "cilium-config");
    DaemonSet ds = daemonSets.get(NAMESPACE, "cilium");
    if (config == null && ds == null) {
      return null;
    }
    Container agent = ds == null ? null : DaemonSets.container(ds, "cilium-agent");
    return new CiliumFacts(agent == null ? null : imageTag(agent.getImage()),
        config == null ? null : config.getData(), DaemonSets.workload(ds));
  }

  /** The tag of an image reference ({@code quay.io/cilium/cilium:v1.15.6@sha256:...} gives {@code v1.15.6}). */
  static String imageTag(String image) {
    if (image == null) {
      return null;
    }
    int digest = image.indexOf('@');
    String ref = digest < 0 ? image : image.substring(0, digest);
    int colon = ref.lastIndexOf(':');
    return colon > ref.lastIndexOf('/') && colon < ref.length() - 1 ? ref.substring(colon + 1) : null;
  }
}
