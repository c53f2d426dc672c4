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
import java.util.function.Predicate;

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
    Set<String> keys = labelKeys(placement, label);
    // The nodes do not depend on calico-node's pods: both are read at once, so the check before a write costs one
    // round trip instead of two.
    CompletableFuture<List<NodeReader.SeenNode>> seen = ReadAtOnce.start(() -> nodes.nodes(keys));
    Set<String> calico = calicoRunsOn(target, read);
    return NodeReader.join(ReadAtOnce.join(seen), calico, Set.of());
  }

  /**
   * The nodes as they are now, as {@link #freshNodes(WorkloadRef, GenericKubernetesResource, Placement, NodeLabel)}
   * gives them, but where Calico runs is read only when {@code needsCalico} says the nodes make it
   * matter (the exclusion's safety check: some node its placement excludes is not a cloud instance); otherwise every
   * node reads as not running Calico, which no caller may take as a fact. {@code checked}, when not {@code null}, is
   * what the re-check just before the action read: its node listing serves when it kept the label keys needed, and
   * its listing of the DaemonSet {@code read}'s pods when it made one, so that neither is requested again.
   */
  List<NodeInfo> freshNodes(WorkloadRef target, GenericKubernetesResource read, Placement placement,
      NodeLabel label, CheckedCalico checked, Predicate<List<NodeInfo>> needsCalico) {
    Set<String> keys = labelKeys(placement, label);
    List<NodeReader.SeenNode> seen = checked == null ? null : checked.nodes(keys).orElse(null);
    if (seen == null) {
      seen = nodes.nodes(keys);
    }
    List<NodeInfo> without = NodeReader.join(seen, Set.of(), Set.of());
    if (!needsCalico.test(without)) {
      return without;
    }
    Optional<Set<String>> known = checked == null || read == null || target.kind() != WorkloadRef.Kind.DAEMON_SET
        ? Optional.empty() : checked.running(NodeReader.PodSource.of(asDaemonSet(read)));
    return NodeReader.join(seen, known.isPresent() ? known.get() : calicoRunsOn(target, read), Set.of());
  }

  /** The label keys the safety checks read: those {@code placement} looks at, and the cloud label's. */
  private static Set<String> labelKeys(Placement placement, NodeLabel label) {
    Set<String> keys = new TreeSet<>(Placements.labelKeys(placement));
    keys.add(label.key());
    return keys;
  }

  /** The nodes a pod of the calico-node DaemonSet {@code target} places runs on (read now). */
  private Set<String> calicoRunsOn(WorkloadRef target, GenericKubernetesResource read) {
    DaemonSet calicoNode = target.kind() == WorkloadRef.Kind.DAEMON_SET
        ? (read != null ? asDaemonSet(read) : daemonSets.get(target.namespace(), target.name()))
        : daemonSets.get(CalicoReader.OPERATOR_NAMESPACE, CalicoReader.CALICO_NODE);
    return calicoNode == null ? Set.of() : nodes.nodesRunning(NodeReader.PodSource.of(calicoNode));
  }
}
