package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.spec.NodeLabel;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Reads and writes the object that holds calico-node's placement (the calico-node DaemonSet, or the Tigera
 * {@code Installation}) as an untyped tree, so that a write sends back every field it read; and reads the nodes
 * again, as they are now, for the safety checks before a write.
 */
final class CalicoObjects {

  private final KubernetesClient client;
  private final KubernetesClient writer;
  private final NodeReader nodes;
  private final DaemonSets daemonSets;

  CalicoObjects(KubernetesClient client, int pageSize) {
    this(client, client, pageSize);
  }

  /** Reads through {@code client}, writes through {@code writer} (which may retry differently). */
  CalicoObjects(KubernetesClient client, KubernetesClient writer, int pageSize) {
    this.client = client;
    this.writer = writer;
    this.nodes = new NodeReader(client, pageSize);
    this.daemonSets = new DaemonSets(client);
  }

  static ResourceDefinitionContext context(WorkloadRef target) {
    return target.kind() == WorkloadRef.Kind.DAEMON_SET ? Resources.DAEMON_SETS : Resources.TIGERA_INSTALLATIONS;
  }

  /** The object, or {@code null} when it does not exist. */
  GenericKubernetesResource read(WorkloadRef target) {
    if (target.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION) {
      return CalicoReader.readInstallation(client, target.name());
    }
    return KubeOperation.get("apps", "daemonsets", target.namespace(), target.name())
        .run(() -> client.genericKubernetesResources(Resources.DAEMON_SETS).inNamespace(target.namespace())
            .withName(target.name()).get());
  }

  /** A full {@code update()} carrying the object's resourceVersion (as read), or its {@code dryRun=All} form. */
  GenericKubernetesResource write(WorkloadRef target, GenericKubernetesResource object, boolean dryRun) {
    var operation = writer.genericKubernetesResources(context(target));
    Resource<GenericKubernetesResource> resource = target.namespace() == null ? operation.resource(object)
        : operation.inNamespace(target.namespace()).resource(object);
    return dryRun ? resource.dryRun().update() : resource.update();
  }

  /** A DaemonSet read or written as an untyped tree, as the typed object. */
  DaemonSet asDaemonSet(GenericKubernetesResource object) {
    return client.getKubernetesSerialization().convertValue(object, DaemonSet.class);
  }

  static ClientRequest request(WorkloadRef target, GenericKubernetesResource object, boolean dryRun) {
    return new ClientRequest("PUT", Resources.path(context(target), target.namespace(), target.name())
        + (dryRun ? "?dryRun=All" : ""), Serialization.asJson(object));
  }

  /**
   * The nodes as they are now, with the labels {@code placement} and the cloud label look at, and whether Calico
   * runs on each (from the pods of the calico-node DaemonSet the target places).
   */
  List<NodeInfo> freshNodes(WorkloadRef target, Placement placement, NodeLabel label) {
    return freshNodes(target, null, placement, label);
  }

  /**
   * As {@link #freshNodes(WorkloadRef, Placement, NodeLabel)}; {@code read} is the target as just read, or
   * {@code null}: a DaemonSet target read a moment ago gives its pod selector without a second GET.
   */
  List<NodeInfo> freshNodes(WorkloadRef target, GenericKubernetesResource read, Placement placement,
      NodeLabel label) {
    return freshNodes(target, read, placement, label, null);
  }

  /**
   * As {@link #freshNodes(WorkloadRef, GenericKubernetesResource, Placement, NodeLabel)}; {@code checked}, when not
   * {@code null}, is what the re-check just before the action read: a DaemonSet target whose nodes and pods it
   * listed (with every label key needed) is answered from it without a request.
   */
  List<NodeInfo> freshNodes(WorkloadRef target, GenericKubernetesResource read, Placement placement,
      NodeLabel label, CheckedCalico checked) {
    Set<String> keys = new TreeSet<>(Placements.labelKeys(placement));
    keys.add(label.key());
    if (checked != null && read != null && target.kind() == WorkloadRef.Kind.DAEMON_SET) {
      Optional<List<NodeInfo>> known = checked.nodes(keys, NodeReader.PodSource.of(asDaemonSet(read)));
      if (known.isPresent()) {
        return known.get();
      }
    }
    // The nodes do not depend on calico-node's pods: both are read at once, so the check before a write costs one
    // round trip instead of two.
    CompletableFuture<List<NodeReader.SeenNode>> seen = ReadAtOnce.start(() -> nodes.nodes(keys));
    DaemonSet calicoNode = target.kind() == WorkloadRef.Kind.DAEMON_SET
        ? (read != null ? asDaemonSet(read) : daemonSets.get(target.namespace(), target.name()))
        : daemonSets.get(CalicoReader.OPERATOR_NAMESPACE, CalicoReader.CALICO_NODE);
    Set<String> calico = calicoNode == null ? Set.of() : nodes.nodesRunning(NodeReader.PodSource.of(calicoNode));
    return NodeReader.join(ReadAtOnce.join(seen), calico, Set.of());
  }
}
