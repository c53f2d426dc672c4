package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the DaemonSet controller and the scheduler would do, for the mock server that runs neither: for every
 * DaemonSet, one Running and Ready pod on each node its template's {@code nodeSelector} and required node
 * affinity allow, and none elsewhere. Taints and tolerations are ignored (the sample nodes have none). The node matching is
 * written here on its own, independently of hybridcni's core, so that tests check one against the other.
 *
 * <p>A changed pod template rolls out as the real controller's RollingUpdate does (kubernetes
 * {@code pkg/controller/daemon/update.go} rollingUpdate): each pod carries the {@code controller-revision-hash}
 * label of the template it was made from, and a pod of an older template is replaced by one of the current
 * template; with {@code updateStrategy: OnDelete} old pods stay until deleted. {@link #reconcile(KubernetesClient)}
 * replaces every old pod at once; {@link #step(KubernetesClient, int)} at most so many per DaemonSet, to show a
 * rollout in progress. After that, the status is written as the real controller's updateDaemonSetStatus
 * ({@code pkg/controller/daemon/daemon_controller.go}) computes it: {@code desiredNumberScheduled} (nodes that
 * should run a pod), {@code currentNumberScheduled}, {@code updatedNumberScheduled} (pods of the current
 * template), {@code numberReady}, {@code numberAvailable}, {@code numberUnavailable} (desired minus available),
 * {@code numberMisscheduled} and {@code observedGeneration}. Every pod placed here is Running and Ready at once
 * ({@code minReadySeconds} 0); a test may set a pod NotReady, which then counts as unavailable. The status is written only when it changed, so that a reconcile of a settled
 * cluster writes nothing.
 */
public final class DaemonSetController {

  private DaemonSetController() {}

  /** The label that names the template revision a pod was made from. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  /**
   * Brings the pods of every DaemonSet in line with its placement and template, and writes its status; answers the
   * names of the pods it created.
   */
  public static List<String> reconcile(KubernetesClient client) {
    return step(client, Integer.MAX_VALUE);
  }

  /**
   * As {@link #reconcile(KubernetesClient)}, but replaces at most {@code maxReplaced} pods of an older template per
   * DaemonSet (its rolling update's {@code maxUnavailable}; the real default is 1), so that a rollout takes several
   * steps and its status shows it in progress.
   */
  public static List<String> step(KubernetesClient client, int maxReplaced) {
    List<Node> nodes = client.nodes().list().getItems();
    List<String> created = new ArrayList<>();
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      created.addAll(reconcile(client, ds, nodes, maxReplaced));
    }
    return created;
  }

  /** The revision of a DaemonSet's current pod template, as its pods' {@value #REVISION_LABEL} label says it. */
  public static String revision(DaemonSet ds) {
    String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(ds.getSpec().getTemplate());
    return Integer.toString(Math.floorMod(json.hashCode(), 60466176), 36);
  }

  private static List<String> reconcile(KubernetesClient client, DaemonSet ds, List<Node> nodes, int maxReplaced) {
    String namespace = ds.getMetadata().getNamespace();
    PodSpec template = ds.getSpec().getTemplate().getSpec();
    Map<String, Pod> podsByNode = new HashMap<>();
    for (Pod pod : client.pods().inNamespace(namespace).withLabels(ds.getSpec().getSelector().getMatchLabels())
        .list().getItems()) {
      boolean owned = pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences()
          .stream().anyMatch(o -> "DaemonSet".equals(o.getKind()) && ds.getMetadata().getName().equals(o.getName()));
      if (owned && pod.getSpec().getNodeName() != null) {
        podsByNode.put(pod.getSpec().getNodeName(), pod);
      }
    }
    List<String> created = new ArrayList<>();
    Set<String> allowed = new TreeSet<>();
    for (Node node : nodes) {
      if (schedulable(template, node)) {
        allowed.add(node.getMetadata().getName());
      }
    }
    for (Map.Entry<String, Pod> e : podsByNode.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        client.pods().inNamespace(namespace).withName(e.getValue().getMetadata().getName()).delete();
      }
    }
    String revision = revision(ds);
    boolean onDelete = ds.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
    int replaced = 0;
    for (String node : allowed) {
      Pod existing = podsByNode.get(node);
      if (existing != null && !onDelete && replaced < maxReplaced && !revision.equals(revisionOf(existing))) {
        client.pods().inNamespace(namespace).withName(existing.getMetadata().getName()).delete();
        podsByNode.remove(node);
        replaced++;
      }
      if (!podsByNode.containsKey(node)) {
        Pod pod = pod(ds, node);
        client.pods().inNamespace(namespace).resource(pod).create();
        podsByNode.put(node, pod);
        created.add(pod.getMetadata().getName());
      }
    }
    writeStatus(client, ds, allowed, podsByNode, revision);
    return created;
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String revisionOf(Pod pod) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(REVISION_LABEL);
  }

  private static void writeStatus(KubernetesClient client, DaemonSet ds, Set<String> allowed,
      Map<String, Pod> podsByNode, String revision) {
    int desired = allowed.size();
    int current = 0;
    int ready = 0;
    int updated = 0;
    int misscheduled = 0;
    for (Map.Entry<String, Pod> e : podsByNode.entrySet()) {
      if (allowed.contains(e.getKey())) {
        current++;
        if (isReady(e.getValue())) {
          ready++;
        }
        if (revision.equals(revisionOf(e.getValue()))) {
          updated++;
        }
      } else {
        misscheduled++;
      }
    }
    DaemonSetStatus status = new DaemonSetStatusBuilder()
        .withDesiredNumberScheduled(desired)
        .withCurrentNumberScheduled(current)
        .withUpdatedNumberScheduled(updated)
        .withNumberReady(ready)
        .withNumberAvailable(ready)
        .withNumberUnavailable(desired - ready)
        .withNumberMisscheduled(misscheduled)
        .withObservedGeneration(ds.getMetadata().getGeneration())
        .build();
    if (status.equals(ds.getStatus())) {
      return;
    }
    // The DaemonSet as listed at the start of this sync, so that the status write sends no GET of its own (a
    // test's faults on the DaemonSet's GET are meant for hybridcni). When hybridcni wrote it meanwhile, the update
    // is refused with 409 and the next sync writes the status, as the real controller's next sync would.
    ds.setStatus(status);
    try {
      client.apps().daemonSets().inNamespace(ds.getMetadata().getNamespace()).resource(ds).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The pod the controller creates for {@code ds} on {@code nodeName}. */
  public static Pod pod(DaemonSet ds, String nodeName) {
    String suffix = Integer.toString(Math.floorMod(Objects.hash(ds.getMetadata().getName(), nodeName), 60466176),
        36);
    return new PodBuilder()
        .withNewMetadata()
        .withName(ds.getMetadata().getName() + "-" + "0".repeat(5 - suffix.length()) + suffix)
        .withNamespace(ds.getMetadata().getNamespace())
        .withLabels(revisionLabels(ds))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("DaemonSet")
            .withName(ds.getMetadata().getName()).withUid(ds.getMetadata().getUid()).withController(true)
            .withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(new PodSpecBuilder(ds.getSpec().getTemplate().getSpec()).withNodeName(nodeName).build())
        // Running and Ready, as the kubelet reports a pod whose containers started and passed readiness.
        .withNewStatus().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus()
        .build();
  }

  private static Map<String, String> revisionLabels(DaemonSet ds) {
    Map<String, String> labels = new java.util.TreeMap<>();
    if (ds.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(ds.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(REVISION_LABEL, revision(ds));
    return labels;
  }

  /** Whether the scheduler may bind a pod of {@code spec} to {@code node} (taints aside). */
  public static boolean schedulable(PodSpec spec, Node node) {
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec.getNodeSelector() != null) {
      for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return true;
    }
    List<NodeSelectorTerm> terms = spec.getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
    if (terms == null || terms.isEmpty()) {
      return true;
    }
    for (NodeSelectorTerm term : terms) {
      if (matches(term, labels, node.getMetadata().getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(NodeSelectorTerm term, Map<String, String> labels, String name) {
    List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of()
        : term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false; // an empty term selects no node
    }
    for (NodeSelectorRequirement r : expressions) {
      if (!holds(r, labels.get(r.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : fields) {
      // The only node field is metadata.name, with In or NotIn and exactly one value.
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      boolean valid = "metadata.name".equals(r.getKey()) && values.size() == 1
          && ("In".equals(r.getOperator()) || "NotIn".equals(r.getOperator()));
      if (!valid || !holds(r, name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holds(NodeSelectorRequirement r, String value) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    switch (r.getOperator()) {
      case "In":
        return !values.isEmpty() && value != null && values.contains(value);
      case "NotIn":
        return !values.isEmpty() && (value == null || !values.contains(value));
      case "Exists":
        return values.isEmpty() && value != null;
      case "DoesNotExist":
        return values.isEmpty() && value == null;
      case "Gt":
      case "Lt":
        if (values.size() != 1) {
          return false;
        }
        try {
          long actual = Long.parseLong(value);
          long bound = Long.parseLong(values.get(0));
          return "Gt".equals(r.getOperator()) ? actual > bound : actual < bound;
        } catch (RuntimeException e) {
          return false;
        }
      default:
        return false;
    }
  }
}
