package io.hybridcni.planner;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.Fingerprint;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a plan, typically one saved and read back, may be executed for a purpose and a spec, checked as a whole
 * before anything is locked or written. It must be of that {@link PlanKind}, for the spec's cluster and made from
 * that spec (its {@link SpecDigest}, naming the fields that differ), and well formed: unique action ids, every
 * {@code depends_on} an earlier action of the plan (so no cycle), each action's kind one of its plan kind and
 * matching its detail type, every fingerprint fact key one {@link Facts} knows, each fingerprint's hash that of its
 * facts, and every action carrying the fingerprint of the facts it relies on: a missing fingerprint is refused, and
 * so is one without a fact the planner fingerprints that action with (a fact it reads that no earlier action of the
 * plan writes). A fingerprint with no facts is valid only where the action relies on none.
 *
 * <p>Every problem is one {@link Problem} naming the source, the field ({@code actions[<id>].fingerprint} for an
 * action's) and what was expected; all are reported together.
 */
public final class PlanCheck {

  private static final Map<Class<?>, String> DETAIL_NAMES = detailNames();

  private PlanCheck() {}

  /**
   * Every reason {@code plan} must not be executed as a {@code purpose} plan for {@code spec}; empty when it may.
   * {@code source} names the plan (its file) in each problem.
   */
  public static List<Problem> problems(String source, Plan plan, PlanKind purpose, HybridNetworkSpec spec) {
    List<Problem> problems = new ArrayList<>();
    if (plan.kind() != purpose) {
      problems.add(new Problem(source, "kind", purpose + " (a plan made by " + purpose.planCommand() + ", for "
          + purpose.command() + "), found " + article(plan.kind()) + " plan, made by " + plan.kind().planCommand()
          + " and run only by " + plan.kind().command()));
    }
    if (!plan.clusterId().equals(spec.clusterId())) {
      problems.add(new Problem(source, "cluster_id", "a plan for cluster " + spec.clusterId()
          + " (the spec's cluster.id), found a plan for cluster " + plan.clusterId()));
    }
    List<String> differing = plan.specDigest().differingFields(SpecDigest.of(spec));
    if (!differing.isEmpty()) {
      problems.add(new Problem(source, "spec_digest", "a plan made from the spec given, found one made from a spec "
          + "that differs in " + String.join(", ", differing) + " (run " + plan.kind().planCommand()
          + " again with this spec)"));
    }
    problems.addAll(structureProblems(source, plan, spec));
    return List.copyOf(problems);
  }

  /**
   * Throws when {@link #problems} finds any.
   *
   * @throws InvalidInputException listing every problem, each naming {@code source}
   */
  public static void require(String source, Plan plan, PlanKind purpose, HybridNetworkSpec spec) {
    List<Problem> problems = problems(source, plan, purpose, spec);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }

  /** The problems of the plan's actions, whatever its kind, cluster and spec digest say. */
  static List<Problem> structureProblems(String source, Plan plan, HybridNetworkSpec spec) {
    List<Problem> problems = new ArrayList<>();
    List<Action> actions = plan.actions();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < actions.size(); i++) {
      Action a = actions.get(i);
      Integer first = firstIndex.putIfAbsent(a.id(), i);
      if (a.id().isBlank()) {
        problems.add(new Problem(source, "actions[" + i + "].id", "a non-empty action id"));
      } else if (first != null) {
        problems.add(new Problem(source, field(a, "id"), "each action id once, found it at actions[" + first
            + "] and again at actions[" + i + "]"));
      }
    }
    Set<String> inCycle = cycles(source, actions, firstIndex, problems);
    List<Set<String>> required = requiredFacts(actions, spec);
    for (int i = 0; i < actions.size(); i++) {
      Action a = actions.get(i);
      for (String dependency : a.dependsOn()) {
        Integer at = firstIndex.get(dependency);
        if (at == null) {
          problems.add(new Problem(source, field(a, "depends_on"), "ids of actions in this plan, found \""
              + dependency + "\", which no action has"));
        } else if (at >= i && !inCycle.contains(a.id())) {
          problems.add(new Problem(source, field(a, "depends_on"), "actions listed before it (a plan runs in its "
              + "list order), found \"" + dependency + "\" listed after it"));
        }
      }
      if (!a.kind().belongsTo(plan.kind())) {
        problems.add(new Problem(source, field(a, "kind"), "an action kind of " + article(plan.kind()) + " plan, found "
            + a.kind() + ", which only " + article(plan.kind() == PlanKind.APPLY ? PlanKind.DESTROY : PlanKind.APPLY)
            + " plan holds"));
      }
      boolean detailMatches = a.kind().detailType().isInstance(a.detail());
      if (!detailMatches) {
        problems.add(new Problem(source, field(a, "detail.type"), DETAIL_NAMES.get(a.kind().detailType())
            + " (the detail that " + a.kind() + " runs), found " + DETAIL_NAMES.get(a.detail().getClass())));
      }
      String detailCluster = detailClusterId(a.detail());
      if (detailCluster != null && !detailCluster.equals(plan.clusterId())) {
        problems.add(new Problem(source, field(a, "detail.cluster_id"), "the plan's cluster " + plan.clusterId()
            + ", found " + detailCluster));
      }
      fingerprintProblems(source, a, required.get(i), problems);
    }
    return problems;
  }

  /**
   * For each action, the facts its fingerprint must cover, as {@link Planner#finish} chooses them: those its detail
   * (what an executor runs) reads and no earlier action writes.
   */
  static List<Set<String>> requiredFacts(List<Action> actions, HybridNetworkSpec spec) {
    List<Set<String>> result = new ArrayList<>();
    Set<String> written = new HashSet<>();
    for (Action a : actions) {
      Set<String> required = new TreeSet<>(ResourceGraph.reads(a.detail(), spec));
      required.removeAll(written);
      written.addAll(ResourceGraph.writes(a.detail()));
      result.add(java.util.Collections.unmodifiableSet(required));
    }
    return result;
  }

  private static void fingerprintProblems(String source, Action a, Set<String> required, List<Problem> problems) {
    Fingerprint fingerprint = a.fingerprint();
    if (fingerprint == null) {
      problems.add(new Problem(source, field(a, "fingerprint"), "the fingerprint of the facts the action relies on"
          + (required.isEmpty() ? "" : " (" + String.join(", ", required) + ")") + ", found none: without it "
          + "nothing would be re-checked before it runs (hybridcni writes one for every action, with facts {} "
          + "where it relies on none)"));
      return;
    }
    boolean keysKnown = true;
    for (Map.Entry<String, String> fact : fingerprint.facts().entrySet()) {
      String problem = Facts.problemWith(fact.getKey());
      if (problem != null) {
        keysKnown = false;
        problems.add(new Problem(source, field(a, "fingerprint.facts"), problem));
      } else if (fact.getValue() == null) {
        problems.add(new Problem(source, field(a, "fingerprint.facts"), "a value for " + fact.getKey()
            + ", found null"));
      }
    }
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(fingerprint.facts().keySet());
    if (!missing.isEmpty()) {
      problems.add(new Problem(source, field(a, "fingerprint.facts"), "every fact this " + a.kind()
          + " relies on, found " + (fingerprint.facts().isEmpty() ? "an empty fingerprint, without " : "it without ")
          + String.join(", ", missing)));
    }
    if (keysKnown && !Fingerprint.of(fingerprint.facts()).hash().equals(fingerprint.hash())) {
      problems.add(new Problem(source, field(a, "fingerprint.hash"), Fingerprint.of(fingerprint.facts()).hash()
          + " (the hash of its facts), found " + fingerprint.hash()));
    }
  }

  /**
   * Reports each dependency cycle once, on its first action in list order; answers the ids of the actions on a
   * cycle, whose order then says nothing more.
   */
  private static Set<String> cycles(String source, List<Action> actions, Map<String, Integer> index,
      List<Problem> problems) {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    for (Action a : actions) {
      edges.putIfAbsent(a.id(), a.dependsOn());
    }
    Set<String> onCycle = new HashSet<>();
    for (Action a : actions) {
      if (onCycle.contains(a.id())) {
        continue;
      }
      List<String> path = cycleFrom(a.id(), edges);
      if (path != null) {
        onCycle.addAll(path);
        List<String> shown = new ArrayList<>(path);
        shown.add(a.id());
        problems.add(new Problem(source, field(a, "depends_on"), "no dependency cycle, found "
            + String.join(" -> ", shown)));
      }
    }
    return onCycle;
  }

  /** A path of dependencies from {@code start} back to it, starting with it; {@code null} when there is none. */
  private static List<String> cycleFrom(String start, Map<String, List<String>> edges) {
    List<String> path = new ArrayList<>();
    path.add(start);
    return walk(start, start, edges, path, new HashSet<>()) ? path : null;
  }

  private static boolean walk(String start, String at, Map<String, List<String>> edges, List<String> path,
      Set<String> seen) {
    for (String next : edges.getOrDefault(at, List.of())) {
      if (next.equals(start)) {
        return true;
      }
      if (edges.containsKey(next) && seen.add(next)) {
        path.add(next);
        if (walk(start, next, edges, path, seen)) {
          return true;
        }
        path.remove(path.size() - 1);
      }
    }
    return false;
  }

  private static String detailClusterId(ActionDetail detail) {
    return detail instanceof ActionDetail.OnCluster onCluster ? onCluster.clusterId() : null;
  }

  private static String article(PlanKind kind) {
    return (kind == PlanKind.APPLY ? "an " : "a ") + kind;
  }

  private static String field(Action a, String name) {
    return "actions[" + a.id() + "]." + name;
  }

  /** The JSON {@code type} name of each detail type, as the plan file spells it. */
  private static Map<Class<?>, String> detailNames() {
    Map<Class<?>, String> names = new HashMap<>();
    for (JsonSubTypes.Type t : ActionDetail.class.getAnnotation(JsonSubTypes.class).value()) {
      names.put(t.value(), t.name());
    }
    return Map.copyOf(names);
  }
}
