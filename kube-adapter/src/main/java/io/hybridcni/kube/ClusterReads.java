package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.detect.KubeObject;
import io.hybridcni.observe.IpPool;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

/**
 * Where {@link KubernetesObserver} gets the objects it builds its facts from: every read the observation makes,
 * and nothing else, so that the code that turns objects into facts exists once whatever answers. {@link #live}
 * asks the API server ({@link LiveReads}); {@link ClusterCache} answers from its informers' stores. Each read
 * gives what a GET or a LIST would: {@code null} (or an empty answer) for a missing object, a
 * {@link io.hybridcni.error.RemoteCallException} naming the operation for a failure.
 */
interface ClusterReads {

  /** Reads through {@code client}, listing nodes and pods in pages of {@code pageSize}. */
  static ClusterReads live(io.fabric8.kubernetes.client.KubernetesClient client, int pageSize) {
    return new LiveReads(client, pageSize);
  }

  DaemonSet daemonSet(String namespace, String name);

  ConfigMap configMap(String namespace, String name);

  /** The Tigera Installation as an untyped object, or {@code null} when it (or its CRD) does not exist. */
  GenericKubernetesResource installation(String name);

  /** Every IPPool, sorted by name; none when the CRD is not installed. */
  List<IpPool> ipPools();

  Secret secret(String namespace, String name);

  boolean namespaceExists(String name);

  /** The nodes, each keeping the labels of {@code labelKeys} (which the answer may wait for), sorted by name. */
  List<NodeReader.SeenNode> nodes(Future<Set<String>> labelKeys);

  /** The names of the nodes where a pod of {@code source} is bound and not finished. */
  Set<String> nodesRunning(NodeReader.PodSource source);

  /** One object of a detector's {@link KubeObject}, as {@link SpeculativeReads} asks for it. */
  default Object object(KubeObject object) {
    return switch (object.kind()) {
      case CONFIG_MAP -> configMap(object.namespace(), object.name());
      case DAEMON_SET -> daemonSet(object.namespace(), object.name());
      case TIGERA_INSTALLATION -> installation(object.name());
      case IP_POOLS -> ipPools();
    };
  }
}
