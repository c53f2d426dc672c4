package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.IpPool;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

/** {@link ClusterReads} from the API server: one GET per object, paged LISTs for nodes and pods. */
final class LiveReads implements ClusterReads {

  private final KubernetesClient client;
  private final NodeReader nodes;

  LiveReads(KubernetesClient client, int pageSize) {
    this.client = client;
    this.nodes = new NodeReader(client, pageSize);
  }

  @Override
  public DaemonSet daemonSet(String namespace, String name) {
    return KubeOperation.get("apps", "daemonsets", namespace, name)
        .run(() -> client.apps().daemonSets().inNamespace(namespace).withName(name).get());
  }

  /** The DaemonSet as the API server sends it, every field kept (for a read-modify-write), or {@code null}. */
  GenericKubernetesResource untypedDaemonSet(String namespace, String name) {
    return KubeOperation.get("apps", "daemonsets", namespace, name)
        .run(() -> client.genericKubernetesResources(Resources.DAEMON_SETS).inNamespace(namespace).withName(name)
            .get());
  }

  /** An untyped DaemonSet as the typed object. */
  DaemonSet typed(GenericKubernetesResource daemonSet) {
    return client.getKubernetesSerialization().convertValue(daemonSet, DaemonSet.class);
  }

  @Override
  public ConfigMap configMap(String namespace, String name) {
    return KubeOperation.get("", "configmaps", namespace, name)
        .run(() -> client.configMaps().inNamespace(namespace).withName(name).get());
  }

  @Override
  public GenericKubernetesResource installation(String name) {
    return CalicoReader.readInstallation(client, name);
  }

  @Override
  public List<IpPool> ipPools() {
    return CalicoReader.ipPools(client);
  }

  @Override
  public Secret secret(String namespace, String name) {
    return SecretReader.get(client, namespace, name);
  }

  @Override
  public boolean namespaceExists(String name) {
    return NamespaceReader.exists(client, name);
  }

  @Override
  public List<NodeReader.SeenNode> nodes(Future<Set<String>> labelKeys) {
    return nodes.nodes(labelKeys);
  }

  @Override
  public Set<String> nodesRunning(NodeReader.PodSource source) {
    return nodes.nodesRunning(source);
  }
}
