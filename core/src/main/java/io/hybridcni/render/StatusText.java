package io.hybridcni.render;

import io.hybridcni.plan.Finding;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.DaemonSetRollout;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.NodeStatus;
import io.hybridcni.text.Printable;
import java.util.ArrayList;
import java.util.List;

/** The status of the running network for people: a table of nodes, one of DaemonSets, then the problems. */
public final class StatusText {

  private StatusText() {}

  public static String render(NetworkStatus status) {
    StringBuilder out = new StringBuilder();
    out.append("Scenario ").append(status.scenario()).append(": ").append(status.nodes().size())
        .append(" node(s), ").append(status.nodesWithProblems().size()).append(" with problems\n\n");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NODE", "ROLE", "CNI PODS", "PROBLEMS", "WHY"});
    for (NodeStatus node : status.nodes()) {
      List<String> pods = node.pods().stream().map(StatusText::pod).toList();
      rows.add(new String[] {node.name(), node.cloud() ? "cloud" : "on-premises",
          pods.isEmpty() ? "-" : String.join("; ", pods),
          node.problems().isEmpty() ? "-" : String.join(", ", node.problems()), node.why()});
    }
    table(out, rows);
    if (!status.daemonSets().isEmpty()) {
      out.append('\n');
      List<String[]> ds = new ArrayList<>();
      ds.add(new String[] {"DAEMONSET", "CNI", "STRATEGY", "DESIRED", "UPDATED", "READY", "UNAVAILABLE",
          "ROLLOUT"});
      for (DaemonSetRollout d : status.daemonSets()) {
        ds.add(new String[] {d.ref().namespace() + "/" + d.ref().name(), d.cni().label(),
            d.updateStrategy() == null ? "-" : d.updateStrategy(), Integer.toString(d.desired()),
            Integer.toString(d.updated()), Integer.toString(d.ready()), Integer.toString(d.unavailable()),
            d.complete() ? "complete" : "in progress"});
      }
      table(out, ds);
    }
    out.append('\n');
    if (status.healthy()) {
      out.append("Healthy: every node runs the CNI it should, Running and Ready.\n");
    }
    for (Finding f : status.findings()) {
      out.append(f.severity().name().charAt(0)).append(f.severity().name().substring(1).toLowerCase(
          java.util.Locale.ROOT)).append(": ").append(f.code()).append('\n');
      out.append("  ").append(Printable.escape(f.message())).append('\n');
      for (String e : f.evidence()) {
        out.append("    - ").append(Printable.escape(e)).append('\n');
      }
    }
    return out.toString();
  }

  private static String pod(CniPod p) {
    return p.cni().label() + " " + (p.healthy() ? "Ready" : p.phase() == null ? "no phase"
        : p.phase() + (p.ready() ? "" : "/NotReady")) + (p.waitingReason() == null ? "" : " " + p.waitingReason())
        + (p.restarts() > 0 ? " (" + p.restarts() + " restarts)" : "");
  }

  private static void table(StringBuilder out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        row[i] = Printable.escape(row[i]);
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
