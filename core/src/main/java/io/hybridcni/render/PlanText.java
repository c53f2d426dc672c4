package io.hybridcni.render;

import io.hybridcni.plan.Action;
import io.hybridcni.plan.FieldChange;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.Severity;
import io.hybridcni.text.Printable;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The plan for people, in Terraform's manner: findings first, then one block per action with {@code +}, {@code ~},
 * {@code -} (or {@code <=} for a wait) and the before/after of each changed field, then a closing summary line.
 * An empty plan says {@code No changes.} and why. A destroy plan renders the same way: its actions are {@code -}
 * (waits {@code <=}) and count as "to destroy". Colors are added only when asked for.
 */
public final class PlanText {

  private final boolean color;

  private PlanText(boolean color) {
    this.color = color;
  }

  /** A renderer without colors. */
  public static PlanText plain() {
    return new PlanText(false);
  }

  /** A renderer with ANSI colors, for terminals. */
  public static PlanText colored() {
    return new PlanText(true);
  }

  public String render(Plan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Cluster ").append(esc(plan.clusterId())).append(": ").append(scenarioLine(plan)).append('\n');
    for (String e : plan.scenario().evidence()) {
      out.append("  - ").append(esc(e)).append('\n');
    }
    if (!plan.findings().isEmpty()) {
      out.append('\n');
      for (Finding f : plan.findings()) {
        finding(out, f);
      }
    }
    if (plan.actions().isEmpty()) {
      blankLine(out);
      if (plan.hasBlockers()) {
        out.append(paint("Plan blocked: ", "1;31")).append(blockers(plan)).append(" and nothing can be planned ")
            .append("until it is resolved.\n");
      } else {
        out.append(paint("No changes.", "1;32")).append(' ').append(whyNoChanges(plan)).append('\n');
      }
      return out.toString();
    }
    blankLine(out);
    out.append("hybridcni will perform the following actions:\n");
    for (Action a : plan.actions()) {
      action(out, a);
    }
    Plan.Summary s = plan.summary();
    out.append('\n').append(paint("Plan:", "1")).append(' ').append(s.add()).append(" to add, ").append(s.change())
        .append(" to change, ").append(s.destroy()).append(" to destroy");
    int waits = s.total() - s.add() - s.change() - s.destroy();
    if (waits > 0) {
      out.append(", ").append(waits).append(" to wait for");
    }
    out.append(".\n");
    if (plan.hasBlockers()) {
      out.append(paint("Plan blocked: ", "1;31")).append(blockers(plan))
          .append(" must be resolved before this plan can be applied.\n");
    }
    return out.toString();
  }

  /** Ends the text with exactly one empty line. */
  private static void blankLine(StringBuilder out) {
    while (out.length() >= 2 && out.charAt(out.length() - 1) == '\n' && out.charAt(out.length() - 2) == '\n') {
      out.setLength(out.length() - 1);
    }
    out.append('\n');
  }

  private static String blockers(Plan plan) {
    int n = plan.blockers().size();
    return n + (n == 1 ? " blocker" : " blockers");
  }

  private static String scenarioLine(Plan plan) {
    return "scenario " + plan.scenario().scenario() + " (" + esc(plan.scenario().source()) + ": "
        + esc(plan.scenario().summary()) + ")";
  }

  private static String whyNoChanges(Plan plan) {
    if (plan.destroy()) {
      return "Nothing hybridcni manages is left to destroy: no addon, CNI exclusion, Secret, AccessKey, RAM user "
          + "or policy of hybridcni's.";
    }
    switch (plan.scenario().scenario()) {
      case OVERLAY:
        return "Cloud nodes use the on-premises overlay; hybridcni has nothing to install.";
      case BGP:
        return "RAM grant, Secret, Calico exclusion and the addon all match the spec.";
      case HOST_NETWORK:
        return "RAM grant, Secret and the addon all match the spec.";
      default:
        return "Nothing to do.";
    }
  }

