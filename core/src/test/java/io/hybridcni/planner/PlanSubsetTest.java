package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.render.PlanJson;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A destroy plan cut to some action kinds: refused when a kept action depends on one left out, else a whole plan. */
class PlanSubsetTest {

  private final HybridNetworkSpec spec = Specs.auto();

  /** The exclusion is in, the RAM user, key and Secret too, but the addon was never installed. */
  private static ObservedState excludedWithoutAddon() {
    return SampleClusters.convergedBgp().toBuilder().addons(List.of()).build();
  }

  @Test
  void theExclusionsRemovalAloneIsKeptAndPassesThePlanCheckAlsoWhenSavedAndReadBack() {
    ObservedState state = excludedWithoutAddon();
    Plan whole = new Planner().planDestroy(spec, state);

    Plan only = PlanSubset.only("--only", whole, Set.of(ActionKind.REMOVE_CNI_EXCLUSION), spec, state);

    assertThat(whole.actions()).extracting(Action::kind).contains(ActionKind.DELETE_SECRET,
        ActionKind.REMOVE_CNI_EXCLUSION);
    assertThat(only.actions()).extracting(Action::kind).containsExactly(ActionKind.REMOVE_CNI_EXCLUSION);
    assertThat(only.findings()).anyMatch(f -> f.code().equals(PlanSubset.ONLY_NOTE));
    assertThat(PlanCheck.problems("only.json", only, PlanKind.DESTROY, spec)).isEmpty();
    Plan readBack = PlanJson.read("only.json", PlanJson.write(only));
    assertThat(PlanCheck.problems("only.json", readBack, PlanKind.DESTROY, spec)).isEmpty();
    assertThat(PlanSubset.keptKinds(readBack)).containsExactly(ActionKind.REMOVE_CNI_EXCLUSION);
    assertThat(PlanSubset.keptKinds(whole)).isEmpty();
  }

  @Test
  void withTheAddonInstalledTheRemovalDependsOnItsUninstallAndIsRefusedNamingOnly() {
    ObservedState state = SampleClusters.convergedBgp();
    Plan whole = new Planner().planDestroy(spec, state);

    assertThatThrownBy(() -> PlanSubset.only("--only", whole, Set.of(ActionKind.REMOVE_CNI_EXCLUSION), spec, state))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("--only: remove-cni-exclusion: actions that depend on none left out, found "
            + "cni-exclusion-removal, which runs only after addon-removal-wait (wait-for-addon-removal)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void kindsAreNamedInLowerCaseWithHyphensAndOnlyDestroyKindsAreKnown() {
    assertThat(PlanSubset.kinds("--only", List.of("remove-cni-exclusion", "delete-secret"), PlanKind.DESTROY))
        .containsExactlyInAnyOrder(ActionKind.REMOVE_CNI_EXCLUSION, ActionKind.DELETE_SECRET);
    assertThatThrownBy(() -> PlanSubset.kinds("--only", List.of("exclude-cloud-nodes-from-cni"), PlanKind.DESTROY))
        .hasMessageStartingWith("--only: exclude-cloud-nodes-from-cni: an action kind of a DESTROY plan (")
        .hasMessageContaining("remove-cni-exclusion");
  }
}
