package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
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
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the DaemonSet controller, the scheduler and the kubelet would do, for the mock server that runs none of them:
 * for every DaemonSet, one pod on each node its template's {@code nodeSelector} and required node affinity allow,
 * and none elsewhere. Taints and tolerations are ignored (the sample nodes have none). The node matching is written
 * here on its own, independently of hybridcni's core, so that tests check one against the other.
 *
 * <p>Pods on a node the current template no longer allows are deleted whatever the update strategy, as the real
 * controller's manage loop does (kubernetes {@code pkg/controller/daemon/daemon_controller.go} podsShouldBeOnNode:
 * {@code !shouldContinueRunning && exists} deletes them; NodeShouldRunDaemonPod judges the DaemonSet's current
 * template). A changed pod template rolls out as the real controller's RollingUpdate does (kubernetes
 * {@code pkg/controller/daemon/update.go} rollingUpdate, the {@code maxSurge == 0} branch): each pod carries the
 * {@value #REVISION_LABEL} label of the template it was made from; an old pod that is not available is replaced
 * at once, and the other old pods only while fewer than {@code maxUnavailable} pods are unavailable (new pods not
 * yet available, nodes without a pod, count against it), so new pods that never become Ready stall the rollout.
 * {@code maxUnavailable} is an int or a percent of {@code desiredNumberScheduled} rounded up
 * ({@code intstr.GetScaledValueFromIntOrPercent(..., true)} in {@code pkg/controller/daemon/util}
 * UnavailableCount), default 1, and 0 is taken as 1 (update.go updatedDesiredNodeCounts: "defaulting to accepting
 * unavailability"). With {@code updateStrategy: OnDelete} old pods stay until someone deletes them (update.go does
 * no rolling update for it); a deleted pod is created again from the current template on a node that allows it.
 * After that, the status is written as the real controller's updateDaemonSetStatus computes it:
 * {@code desiredNumberScheduled} (nodes that should run a pod), {@code currentNumberScheduled},
 * {@code updatedNumberScheduled} (pods of the current template), {@code numberReady}, {@code numberAvailable},
 * {@code numberUnavailable} (desired minus available), {@code numberMisscheduled} and {@code observedGeneration}
 * ({@code minReadySeconds} 0: Ready is available). The status is written only when it changed, so that a sync of a
 * settled cluster writes nothing. The real controller creates a replacement in the sync after the deletion; here
 * both happen in one {@link #sync}.
 *
 * <p>An instance ({@link #create()}) is one controller with its kubelets: each {@link #sync} is one sync of every
 * DaemonSet. Pods it creates are Running and Ready at once, unless it was told otherwise for their node:
 * {@link #readyAfterSyncs} (the kubelet reports the container running but not Ready, as while a readiness probe
 * has not passed yet, for so many syncs), {@link #crashLoopingOn} (phase {@code Running}, Ready false, the
 * container waiting with reason {@code CrashLoopBackOff} and its {@code restartCount} growing by one each sync, as
 * kubelet reports a container that keeps exiting: kubernetes {@code pkg/kubelet/images} and
 * {@code pkg/kubelet/kuberuntime} name the waiting reasons CrashLoopBackOff, ErrImagePull, ImagePullBackOff) or
 * {@link #failingImagePullOn} (phase {@code Pending}, waiting with {@code ErrImagePull}, then
 * {@code ImagePullBackOff}). Only pods it creates behave so: those already there (of the template before the
 * change) keep their status, which is what "the new template's pods fail" looks like on a real cluster.
 *
 * <p>The static {@link #reconcile(KubernetesClient)} and {@link #step(KubernetesClient, int)} are the older
 * shortcuts: every pod Ready at once, and old pods replaced regardless of {@code maxUnavailable} (all of them, or
 * at most so many per DaemonSet), for tests that only need a settled cluster.
 */
public final class DaemonSetController {

  /** The label that names the template revision a pod was made from. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  /** How a pod this controller creates on a given node behaves. */
  private enum Trouble { CRASH_LOOP, IMAGE_PULL }

  /** Replaced pods per DaemonSet and sync in the static shortcuts; {@code -1} in an instance (maxUnavailable). */
  private final int legacyBudget;
  private final Map<String, Integer> readyAfter = new HashMap<>();
  private final Map<String, Trouble> trouble = new HashMap<>();
  /** The sync at which this controller created a pod, by the pod's uid (or name when the mock gives no uid). */
  private final Map<String, Integer> createdAt = new HashMap<>();
  private int syncs;

  private DaemonSetController(int legacyBudget) {
    this.legacyBudget = legacyBudget;
  }

  /** A controller honouring each DaemonSet's {@code maxUnavailable}, whose pods are Ready at once. */
  public static DaemonSetController create() {
    return new DaemonSetController(-1);
  }

  /**
   * Pods this controller creates on {@code nodes} run but are not Ready until {@code syncs} syncs after their
   * creation (their container started; its readiness probe has not passed yet).
   */
  public DaemonSetController readyAfterSyncs(int syncs, String... nodes) {
    if (syncs < 0) {
      throw new IllegalArgumentException("syncs must not be negative, found " + syncs);
    }
    for (String node : nodes) {
      readyAfter.put(node, syncs);
    }
    return this;
  }

  /** Pods this controller creates on {@code nodes} crash-loop: Running, never Ready, restarts growing. */
  public DaemonSetController crashLoopingOn(String... nodes) {
    for (String node : nodes) {
      trouble.put(node, Trouble.CRASH_LOOP);
    }
    return this;
  }

  /** Pods this controller creates on {@code nodes} cannot pull their image: Pending, never Ready. */
  public DaemonSetController failingImagePullOn(String... nodes) {
    for (String node : nodes) {
      trouble.put(node, Trouble.IMAGE_PULL);
    }
    return this;
  }

  /** How many syncs this controller has run. */
  public int syncs() {
    return syncs;
  }

  /**
   * One sync of every DaemonSet: the kubelets report the status of the pods this controller created, pods are
   * created and deleted as the placement wants, a rolling update replaces what {@code maxUnavailable} allows, and
   * the status is written. Answers the names of the pods it created.
   */
  public List<String> sync(KubernetesClient client) {
    syncs++;
    List<Node> nodes = client.nodes().list().getItems();
    List<String> created = new ArrayList<>();
    for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
      created.addAll(reconcile(client, ds, nodes));
    }
    return created;
  }

  /**
   * Brings the pods of every DaemonSet in line with its placement and template, and writes its status; answers the
   * names of the pods it created.
   */
  public static List<String> reconcile(KubernetesClient client) {
    return step(client, Integer.MAX_VALUE);
  }

  /**
   * As {@link #reconcile(KubernetesClient)}, but replaces at most {@code maxReplaced} pods of an older template per
   * DaemonSet, whatever their readiness, so that a rollout takes several steps and its status shows it in progress.
   */
  public static List<String> step(KubernetesClient client, int maxReplaced) {
    return new DaemonSetController(Math.max(maxReplaced, 0)).sync(client);
  }

  /** The revision of a DaemonSet's current pod template, as its pods' {@value #REVISION_LABEL} label says it. */
  public static String revision(DaemonSet ds) {
    String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(ds.getSpec().getTemplate());
    return Integer.toString(Math.floorMod(json.hashCode(), 60466176), 36);
  }

  private List<String> reconcile(KubernetesClient client, DaemonSet ds, List<Node> nodes) {
    String namespace = ds.getMetadata().getNamespace();
    PodSpec template = ds.getSpec().getTemplate().getSpec();
    Map<String, Pod> podsByNode = new TreeMap<>();
    for (Pod pod : client.pods().inNamespace(namespace).withLabels(ds.getSpec().getSelector().getMatchLabels())
        .list().getItems()) {
      boolean owned = pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences()
          .stream().anyMatch(o -> "DaemonSet".equals(o.getKind()) && ds.getMetadata().getName().equals(o.getName()));
      if (owned && pod.getSpec().getNodeName() != null) {
        podsByNode.put(pod.getSpec().getNodeName(), kubelet(client, pod));
      }
    }
    List<String> created = new ArrayList<>();
    Set<String> allowed = new TreeSet<>();
    for (Node node : nodes) {
      if (schedulable(template, node)) {
        allowed.add(node.getMetadata().getName());
      }
    }
    for (Map.Entry<String, Pod> e : List.copyOf(podsByNode.entrySet())) {
      if (!allowed.contains(e.getKey())) {
        client.pods().inNamespace(namespace).withName(e.getValue().getMetadata().getName()).delete();
        podsByNode.remove(e.getKey());
      }
    }
    String revision = revision(ds);
    boolean onDelete = ds.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
    if (!onDelete) {
      for (String node : toReplace(ds, allowed, podsByNode, revision)) {
        client.pods().inNamespace(namespace).withName(podsByNode.get(node).getMetadata().getName()).delete();
        podsByNode.remove(node);
      }
    }
    for (String node : allowed) {
      if (!podsByNode.containsKey(node)) {
        Pod pod = client.pods().inNamespace(namespace).resource(newPod(ds, node)).create();
        createdAt.put(key(pod), syncs);
        podsByNode.put(node, pod);
        created.add(pod.getMetadata().getName());
      }
    }
    writeStatus(client, ds, allowed, podsByNode, revision);
    return created;
  }

  /** The nodes whose old pod this sync replaces. */
  private List<String> toReplace(DaemonSet ds, Set<String> allowed, Map<String, Pod> podsByNode, String revision) {
    List<String> replace = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    int unavailable = 0;
    for (String node : allowed) {
      Pod pod = podsByNode.get(node);
      if (pod == null) {
        unavailable++; // the manage loop creates it; until then the node counts as unavailable
      } else if (revision.equals(revisionOf(pod))) {
        if (!isReady(pod)) {
          unavailable++;
        }
      } else if (legacyBudget < 0 && !isReady(pod)) {
        replace.add(node); // an old pod that is not available is replaced whatever maxUnavailable says
      } else {
        candidates.add(node);
      }
    }
    int budget = legacyBudget >= 0 ? legacyBudget
        : Math.max(maxUnavailable(ds, allowed.size()) - unavailable, 0);
    replace.addAll(candidates.subList(0, Math.min(budget, candidates.size())));
    return replace;
  }

  /**
   * The DaemonSet's {@code rollingUpdate.maxUnavailable} against {@code desired} pods: an int, or a percent rounded
   * up; absent is 1 (the API's default), and 0 is taken as 1.
   */
  public static int maxUnavailable(DaemonSet ds, int desired) {
    IntOrString value = ds.getSpec().getUpdateStrategy() == null
        || ds.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
        : ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
    int max;
    if (value == null) {
      max = 1;
    } else if (value.getIntVal() != null) {
      max = value.getIntVal();
    } else {
      String s = value.getStrVal();
      if (s == null || !s.endsWith("%")) {
        throw new IllegalArgumentException("maxUnavailable must be an int or a percent, found " + s);
      }
      max = (int) Math.ceil(Integer.parseInt(s.substring(0, s.length() - 1)) * desired / 100.0);
    }
    return desired > 0 && max == 0 ? 1 : max;
  }

  /** The pod as its kubelet reports it in this sync: pods this controller made on troubled nodes, updated. */
  private Pod kubelet(KubernetesClient client, Pod pod) {
    Integer born = createdAt.get(key(pod));
    if (born == null) {
      return pod;
    }
    int age = syncs - born;
    String node = pod.getSpec().getNodeName();
    PodStatus before = pod.getStatus();
    PodStatus now = status(pod, node, age, restarts(pod));
    if (now.equals(before)) {
      return pod;
    }
    pod.setStatus(now);
    return client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
  }

  private static int restarts(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? 0
        : pod.getStatus().getContainerStatuses().stream().mapToInt(c -> c.getRestartCount() == null ? 0
            : c.getRestartCount()).max().orElse(0);
  }

  /** The status the kubelet reports for a pod this controller created {@code age} syncs ago. */
  private PodStatus status(Pod pod, String node, int age, int restartsBefore) {
    Trouble t = trouble.get(node);
    String container = pod.getSpec().getContainers().get(0).getName();
    String image = pod.getSpec().getContainers().get(0).getImage();
    if (t == Trouble.CRASH_LOOP) {
      // The container keeps exiting; kubelet restarts it with a growing back-off and says CrashLoopBackOff.
      int restarts = age == 0 ? 0 : restartsBefore + 1;
      return new PodStatusBuilder().withPhase("Running")
          .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady").endCondition()
          .addNewContainerStatus().withName(container).withImage(image).withReady(false).withStarted(false)
          .withRestartCount(restarts)
          .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
          .withMessage("back-off restarting failed container " + container + " in pod "
              + pod.getMetadata().getName())
          .endWaiting().endState()
          .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated()
          .endLastState()
          .endContainerStatus().build();
    }
    if (t == Trouble.IMAGE_PULL) {
      return new PodStatusBuilder().withPhase("Pending")
          .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady").endCondition()
          .addNewContainerStatus().withName(container).withImage(image).withReady(false).withStarted(false)
          .withRestartCount(0)
          .withNewState().withNewWaiting().withReason(age == 0 ? "ErrImagePull" : "ImagePullBackOff")
          .withMessage(age == 0 ? "failed to pull image \"" + image + "\""
              : "Back-off pulling image \"" + image + "\"")
          .endWaiting().endState()
          .endContainerStatus().build();
    }
    boolean ready = age >= readyAfter.getOrDefault(node, 0);
    return runningStatus(container, image, ready);
  }

  private static PodStatus runningStatus(String container, String image, boolean ready) {
    return new PodStatusBuilder().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
        .withReason(ready ? null : "ContainersNotReady").endCondition()
        .addNewContainerStatus().withName(container).withImage(image).withReady(ready).withStarted(true)
        .withRestartCount(0).withNewState().withNewRunning().endRunning().endState()
        .endContainerStatus().build();
  }

  private Pod newPod(DaemonSet ds, String node) {
    Pod pod = pod(ds, node);
    if (legacyBudget < 0) {
      pod.setStatus(status(pod, node, 0, 0));
    }
    return pod;
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getUid() != null ? pod.getMetadata().getUid()
        : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
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
