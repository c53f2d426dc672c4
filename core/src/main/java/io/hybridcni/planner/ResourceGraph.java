package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The units hybridcni manages and the one dependency graph between them. {@link Planner#plan} walks it forward: each
 * unit plans after the units it depends on, its first actions following the drafts they answered. {@link
 * Planner#planDestroy} walks the same edges backwards, as Java Operator SDK's workflows do for cleanup: each unit's
 * undo follows the undo of every unit that depended on it.
 *
 * <p>The edges: the policy attachment needs the user and a policy being created (a new version of an existing one
 * does not hold the attachment back); the AccessKey needs its user; the addon, which reads the key and the policy's
 * grant and must not start where Calico still runs, needs every other unit.
 *
 * <p>Destroy passes on through a unit that undoes nothing the drafts it would have followed, and leaves out of a
 * unit's dependencies one that another of them already follows, since undo steps chain (the user's deletion
 * follows the detachment, not also the addon's removal before it).
 */
final class ResourceGraph {

  static final ResourceUnit RAM_USER = new RamUserUnit();
  static final ResourceUnit RAM_POLICY = new RamPolicyUnit();
  static final ResourceUnit POLICY_ATTACHMENT = new PolicyAttachmentUnit();
  static final ResourceUnit ACCESS_KEY_SECRET = new AccessKeySecretUnit();
  static final ResourceUnit CNI_EXCLUSION = new CniExclusionUnit();
  static final ResourceUnit ADDON = new AddonUnit();

  /** The planning order, which every edge goes along: forward plans in it, destroy in its reverse. */
  static final List<ResourceUnit> UNITS = List.of(RAM_USER, RAM_POLICY, POLICY_ATTACHMENT, ACCESS_KEY_SECRET,
      CNI_EXCLUSION, ADDON);

  /** {@code to} depends on {@code from}; forward, only the drafts of {@code from} that {@code needed} accepts. */
  private record Edge(ResourceUnit from, ResourceUnit to, Predicate<Draft> needed) {}

  /** Each unit's edges in, in the order its actions list their dependencies. */
  private static final List<Edge> EDGES = List.of(
      edge(RAM_USER, POLICY_ATTACHMENT),
      new Edge(RAM_POLICY, POLICY_ATTACHMENT, d -> d.change == ChangeType.CREATE),
      edge(RAM_USER, ACCESS_KEY_SECRET),
      edge(RAM_USER, ADDON),
      edge(RAM_POLICY, ADDON),
      edge(POLICY_ATTACHMENT, ADDON),
      edge(ACCESS_KEY_SECRET, ADDON),
      edge(CNI_EXCLUSION, ADDON));

  private static final Map<Class<? extends ActionDetail>, DetailRules<?>> RULES = new HashMap<>();
  private static final Map<Class<? extends ActionDetail>, ResourceUnit> OWNERS = new HashMap<>();

  static {
    for (ResourceUnit unit : UNITS) {
      for (DetailRules<?> rules : unit.details()) {
        if (RULES.putIfAbsent(rules.type(), rules) != null) {
          throw new IllegalStateException(rules.type().getSimpleName() + " has rules in two units");
        }
        OWNERS.put(rules.type(), unit);
      }
    }
    for (Edge e : EDGES) {
      if (UNITS.indexOf(e.from()) >= UNITS.indexOf(e.to())) {
        throw new IllegalStateException("an edge against the planning order: " + e);
      }
    }
  }

  private ResourceGraph() {}

  private static Edge edge(ResourceUnit from, ResourceUnit to) {
    return new Edge(from, to, d -> true);
  }

  /** Whether {@code to} depends on {@code from} by an edge of its own. */
  static boolean dependsOn(ResourceUnit to, ResourceUnit from) {
    return EDGES.stream().anyMatch(e -> e.to() == to && e.from() == from);
  }

  /** The rules of {@code type}, or {@code null} when no unit declares them. */
  static DetailRules<?> rulesOf(Class<? extends ActionDetail> type) {
    return RULES.get(type);
  }

  /** The unit whose actions carry {@code type}, or {@code null}. */
  static ResourceUnit unitOf(Class<? extends ActionDetail> type) {
    return OWNERS.get(type);
  }

  private static DetailRules<?> rules(ActionDetail detail) {
    DetailRules<?> rules = RULES.get(detail.getClass());
    if (rules == null) {
      throw new IllegalArgumentException("no unit declares the rules of " + detail.getClass().getSimpleName());
    }
    return rules;
  }

  /** The facts an action carrying {@code detail} relies on. */
  static Set<String> reads(ActionDetail detail, HybridNetworkSpec spec) {
    return rules(detail).readsOf(detail, spec);
  }

  /** The facts running an action carrying {@code detail} changes. */
  static Set<String> writes(ActionDetail detail) {
    return rules(detail).writesOf(detail);
  }

  /** The state after an action carrying {@code detail} succeeded. */
  static ObservedState effect(ActionDetail detail, ObservedState state, PlannedState.NewKeys keys) {
    return rules(detail).effectOf(detail, state, keys);
  }

  /** Plans every unit forward, each after the units it depends on. */
  static void planForward(UnitRun.Forward run) {
    Map<ResourceUnit, List<Draft>> answered = new IdentityHashMap<>();
    for (ResourceUnit unit : UNITS) {
      List<Draft> after = new ArrayList<>();
      for (Edge e : EDGES) {
        if (e.to() == unit) {
          answered.get(e.from()).stream().filter(e.needed()).forEach(after::add);
        }
      }
      answered.put(unit, unit.plan(run, List.copyOf(after)));
    }
  }

  /** Plans every unit's undo, each after the undo of the units that depended on it. */
  static void planDestroy(UnitRun.Destroy run) {
    Map<ResourceUnit, List<Draft>> followed = new IdentityHashMap<>();
    for (int i = UNITS.size() - 1; i >= 0; i--) {
      ResourceUnit unit = UNITS.get(i);
      Set<Draft> after = new LinkedHashSet<>();
      for (Edge e : EDGES) {
        if (e.from() == unit) {
          after.addAll(followed.get(e.to()));
        }
      }
      List<Draft> direct = withoutImplied(new ArrayList<>(after), run.drafts);
      List<Draft> answered = unit.planDestroy(run, direct);
      followed.put(unit, answered.isEmpty() ? direct : answered);
    }
  }

  /** {@code drafts} without those another of them follows, directly or through others. */
  private static List<Draft> withoutImplied(List<Draft> drafts, List<Draft> all) {
    Map<String, Draft> byId = new HashMap<>();
    all.forEach(d -> byId.put(d.id, d));
    List<Draft> result = new ArrayList<>();
    for (Draft d : drafts) {
      boolean implied = false;
      for (Draft other : drafts) {
        if (other != d && follows(other, d.id, byId, new HashSet<>())) {
          implied = true;
          break;
        }
      }
      if (!implied) {
        result.add(d);
      }
    }
    return List.copyOf(result);
  }

  private static boolean follows(Draft draft, String id, Map<String, Draft> byId, Set<String> seen) {
    for (String dependency : draft.dependsOn) {
      if (dependency.equals(id)) {
        return true;
      }
      Draft next = byId.get(dependency);
      if (next != null && seen.add(dependency) && follows(next, id, byId, seen)) {
        return true;
      }
    }
    return false;
  }
}
