package io.hybridcni.status;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import io.hybridcni.planner.NodeClassifier;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges the running network node by node. Pure: the observation in, the status out.
 *
 * <p>Every scenario: an ECS node without the cloud label (it keeps the on-premises CNI and never gets Terway), an
 * on-premises node that carries the cloud label, a node running two CNIs, an on-premises node without a CNI pod
 * (except in the host-network scenario, where on-premises pods use the host's network), a CNI pod that is not
 * Running and Ready (an image that cannot be pulled is named as such, with the image), a DaemonSet whose rollout
 * is not done. BGP and host network: a cloud node without a Terway pod, or whose Terway pod is not Ready; a Terway
 * pod on an on-premises node; in BGP, the on-premises CNI on a cloud node. Overlay: a cloud node whose overlay CNI
 * pod is missing or not Running and Ready (the runbook's one requirement there is that cloud nodes can pull the
 * CNI's images).
 */
public final class StatusAnalyzer {

  /** How many nodes a finding's message names before it only counts them. */
  static final int NODES_NAMED = 5;
  /** How many evidence lines a finding keeps. */
  static final int EVIDENCE_KEPT = 50;

  private final NodeClassifier classifier;
  private final NodeLabel cloudLabel;

  public StatusAnalyzer(NodeLabel cloudLabel) {
    this.cloudLabel = cloudLabel;
    this.classifier = new NodeClassifier(cloudLabel);
  }

  public NetworkStatus analyze(Scenario scenario, NetworkObservation observation) {
    Map<String, List<CniPod>> podsByNode = new LinkedHashMap<>();
    for (CniPod pod : observation.pods()) {
      if (pod.node() != null) {
        podsByNode.computeIfAbsent(pod.node(), k -> new ArrayList<>()).add(pod);
      }
    }
    Problems problems = new Problems();
    List<NodeStatus> nodes = new ArrayList<>();
    for (NodeInfo node : observation.nodes()) {
      List<CniPod> pods = podsByNode.getOrDefault(node.name(), List.of());
      boolean cloud = classifier.cloud(node);
      List<String> codes = judge(scenario, node, cloud, pods, problems);
      nodes.add(new NodeStatus(node.name(), cloud, why(node, cloud), pods, codes));
    }
    for (DaemonSetRollout ds : observation.daemonSets()) {
      if (!ds.complete()) {
        problems.add("DAEMONSET_ROLLOUT_INCOMPLETE", ds.ref().namespace() + "/" + ds.ref().name(),
            "DaemonSet " + ds.ref().namespace() + "/" + ds.ref().name() + ": " + ds.updated() + "/" + ds.desired()
                + " updated, " + ds.ready() + " ready, " + ds.unavailable() + " unavailable, generation "
                + ds.generation() + " observed " + ds.observedGeneration() + " (" + ds.updateStrategy() + ")");
      }
    }
    return new NetworkStatus(scenario, nodes, observation.daemonSets(), problems.findings());
  }

  private String why(NodeInfo node, boolean cloud) {
    String label = classifier.labelledCloud(node) ? "label " + cloudLabel : "no label " + cloudLabel;
    String provider = node.providerId() == null ? "no providerID"
        : (NodeClassifier.ecsProviderId(node.providerId()) ? "ECS providerID " : "providerID ")
            + node.providerId();
    return (cloud ? "cloud: " : "on-premises: ") + label + ", " + provider;
  }

  private List<String> judge(Scenario scenario, NodeInfo node, boolean cloud, List<CniPod> pods,
      Problems problems) {
    Set<String> codes = new LinkedHashSet<>();
    String name = node.name();
    boolean labelled = classifier.labelledCloud(node);
    boolean ecs = NodeClassifier.ecsProviderId(node.providerId());
    if (ecs && !labelled) {
      codes.add(problems.add("ECS_NODE_WITHOUT_CLOUD_LABEL", name, name + ": ECS providerID "
          + node.providerId() + " but no label " + cloudLabel));
    }
    if (labelled && !ecs) {
      codes.add(problems.add("ON_PREMISES_NODE_WITH_CLOUD_LABEL", name, name + ": label " + cloudLabel + " but "
          + (node.providerId() == null ? "no providerID" : "providerID " + node.providerId())));
    }
    Set<Cni> cnis = new LinkedHashSet<>();
    pods.forEach(p -> cnis.add(p.cni()));
    if (cnis.size() > 1) {
      codes.add(problems.add("NODE_RUNS_TWO_CNIS", name, name + ": " + String.join(", ",
          pods.stream().map(p -> p.cni().label() + " " + p.name()).toList())));
    }
    List<CniPod> terway = pods.stream().filter(p -> p.cni().equals(Cni.TERWAY)).toList();
    List<CniPod> onPremisesCni = pods.stream().filter(p -> !p.cni().equals(Cni.TERWAY)).toList();
    boolean terwayScenario = scenario == Scenario.BGP || scenario == Scenario.HOST_NETWORK;
    if (cloud && terwayScenario) {
      if (terway.isEmpty()) {
        codes.add(problems.add("CLOUD_NODE_WITHOUT_TERWAY", name, name + ": no Terway pod"));
      }
      terway.stream().filter(p -> !p.healthy())
          .forEach(p -> codes.add(unhealthy(problems, "TERWAY_NOT_READY", name, p)));
      if (scenario == Scenario.BGP) {
        onPremisesCni.forEach(p -> codes.add(problems.add("ON_PREMISES_CNI_ON_CLOUD_NODE", name,
            name + ": " + p.cni().label() + " pod " + p.name() + " (" + p.describe() + ")")));
      }
    } else if (cloud && scenario == Scenario.OVERLAY) {
      if (onPremisesCni.isEmpty()) {
        codes.add(problems.add("CLOUD_NODE_WITHOUT_OVERLAY_CNI", name, name + ": no pod of the overlay CNI"));
      }
      onPremisesCni.stream().filter(p -> !p.healthy())
          .forEach(p -> codes.add(unhealthy(problems, "OVERLAY_CNI_NOT_READY_ON_CLOUD_NODE", name, p)));
    } else if (!cloud) {
      if (!terway.isEmpty()) {
        codes.add(problems.add("TERWAY_ON_ON_PREMISES_NODE", name, name + ": Terway pod "
            + terway.get(0).name()));
      }
      if (onPremisesCni.isEmpty() && scenario != Scenario.HOST_NETWORK) {
        codes.add(problems.add("ON_PREMISES_NODE_WITHOUT_CNI", name, name + ": no CNI pod"));
      }
      onPremisesCni.stream().filter(p -> !p.healthy())
          .forEach(p -> codes.add(unhealthy(problems, "ON_PREMISES_CNI_NOT_READY", name, p)));
    }
    return List.copyOf(codes);
  }

  /** A pod that is not Running and Ready; an image pull failure is its own problem, naming the image. */
  private static String unhealthy(Problems problems, String code, String node, CniPod pod) {
    if (pod.imagePullFailed()) {
      return problems.add("CNI_IMAGE_PULL_FAILED", node, node + ": " + pod.cni().label() + " pod " + pod.name()
          + " cannot pull " + pod.waitingImage() + " (" + pod.waitingReason() + ")");
    }
    return problems.add(code, node, node + ": " + pod.cni().label() + " pod " + pod.name() + " is "
        + pod.describe());
  }

  /** The problems found, one finding per code, in the order first found. */
  private static final class Problems {
    private final Map<String, Set<String>> subjects = new LinkedHashMap<>();
    private final Map<String, List<String>> evidence = new LinkedHashMap<>();

    String add(String code, String subject, String line) {
      subjects.computeIfAbsent(code, k -> new LinkedHashSet<>()).add(subject);
      List<String> lines = evidence.computeIfAbsent(code, k -> new ArrayList<>());
      if (lines.size() < EVIDENCE_KEPT) {
        lines.add(line);
      }
      return code;
    }

    List<Finding> findings() {
      List<Finding> findings = new ArrayList<>();
      subjects.forEach((code, names) -> findings.add(Finding.warning(code, message(code, names),
          evidence.get(code))));
      return findings;
    }

    private static String message(String code, Set<String> names) {
      List<String> list = new ArrayList<>(names);
      String named = String.join(", ", list.subList(0, Math.min(NODES_NAMED, list.size())))
          + (list.size() > NODES_NAMED ? " and " + (list.size() - NODES_NAMED) + " more" : "");
      return switch (code) {
        case "ECS_NODE_WITHOUT_CLOUD_LABEL" -> "ECS node(s) " + named + " lack the cloud label: they keep the "
            + "on-premises CNI and never get Terway. Label them with the spec's network.cloudNodeLabel.";
        case "ON_PREMISES_NODE_WITH_CLOUD_LABEL" -> "Node(s) " + named + " carry the cloud label but are not ECS "
            + "instances: hybridcni treats them as on-premises. Remove the label if they are.";
        case "NODE_RUNS_TWO_CNIS" -> "Node(s) " + named + " run pods of two CNIs; each node must run one.";
        case "CLOUD_NODE_WITHOUT_TERWAY" -> "Cloud node(s) " + named + " run no Terway pod: their pods have no "
            + "network. Check that the terway-eniip addon is active and its DaemonSet schedules there.";
        case "TERWAY_NOT_READY" -> "Terway is not Running and Ready on cloud node(s) " + named + ".";
        case "ON_PREMISES_CNI_ON_CLOUD_NODE" -> "The on-premises CNI still runs on cloud node(s) " + named
            + " (BGP scenario): the exclusion has not reached them (an OnDelete DaemonSet keeps its old pods "
            + "until they are deleted).";
        case "CLOUD_NODE_WITHOUT_OVERLAY_CNI" -> "Cloud node(s) " + named + " run no pod of the overlay CNI: "
            + "their pods have no network.";
        case "OVERLAY_CNI_NOT_READY_ON_CLOUD_NODE" -> "The overlay CNI is not Running and Ready on cloud node(s) "
            + named + ".";
        case "CNI_IMAGE_PULL_FAILED" -> "Node(s) " + named + " cannot pull a CNI image: cloud nodes must be able to "
            + "reach the CNI's image registry (the runbook's one requirement in the overlay scenario).";
        case "TERWAY_ON_ON_PREMISES_NODE" -> "Terway runs on on-premises node(s) " + named + "; it must run only "
            + "on cloud nodes.";
        case "ON_PREMISES_NODE_WITHOUT_CNI" -> "On-premises node(s) " + named + " run no CNI pod.";
        case "ON_PREMISES_CNI_NOT_READY" -> "The CNI is not Running and Ready on on-premises node(s) " + named
            + ".";
        case "DAEMONSET_ROLLOUT_INCOMPLETE" -> "The rollout of DaemonSet(s) " + named + " is not complete.";
        default -> code + ": " + named;
      };
    }
  }
}
