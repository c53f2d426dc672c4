package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.WorkloadRef;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * What {@link KubernetesObserver} read from the API server of Calico and the nodes just before an action (apply's
 * observation before the first action, or its re-check before a later one),
 * kept for {@link CniExclusionExecutor} (through {@link io.hybridcni.port.CheckedReads}) so that its first attempt
 * does not read the same objects again: each calico-node DaemonSet as the API server answered it (untyped, every
 * field as sent, its {@code resourceVersion} included), the node listing with the label keys it kept, and the nodes
 * each DaemonSet's pods ran on. Only live reads are kept, never a cache's.
 *
 * @param daemonSets the DaemonSets read, by {@code namespace/name} (one read as absent is not here)
 * @param nodes the nodes as listed, or {@code null} when the re-check did not list them
 * @param nodeLabelKeys the label keys the listing kept on every node
 * @param running the nodes running a pod of each pod source listed, by {@link #key}
 */
record CheckedCalico(Map<String, GenericKubernetesResource> daemonSets, List<NodeReader.SeenNode> nodes,
    Set<String> nodeLabelKeys, Map<String, Set<String>> running) {

  CheckedCalico {
    daemonSets = Map.copyOf(daemonSets);
    nodes = nodes == null ? null : List.copyOf(nodes);
    nodeLabelKeys = Set.copyOf(nodeLabelKeys);
    running = Map.copyOf(running);
  }

  /**
   * A pod listing's key: the namespace, the DaemonSet and its selector in the canonical form of
   * {@link DaemonSets#selector}, so that a listing asked with the selector the manifests give (a whole observation
   * starts one before the DaemonSet answers) is found for the DaemonSet that has that selector.
   */
  static String key(NodeReader.PodSource source) {
    return source.namespace() + "/" + source.daemonSet() + "?" + DaemonSets.selector(source.selector());
  }

  /** The DaemonSet {@code target} names, as read, when the re-check read it. */
  Optional<GenericKubernetesResource> daemonSet(WorkloadRef target) {
    return target.kind() != WorkloadRef.Kind.DAEMON_SET ? Optional.empty()
        : Optional.ofNullable(daemonSets.get(target.namespace() + "/" + target.name()));
  }

  /**
   * The nodes as listed, with the labels of {@code keys} (and {@link NodeReader#ALWAYS_KEPT}) only, whether or not
   * any pods were listed; empty when the re-check did not list them with all those keys.
   */
  Optional<List<NodeReader.SeenNode>> nodes(Set<String> keys) {
    Set<String> keep = new HashSet<>(NodeReader.ALWAYS_KEPT);
    keep.addAll(keys);
    if (nodes == null || (!nodes.isEmpty() && !nodeLabelKeys.containsAll(keep))) {
      return Optional.empty();
    }
    return Optional.of(nodes.stream().map(n -> NodeReader.seen(n.name(), n.labels(), n.providerId(), keep)).toList());
  }

  /** The nodes running a pod of {@code calico}, when the re-check listed those pods. */
  Optional<Set<String>> running(NodeReader.PodSource calico) {
    return Optional.ofNullable(running.get(key(calico)));
  }

  /** What was read, by name and count: the objects themselves may carry values (a DaemonSet's env) not for logs. */
  @Override
  public String toString() {
    return "CheckedCalico[daemonSets=" + new java.util.TreeSet<>(daemonSets.keySet()) + ", nodes="
        + (nodes == null ? "not listed" : nodes.size()) + ", podListings=" + running.size() + "]";
  }

  /** {@link ClusterReads} from the API server that keep what they read for a {@link CheckedCalico}. */
  static final class Recording implements ClusterReads {
    private final LiveReads live;
    private final Map<String, GenericKubernetesResource> daemonSets = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> running = new ConcurrentHashMap<>();
    private volatile List<NodeReader.SeenNode> nodes;
    private volatile Set<String> nodeLabelKeys = Set.of();

    Recording(LiveReads live) {
      this.live = live;
    }

    /** What was read so far. */
    CheckedCalico checked() {
      return new CheckedCalico(daemonSets, nodes, nodeLabelKeys, running);
    }

    @Override
    public DaemonSet daemonSet(String namespace, String name) {
      GenericKubernetesResource read = live.untypedDaemonSet(namespace, name);
      if (read == null) {
        return null;
      }
      daemonSets.put(namespace + "/" + name, read);
      return live.typed(read);
    }

    @Override
    public ConfigMap configMap(String namespace, String name) {
      return live.configMap(namespace, name);
    }

    @Override
    public GenericKubernetesResource installation(String name) {
      return live.installation(name);
    }

    @Override
    public List<IpPool> ipPools() {
      return live.ipPools();
    }

    @Override
    public Secret secret(String namespace, String name) {
      return live.secret(namespace, name);
    }

    @Override
    public boolean namespaceExists(String name) {
      return live.namespaceExists(name);
    }

    @Override
    public List<NodeReader.SeenNode> nodes(Future<Set<String>> labelKeys) {
      List<NodeReader.SeenNode> seen = live.nodes(labelKeys);
      // The listing waited for the keys at its first node; with no node at all they may still be unknown, and then
      // none is needed: an empty listing answers for every key.
      if (!seen.isEmpty()) {
        nodeLabelKeys = Set.copyOf(NodeReader.kept(labelKeys));
      }
      nodes = seen;
      return seen;
    }

    @Override
    public Set<String> nodesRunning(NodeReader.PodSource source) {
      Set<String> names = live.nodesRunning(source);
      running.put(key(source), Set.copyOf(names));
      return names;
    }
  }
}
