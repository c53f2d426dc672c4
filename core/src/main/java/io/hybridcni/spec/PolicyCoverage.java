package io.hybridcni.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Whether one RAM policy document grants everything another grants: every request (action, resource, context) the
 * other allows, this one allows too. RAM evaluates a request as "an explicit Deny wins, else an Allow that matches
 * allows, else denied" (RAM's "Policy evaluation process"), so a sufficient condition is: every Allow statement of
 * the other is covered by Allow statements of this one, and every Deny statement of this one is also a Deny
 * statement of the other (it then denies nothing the other still allows).
 *
 * <p>The comparison is conservative: it answers {@code true} only when it can prove the superset. It compares
 * action patterns with RAM's {@code *} and {@code ?} wildcards (action names ignore case, as RAM's do), resources
 * exactly or against {@code *} and trailing-{@code *} prefixes, and conditions only by equality: an Allow statement
 * of this one covers a conditional one of the other only when it has no Condition or exactly the same one. A
 * {@code NotAction} statement of the other is covered only by an unconditional {@code Action "*"} or a
 * {@code NotAction} statement that leaves out no more than it does.
 */
final class PolicyCoverage {

  private PolicyCoverage() {}

  /** One statement, parsed: effect, whether the actions are a NotAction list, actions, resources, condition. */
  private record Statement(boolean allow, boolean notAction, List<String> actions, List<String> resources,
      String condition) {}

  /** Whether {@code wider} grants everything {@code narrower} grants; both are valid documents. */
  static boolean grantsAllOf(JsonNode wider, JsonNode narrower, java.util.function.Function<JsonNode, String> canon) {
    List<Statement> w = statements(wider, canon);
    List<Statement> n = statements(narrower, canon);
    for (Statement deny : w) {
      if (!deny.allow() && n.stream().noneMatch(other -> !other.allow() && sameStatement(deny, other))) {
        return false;
      }
    }
    for (Statement allow : n) {
      if (allow.allow() && !covered(allow, w)) {
        return false;
      }
    }
    return true;
  }

  private static boolean covered(Statement wanted, List<Statement> wider) {
    List<Statement> candidates = wider.stream().filter(Statement::allow)
        .filter(s -> s.condition().isEmpty() || s.condition().equals(wanted.condition()))
        .filter(s -> resourcesCover(s.resources(), wanted.resources()))
        .toList();
    if (wanted.notAction()) {
      // Everything but the listed actions: only "everything" or "everything but fewer" covers it.
      return candidates.stream().anyMatch(s -> s.notAction()
          ? s.actions().stream().allMatch(excluded -> wanted.actions().stream()
              .anyMatch(mine -> mine.equalsIgnoreCase(excluded)))
          : s.actions().contains("*"));
    }
    for (String action : wanted.actions()) {
      boolean one = candidates.stream().anyMatch(s -> s.notAction()
          ? !hasWildcard(action) && s.actions().stream().noneMatch(excluded -> matches(excluded, action, true))
          : s.actions().stream().anyMatch(pattern -> patternCovers(pattern, action, true)));
      if (!one) {
        return false;
      }
    }
    return true;
  }

  /** Every resource pattern of {@code wanted} is covered by one of {@code wider} (resources are case-sensitive). */
  private static boolean resourcesCover(List<String> wider, List<String> wanted) {
    return wanted.stream().allMatch(r -> wider.stream().anyMatch(p -> patternCovers(p, r, false)));
  }

  /**
   * Whether every string {@code inner} matches is matched by {@code outer}: provable when {@code outer} is
   * {@code *}, equal to {@code inner}, matches the literal {@code inner}, or is a literal prefix followed by one
   * trailing {@code *} that {@code inner}'s own literal start begins with.
   */
  static boolean patternCovers(String outer, String inner, boolean ignoreCase) {
    if (outer.equals("*")) {
      return true;
    }
    if (ignoreCase ? outer.equalsIgnoreCase(inner) : outer.equals(inner)) {
      return true;
    }
    if (!hasWildcard(inner)) {
      return matches(outer, inner, ignoreCase);
    }
    int star = outer.indexOf('*');
    if (star == outer.length() - 1 && !hasWildcard(outer.substring(0, star))) {
      String prefix = outer.substring(0, star);
      if (inner.length() < prefix.length() || hasWildcard(inner.substring(0, prefix.length()))) {
        return false;
      }
      String start = inner.substring(0, prefix.length());
      return ignoreCase ? start.equalsIgnoreCase(prefix) : start.equals(prefix);
    }
    return false;
  }

  private static boolean hasWildcard(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
  }

  /** Whether the literal {@code value} matches {@code pattern} with RAM's {@code *} and {@code ?}. */
  static boolean matches(String pattern, String value, boolean ignoreCase) {
    String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
    String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
    return matches(p, 0, v, 0);
  }

  private static boolean matches(String p, int pi, String v, int vi) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        for (int k = vi; k <= v.length(); k++) {
          if (matches(p, pi + 1, v, k)) {
            return true;
          }
        }
        return false;
      }
      if (vi >= v.length() || (c != '?' && c != v.charAt(vi))) {
        return false;
      }
      pi++;
      vi++;
    }
    return vi == v.length();
  }

  private static boolean sameStatement(Statement a, Statement b) {
    return a.notAction() == b.notAction() && a.condition().equals(b.condition())
        && lower(a.actions()).equals(lower(b.actions())) && new TreeSet<>(a.resources())
        .equals(new TreeSet<>(b.resources()));
  }

  private static Set<String> lower(List<String> actions) {
    Set<String> result = new TreeSet<>();
    actions.forEach(a -> result.add(a.toLowerCase(Locale.ROOT)));
    return result;
  }

  private static List<Statement> statements(JsonNode root, java.util.function.Function<JsonNode, String> canon) {
    List<Statement> result = new ArrayList<>();
    for (JsonNode s : root.get("Statement")) {
      boolean not = s.has("NotAction");
      JsonNode condition = s.get("Condition");
      result.add(new Statement("Allow".equals(s.get("Effect").asString()), not,
          strings(s.get(not ? "NotAction" : "Action")), strings(s.get("Resource")),
          condition == null ? "" : canon.apply(condition)));
    }
    return result;
  }

  private static List<String> strings(JsonNode node) {
    List<String> result = new ArrayList<>();
    if (node.isString()) {
      result.add(node.asString());
    } else {
      node.forEach(n -> result.add(n.asString()));
    }
    return result;
  }
}
