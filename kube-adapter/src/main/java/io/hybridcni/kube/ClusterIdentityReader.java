package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.IdentitySignal;
import io.hybridcni.observe.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the cluster says about which ACK cluster it is: the {@value ClusterIdentity#NODE_LABEL} label of the
 * nodes already listed, and one GET of ACK's cluster profile
 * ({@value ClusterIdentity#PROFILE_NAMESPACE}/{@value ClusterIdentity#PROFILE_NAME}), of which only the key
 * {@value ClusterIdentity#PROFILE_CLUSTER_ID_KEY} is kept (see {@link ClusterIdentity} for where ACK keeps it).
 */
final class ClusterIdentityReader {

  private final KubernetesClient client;

  ClusterIdentityReader(KubernetesClient client) {
    this.client = client;
  }

  /** ACK's cluster profile, or {@code null} when there is none (a 403 is a failure, as for every read). */
  ConfigMap profile() {
    return KubeOperation.get("", "configmaps", ClusterIdentity.PROFILE_NAMESPACE, ClusterIdentity.PROFILE_NAME)
        .run(() -> client.configMaps().inNamespace(ClusterIdentity.PROFILE_NAMESPACE)
            .withName(ClusterIdentity.PROFILE_NAME).get());
  }

  static ClusterIdentity identity(ConfigMap profile, List<NodeInfo> nodes) {
    List<IdentitySignal> signals = new ArrayList<>(ClusterIdentity.fromNodeLabels(nodes));
    if (profile != null) {
      signals.addAll(profileSignals(profile));
    }
    return new ClusterIdentity(profile != null, signals);
  }

  static List<IdentitySignal> profileSignals(ConfigMap profile) {
    String id = profile.getData() == null ? null : profile.getData().get(ClusterIdentity.PROFILE_CLUSTER_ID_KEY);
    if (id == null || id.isBlank()) {
      return List.of();
    }
    return List.of(new IdentitySignal(IdentitySignal.Kind.CLUSTER_PROFILE, id.trim(),
        ClusterIdentity.profilePlace()));
  }
}