  private void finding(StringBuilder out, Finding f) {
    String label = switch (f.severity()) {
      case BLOCKER -> paint("Blocker", "1;31");
      case WARNING -> paint("Warning", "1;33");
      case NOTE -> paint("Note", "1;36");
    };
    out.append(label).append(": ").append(esc(f.code())).append('\n');
    out.append("  ").append(esc(f.message())).append('\n');
    for (String e : f.evidence()) {
      out.append("    - ").append(esc(e)).append('\n');
    }
    if (f.severity() != Severity.NOTE || !f.evidence().isEmpty()) {
      out.append('\n');
    }
  }

  private void action(StringBuilder out, Action a) {
    String symbol = a.change().symbol();
    String code = switch (a.change()) {
      case CREATE -> "32";
      case UPDATE -> "33";
      case DELETE -> "31";
      case WAIT -> "36";
    };
    out.append('\n');
    out.append("  # ").append(esc(a.address())).append(' ').append(a.change().phrase()).append('\n');
    out.append("  # (").append(esc(a.reason())).append(")\n");
    out.append("  ").append(paint(symbol, code)).append(' ').append(a.kind().name().toLowerCase(Locale.ROOT))
        .append(" \"").append(esc(a.id())).append("\" {\n");
    if (!a.dependsOn().isEmpty()) {
      out.append("      depends_on = ").append(esc(a.dependsOn().toString())).append('\n');
    }
    for (FieldChange c : a.changes()) {
      change(out, c);
    }
    out.append("    }\n");
  }

  private void change(StringBuilder out, FieldChange c) {
    String indent = "      ";
    if (c.before() == null && c.after() != null) {
      out.append(indent).append(paint("+", "32")).append(' ').append(esc(c.path())).append(" = ")
          .append(value(c.after(), indent + "    ")).append('\n');
    } else if (c.after() == null && c.before() != null) {
      out.append(indent).append(paint("-", "31")).append(' ').append(esc(c.path())).append(" = ")
          .append(value(c.before(), indent + "    ")).append('\n');
    } else if (c.before() != null && isScalar(c.before()) && isScalar(c.after())) {
      out.append(indent).append(paint("~", "33")).append(' ').append(esc(c.path())).append(" = ")
          .append(value(c.before(), "")).append(" -> ").append(value(c.after(), "")).append('\n');
    } else if (c.before() != null) {
      out.append(indent).append(paint("~", "33")).append(' ').append(esc(c.path())).append('\n');
      out.append(indent).append("    ").append(paint("-", "31")).append(' ')
          .append(value(c.before(), indent + "      ")).append('\n');
      out.append(indent).append("    ").append(paint("+", "32")).append(' ')
          .append(value(c.after(), indent + "      ")).append('\n');
    }
  }

  private static boolean isScalar(JsonNode node) {
    return node != null && node.isValueNode();
  }

  /** A value: strings quoted, structures as indented JSON. */
  private static String value(JsonNode node, String indent) {
    if (node.isString()) {
      String text = esc(node.asString());
      return text.startsWith("(") && text.endsWith(")") ? text : "\"" + text + "\"";
    }
    if (node.isValueNode()) {
      return esc(node.toString());
    }
    // JSON escapes C0 controls in strings itself; the rest (DEL, C1, bidi) is escaped here, line breaks kept.
    String pretty = Printable.escapeKeepingLines(PlanJson.MAPPER.writeValueAsString(node));
    return pretty.replace("\n", "\n" + indent);
  }

  /**
   * Every value that came from a spec, a cluster or a cloud goes through here: escaped, a control character or an ANSI
   * sequence in it cannot recolor, hide or rewrite the plan the user reads. Only {@link #paint} writes escapes.
   */
  private static String esc(String value) {
    return Printable.escape(value);
  }

  private String paint(String text, String ansi) {
    return color ? "\u001b[" + ansi + "m" + text + "\u001b[0m" : text;
  }
}
