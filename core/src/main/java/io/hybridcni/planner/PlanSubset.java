package io.hybridcni.planner;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Fingerprint;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A plan cut down to the actions of some kinds, e.g. only the removal of the CNI exclusion from a destroy plan (the
 * revert apply offers when the exclusion's rollout goes wrong). Refused when a kept action depends on one left out:
 * it must not run before it (the addon's uninstall comes before the exclusion's removal). Each kept action keeps its
 * fingerprint, with the facts it relied on only through an action left out read from the same observed state, so
 * the cut plan passes {@link PlanCheck} like any plan the planner makes.
 */
public final class PlanSubset {

  /** The note a cut plan carries, which names the kinds kept. */
  public static final String ONLY_NOTE = "ONLY_SOME_ACTIONS";

  private PlanSubset() {}

  /**
   * The kinds a cut plan (one made by {@link #only}, e.g. saved and read back) was kept to: the kinds of its actions
   * when it carries the {@value #ONLY_NOTE} note; empty for a whole plan. Only the closing check uses it, to judge the
   * plan made afterwards by the same cut; what apply runs is the plan's actions alone.
   */
  public static Set<ActionKind> keptKinds(Plan plan) {
    if (plan.findings().stream().noneMatch(f -> f.code().equals(ONLY_NOTE))) {
      return Set.of();
    }
    Set<ActionKind> kinds = EnumSet.noneOf(ActionKind.class);
    plan.actions().forEach(a -> kinds.add(a.kind()));
    return kinds;
  }

  /** A kind as people write it: lower case with hyphens, {@code remove-cni-exclusion}. */
  public static String name(ActionKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The kinds named in {@code values} (lower case with hyphens, each a kind {@code planKindOf} plans).
   *
   * @throws InvalidInputException naming {@code source} and every name that is no such kind
   */
  public static Set<ActionKind> kinds(String source, List<String> values, io.hybridcni.plan.PlanKind planKindOf) {
    List<String> known = Arrays.stream(ActionKind.values()).filter(k -> k.belongsTo(planKindOf))
        .map(PlanSubset::name).toList();
    Set<ActionKind> kinds = EnumSet.noneOf(ActionKind.class);
    List<InvalidInputException.Problem> problems = new ArrayList<>();
    for (String value : values) {
      ActionKind kind = Arrays.stream(ActionKind.values()).filter(k -> name(k).equals(value.trim())
          && k.belongsTo(planKindOf)).findFirst().orElse(null);
      if (kind == null) {
        problems.add(new InvalidInputException.Problem(source, value, "an action kind of a " + planKindOf
            + " plan (" + String.join(", ", known) + ")"));
      } else {
        kinds.add(kind);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return kinds;
  }

  /**
   * {@code plan}, made for {@code spec} from {@code state}, with only the actions of {@code kinds} and a note that
   * says so; its findings stay (a blocker still blocks).
   *
   * @throws InvalidInputException naming {@code source} when a kept action depends on one left out
   */
  public static Plan only(String source, Plan plan, Set<ActionKind> kinds, HybridNetworkSpec spec,
      ObservedState state) {
    List<Action> kept = plan.actions().stream().filter(a -> kinds.contains(a.kind())).toList();
    Map<String, Action> byId = new HashMap<>();
    plan.actions().forEach(a -> byId.put(a.id(), a));
    List<InvalidInputException.Problem> problems = new ArrayList<>();
    for (Action a : kept) {
      for (String dependency : a.dependsOn()) {
        Action d = byId.get(dependency);
        if (d != null && !kinds.contains(d.kind())) {
          problems.add(new InvalidInputException.Problem(source, name(a.kind()), "actions that depend on none left "
              + "out, found " + a.id() + ", which runs only after " + d.id() + " (" + name(d.kind()) + "): "
              + d.reason() + " Run it first, or leave out --only"));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    List<Set<String>> required = PlanCheck.requiredFacts(kept, spec);
    List<Action> actions = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      Action a = kept.get(i);
      Map<String, String> facts = new TreeMap<>(a.fingerprint().facts());
      for (String key : required.get(i)) {
        facts.computeIfAbsent(key, k -> Facts.read(k, state));
      }
      actions.add(a.withFingerprint(Fingerprint.of(facts)));
    }
    List<Finding> findings = new ArrayList<>(plan.findings());
    findings.add(Finding.note(ONLY_NOTE, "Only the " + kinds.stream().map(PlanSubset::name).sorted()
        .collect(Collectors.joining(", ")) + " action(s) of this " + plan.kind() + " plan are kept; the rest of what "
        + "it would do is left as it is.", List.of()));
    return new Plan(plan.kind(), plan.clusterId(), plan.specDigest(), plan.scenario(), findings, actions);
  }
}
