package io.hybridcni.status;

import io.hybridcni.detect.Scenario;
import io.hybridcni.observe.Frozen;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Severity;
import java.util.List;
import java.util.Objects;

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

  /** The nodes with a problem. */
  public List<NodeStatus> nodesWithProblems() {
    return nodes.stream().filter(n -> !n.problems().isEmpty()).toList();
  }
}
