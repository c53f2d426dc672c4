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
 * DaemonSet, one Running and Ready pod on each node its template's {@code nodeSelector} and required node affinity allow,
 * and none elsewhere. Taints and tolerations are ignored (the sample nodes have none). The node matching is
 * written here on its own, independently of hybridcni's core, so that tests check one against the other.
 */
public final class DaemonSetController {

  private DaemonSetController() {}

  /** Brings the pods of every DaemonSet in line with its placement; answers the names of the pods it created. */
  public static List<String> reconcile(KubernetesClient client) {
    List<Node> nodes = client.nodes().list().getItems();
    List<String> created = new ArrayList<>();
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      created.addAll(reconcile(client, ds, nodes));
    }
    return created;
  }

  private static List<String> reconcile(KubernetesClient client, DaemonSet ds, List<Node> nodes) {
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
    int ready = 0;
    for (String node : allowed) {
      Pod pod = podsByNode.get(node);
      if (pod == null) {
        pod = pod(ds, node);
        client.pods().inNamespace(namespace).resource(pod).create();
        created.add(pod.getMetadata().getName());
      }
      if (isReady(pod)) {
        ready++;
      }
    }
    writeStatus(client, ds, allowed.size(), ready);
    return created;
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * The status the real controller writes after a sync (kubernetes, pkg/controller/daemon/daemon_controller.go,
   * updateDaemonSetStatus): desired, current and updated counts, ready and available pods, unavailable = desired -
   * available, and observedGeneration = the generation it acted on. Every pod this controller places runs the
   * current template (it replaces pods only when the placement changes), so updated equals current here.
   */
  private static void writeStatus(KubernetesClient client, DaemonSet ds, int desired, int ready) {
    // The DaemonSet as listed at the start of this sync, so that the status write sends no GET of its own (a
    // test's faults on the DaemonSet's GET are meant for hybridcni). When hybridcni wrote it meanwhile, the update
    // is refused with 409 and the next sync writes the status, as the real controller's next sync would.
    ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(desired)
        .withCurrentNumberScheduled(desired).withUpdatedNumberScheduled(desired).withNumberMisscheduled(0)
        .withNumberReady(ready).withNumberAvailable(ready).withNumberUnavailable(desired - ready)
        .withObservedGeneration(ds.getMetadata().getGeneration()).build());
    try {
      client.apps().daemonSets().resource(ds).updateStatus();
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
        .withLabels(ds.getSpec().getTemplate().getMetadata().getLabels())
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
