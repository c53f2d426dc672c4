package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Destroy declares no edge of its own: wherever a unit depends on another in {@link ResourceGraph}, each action
 * undoing the first runs after every action undoing the second (directly or through others), for any state
 * hybridcni applied a plan to and for any state at all. One exception, by design of the AccessKey unit, whose undo
 * answers its key deletions only: the user's deletion does not wait for the Secret's when no key of the user is
 * deleted (the Secret then holds no key of that user).
 */
class DestroyWalksTheGraphBackwardsProperties {

  private final Planner planner = new Planner();
  private final DestroyProperties generators = new DestroyProperties();

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void destroyOfWhatAPlanAppliedUndoesEachUnitAfterTheUnitsThatDependedOnIt(
      @ForAll("specs") HybridNetworkSpec spec, @ForAll("cleanStates") ObservedState clean) {
    Plan plan = planner.plan(spec, clean);
    Assume.that(!plan.hasBlockers());
    assertFollowsTheGraphBackwards(planner.planDestroy(spec, PlannedState.simulate(plan, clean)));
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void destroyOfAnyStateUndoesEachUnitAfterTheUnitsThatDependedOnIt(@ForAll("specs") HybridNetworkSpec spec,
      @ForAll("anyStates") ObservedState state) {
    assertFollowsTheGraphBackwards(planner.planDestroy(spec, state));
  }

  private static void assertFollowsTheGraphBackwards(Plan destroy) {
    Map<String, Action> byId = new HashMap<>();
    destroy.actions().forEach(a -> byId.put(a.id(), a));
    for (Action undo : destroy.actions()) {
      ResourceUnit unit = ResourceGraph.unitOf(undo.detail().getClass());
      Set<String> before = ancestors(undo, byId);
      for (Action other : destroy.actions()) {
        ResourceUnit dependent = ResourceGraph.unitOf(other.detail().getClass());
        boolean secretWithoutKeys = other.kind() == ActionKind.DELETE_SECRET
            && destroy.actions().stream().noneMatch(a -> a.kind() == ActionKind.DELETE_ACCESS_KEY);
        if (ResourceGraph.dependsOn(dependent, unit) && !secretWithoutKeys) {
          assertThat(before).as("%s (undoing %s) runs after %s (undoing %s, which depended on it)", undo.id(),
              unit.getClass().getSimpleName(), other.id(), dependent.getClass().getSimpleName())
              .contains(other.id());
        }
      }
    }
  }

  private static Set<String> ancestors(Action action, Map<String, Action> byId) {
    Set<String> seen = new HashSet<>();
    Deque<String> next = new ArrayDeque<>(action.dependsOn());
    while (!next.isEmpty()) {
      String id = next.pop();
      if (seen.add(id) && byId.containsKey(id)) {
        next.addAll(byId.get(id).dependsOn());
      }
    }
    return seen;
  }

  @Provide
  Arbitrary<HybridNetworkSpec> specs() {
    return generators.specs();
  }

  @Provide
  Arbitrary<ObservedState> cleanStates() {
    return generators.cleanStates();
  }

  @Provide
  Arbitrary<ObservedState> anyStates() {
    return generators.anyStates();
  }
}
