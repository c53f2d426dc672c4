package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.render.PlanJson;
import io.hybridcni.spec.HybridNetworkSpec;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the planners make passes the saved-plan check once written and read back, and fingerprints each action
 * with exactly the facts the check derives from its detail: the check's idea of what an action relies on and the
 * planners' cannot drift apart unnoticed.
 */
class PlanCheckProperties {

  private final Planner planner = new Planner();

  @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
  void everyApplyPlanPassesTheCheck(@ForAll("applySpecs") HybridNetworkSpec spec,
      @ForAll("applyStates") ObservedState state) {
    Plan plan = PlanJson.read("plan.json", PlanJson.write(planner.plan(spec, state)));

    assertThat(PlanCheck.problems("plan.json", plan, PlanKind.APPLY, spec)).isEmpty();
    PlanCheckTest.assertFingerprintsAreTheRequiredFacts(plan, spec);
  }

  @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
  void everyDestroyPlanPassesTheCheck(@ForAll("destroySpecs") HybridNetworkSpec spec,
      @ForAll("destroyStates") ObservedState state) {
    Plan plan = PlanJson.read("plan.json", PlanJson.write(planner.planDestroy(spec, state)));

    assertThat(PlanCheck.problems("plan.json", plan, PlanKind.DESTROY, spec)).isEmpty();
    PlanCheckTest.assertFingerprintsAreTheRequiredFacts(plan, spec);
  }

  @Provide
  Arbitrary<HybridNetworkSpec> applySpecs() {
    return new ApplyThenPlanIsEmptyProperties().specs();
  }

  @Provide
  Arbitrary<ObservedState> applyStates() {
    return new ApplyThenPlanIsEmptyProperties().states();
  }

  @Provide
  Arbitrary<HybridNetworkSpec> destroySpecs() {
    return new DestroyProperties().specs();
  }

  @Provide
  Arbitrary<ObservedState> destroyStates() {
    return new DestroyProperties().anyStates();
  }
}
