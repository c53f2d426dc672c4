package io.hybridcni.status;

import io.hybridcni.observe.Frozen;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.Severity;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The running hybrid network: the scenario it was judged in, every node with its CNI pods, every CNI DaemonSet's
 * rollout, and the problems found. Healthy means no finding above a note.
 */
public record NetworkStatus(Scenario scenario, List<NodeStatus> nodes, List<DaemonSetRollout> daemonSets,
    List<Finding> findings) {

  public NetworkStatus {
    Objects.requireNonNull(scenario, "scenario");
    nodes = Frozen.list(nodes);
    daemonSets = Frozen.list(daemonSets);
    findings = Frozen.list(findings);
  }

  /** Whether nothing is wrong: no warning or blocker. */
  public boolean healthy() {
    return findings.stream().allMatch(f -> f.severity() == Severity.NOTE);
  }

  /**
   * Problems that no wait clears: they need a person (a label to fix, an image the node cannot pull). The others
   * (a pod not yet Ready, Terway not yet on a cloud node right after the addon turned active, a rollout under way,
   * the on-premises CNI still leaving a cloud node) are what a cluster's controllers settle by themselves.
   */
  public static final Set<String> LASTING_PROBLEMS = Set.of("ECS_NODE_WITHOUT_CLOUD_LABEL",
      "ON_PREMISES_NODE_WITH_CLOUD_LABEL", "CNI_IMAGE_PULL_FAILED", "TERWAY_ON_ON_PREMISES_NODE");

  /** The codes of the problems found (warnings and blockers), in order. */
  public List<String> problemCodes() {
    return findings.stream().filter(f -> f.severity() != Severity.NOTE).map(Finding::code).toList();
  }

  /** Whether waiting may make it healthy: it is not, and none of its problems is one of {@link #LASTING_PROBLEMS}. */
  public boolean mayClearWithTime() {
    return !healthy() && problemCodes().stream().noneMatch(LASTING_PROBLEMS::contains);
  }

  /** The nodes with a problem. */
  public List<NodeStatus> nodesWithProblems() {
    return nodes.stream().filter(n -> !n.problems().isEmpty()).toList();
  }
}
