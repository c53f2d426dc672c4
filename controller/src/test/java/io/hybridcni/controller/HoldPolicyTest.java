package io.hybridcni.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.ControllerPolicy;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecDigest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which plans the controller applies by itself, and the one line it gives for those it holds. */
class HoldPolicyTest {

  @Test
  void aPlanOfDefaultRepairsIsApplied() {
    Plan plan = plan(List.of(action("exclude", ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI, ChangeType.UPDATE),
        action("secret", ActionKind.ENSURE_ACCESS_KEY_SECRET, ChangeType.CREATE),
        action("restart", ActionKind.RESTART_TERWAY, ChangeType.UPDATE)), List.of());

    assertThat(HybridNetworkController.whyHeld(plan, ControllerPolicy.DEFAULT)).isNull();
  }

  @Test
  void aPlanWithADeleteIsHeldUnlessThePolicyNamesItsKind() {
    Plan plan = plan(List.of(action("secret", ActionKind.ENSURE_ACCESS_KEY_SECRET, ChangeType.CREATE),
        action("orphan-access-key-1", ActionKind.DELETE_ORPHAN_ACCESS_KEY, ChangeType.DELETE)), List.of());

    assertThat(HybridNetworkController.whyHeld(plan, ControllerPolicy.DEFAULT))
        .isEqualTo("the plan deletes [orphan-access-key-1], and controller.autoApply does not name "
            + "[DELETE_ORPHAN_ACCESS_KEY]: a person applies it");
    assertThat(HybridNetworkController.whyHeld(plan, new ControllerPolicy(Set.of("ENSURE_ACCESS_KEY_SECRET",
        "DELETE_ORPHAN_ACCESS_KEY")))).isNull();
  }

  @Test
  void aPlanWithAKindOutsideThePolicyIsHeldNamingIt() {
    Plan plan = plan(List.of(action("exclude", ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI, ChangeType.UPDATE),
        action("addon", ActionKind.UPGRADE_ADDON, ChangeType.UPDATE)), List.of());

    assertThat(HybridNetworkController.whyHeld(plan, ControllerPolicy.DEFAULT))
        .isEqualTo("the plan has [addon], of kinds [UPGRADE_ADDON] outside controller.autoApply "
            + "[ENSURE_ACCESS_KEY_SECRET, EXCLUDE_CLOUD_NODES_FROM_CNI, RESTART_TERWAY]: a person applies it");
    assertThat(HybridNetworkController.whyHeld(plan, ControllerPolicy.REPORT_ONLY)).contains("[exclude, addon]");
  }

  @Test
  void aBlockerHoldsEvenAPlanWithoutActionsInOneLine() {
    Plan plan = plan(List.of(), List.of(Finding.blocker("CLUSTER_ID_MISMATCH", "The cluster carries\n  another id.",
        List.of())));

    assertThat(HybridNetworkController.whyHeld(plan, ControllerPolicy.DEFAULT))
        .isEqualTo("the plan has blockers: CLUSTER_ID_MISMATCH (The cluster carries another id.)");
  }

  /** A plan with these actions and findings, for the spec of the tests' cluster; the policy reads nothing else. */
  private static Plan plan(List<Action> actions, List<Finding> findings) {
    HybridNetworkSpec spec = Specs.auto();
    return new Plan(PlanKind.APPLY, spec.clusterId(), SpecDigest.of(spec),
        new ScenarioReport(Scenario.BGP, "test", "test", List.of()), findings, actions);
  }

  private static Action action(String id, ActionKind kind, ChangeType change) {
    // The policy reads the kind and the change only; any detail will do.
    ActionDetail detail = new ActionDetail.OrphanAccessKey("user", "LTAI-test", "kube-system", "secret");
    return new Action(id, kind, change, "test/" + id, "test", List.of(), List.of(), detail, null);
  }
}
