package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.detect.OwnedWorkload;
import io.hybridcni.kube.ListedObjects.ListedNode;
import io.hybridcni.kube.ListedObjects.ListedPod;
import io.hybridcni.observe.NodeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Reads nodes and where a DaemonSet's pods run, both paged, into {@link ListedObjects}' lean types (the JSON
 * parser skips what is never read). Of each node only its name, {@code spec.providerID} and the labels in a given
 * set of keys are kept.
 */
final class NodeReader {

  /** Labels kept on every node besides the ones placements refer to: they help people read a snapshot. */
  static final Set<String> ALWAYS_KEPT = Set.of("kubernetes.io/os", "kubernetes.io/hostname");

  private final KubernetesClient client;
  private final int pageSize;

  NodeReader(KubernetesClient client, int pageSize) {
    this.client = client;
    this.pageSize = pageSize;
  }

  /** A node as read, before the pod facts are joined in. */
  record SeenNode(String name, Map<String, String> labels, String providerId) {}

  /** The pods of one DaemonSet: its namespace and selector. */
  record PodSource(String namespace, String daemonSet, LabelSelector selector) {
    /** The pods of {@code workload} as its released manifests select them ({@code key=value}). */
    static PodSource expected(OwnedWorkload workload) {
      Map<String, String> labels = new TreeMap<>();
      for (String part : workload.podSelector().split(",")) {
        int eq = part.indexOf('=');
        labels.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
      return new PodSource(workload.object().namespace(), workload.object().name(),
          new LabelSelectorBuilder().withMatchLabels(labels).build());
    }

    static PodSource of(DaemonSet ds) {
      return new PodSource(ds.getMetadata().getNamespace(), ds.getMetadata().getName(),
          ds.getSpec() == null ? null : ds.getSpec().getSelector());
    }
  }

  List<SeenNode> nodes(Set<String> labelKeys) {
    return nodes(CompletableFuture.completedFuture(labelKeys));
  }

  /**
   * The nodes, keeping the labels in {@code labelKeys}, which the first page waits for: the listing starts before
   * the CNI reads have said which keys placements look at, and only holds on to what they name.
   */
  List<SeenNode> nodes(Future<Set<String>> labelKeys) {
    Set<String> keep = new HashSet<>(ALWAYS_KEPT);
    boolean[] known = {false};
    List<SeenNode> nodes = new ArrayList<>();
    Pager.forEach(KubeOperation.list("", "nodes", null), pageSize,
        options -> client.resources(ListedNode.class).list(options),
        (ListedNode node) -> {
          if (!known[0]) {
            keep.addAll(SpeculativeReads.await(labelKeys));
            known[0] = true;
          }
          nodes.add(seen(node, keep));
        }, nodes::clear);
    nodes.sort(Comparator.comparing(SeenNode::name));
    return nodes;
  }

  private static SeenNode seen(ListedNode node, Set<String> keep) {
    return seen(node.getMetadata().getName(), node.getMetadata().getLabels(), node.providerId(), keep);
  }

  /**
   * A node as the observer keeps it: its labels of {@code keep} only, and its provider id ({@code null} when empty).
   * Shared with {@link ClusterCache}, whose records hold every label until an observation says which it reads.
   */
  static SeenNode seen(String name, Map<String, String> all, String providerId, Set<String> keep) {
    Map<String, String> labels = new HashMap<>();
    if (all != null) {
      all.forEach((k, v) -> {
        if (keep.contains(k)) {
          labels.put(k, v);
        }
      });
    }
    return new SeenNode(name, labels, providerId == null || providerId.isEmpty() ? null : providerId);
  }

  /**
   * The labels an observation keeps on every node: {@link #ALWAYS_KEPT} and {@code labelKeys}, which it waits for.
   */
  static Set<String> kept(Future<Set<String>> labelKeys) {
    Set<String> keep = new HashSet<>(ALWAYS_KEPT);
    keep.addAll(SpeculativeReads.await(labelKeys));
    return keep;
  }

  /** Whether a pod bound to {@code node} in {@code phase} counts as running there: bound and not finished. */
  static boolean running(String node, String phase) {
    return node != null && !node.isEmpty() && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** The names of the nodes where a pod of {@code source} is bound and not finished. */
  Set<String> nodesRunning(PodSource source) {
    Set<String> names = new TreeSet<>();
    if (source.selector() == null) {
      return names;
    }
    Pager.forEach(KubeOperation.list("", "pods", source.namespace()), pageSize,
        options -> client.resources(ListedPod.class).inNamespace(source.namespace())
            .withLabelSelector(source.selector()).list(options),
        (ListedPod pod) -> {
          String node = pod.nodeName();
          String phase = pod.phase();
          if (running(node, phase)) {
            names.add(node);
          }
        }, names::clear);
    return names;
  }

  static List<NodeInfo> join(List<SeenNode> nodes, Set<String> calicoNodes, Set<String> terwayNodes) {
    List<NodeInfo> result = new ArrayList<>(nodes.size());
    for (SeenNode n : nodes) {
      result.add(new NodeInfo(n.name(), n.labels(), n.providerId(), calicoNodes.contains(n.name()),
          terwayNodes.contains(n.name())));
    }
    return result;
  }
}
