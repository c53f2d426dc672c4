package io.hybridcni.planner;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static io.hybridcni.plan.ActionKind.ATTACH_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.DELETE_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.DETACH_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI;
import static io.hybridcni.plan.ActionKind.INSTALL_ADDON;
import static io.hybridcni.plan.ActionKind.UNINSTALL_ADDON;
import static io.hybridcni.plan.ActionKind.WAIT_FOR_ADDON_REMOVAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.Snapshots;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.PlanText;
import org.junit.jupiter.api.Test;

/** The shared Secret already holds another RAM user's key: hybridcni adopts it, as the runbook and onectl do. */
class SecretAdoptionPlanningTest {

  private final Planner planner = new Planner();

  @Test
  void aSecretHoldingAnotherUsersWorkingKeyIsAdoptedWithOnlyAnAttachment() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.brownfieldBgp());

    assertThat(plan).hasNoBlockers()
        .hasActions(ATTACH_RAM_POLICY, EXCLUDE_CLOUD_NODES_FROM_CNI, INSTALL_ADDON,
            io.hybridcni.plan.ActionKind.WAIT_FOR_ADDON)
        .hasNote("SECRET_KEY_ADOPTED")
        .findingNames("SECRET_KEY_ADOPTED", "adopting the key of RAM user " + SampleClusters.ADOPTED_USER
            + " already in the Secret kube-system/alibaba-addon-secret", SampleClusters.ADOPTED_ACCESS_KEY_ID,
            "ram.userName " + Specs.RAM_USER + " is not used")
        .redacts(SampleClusters.ADOPTED_ACCESS_KEY_SECRET);
    ActionDetail.PolicyAttachment attachment = (ActionDetail.PolicyAttachment) plan.action("ram-policy-attachment")
        .detail();
    assertThat(attachment.userName()).isEqualTo(SampleClusters.ADOPTED_USER);
    assertThat(plan.action("ram-policy-attachment").reason()).contains("adopting the key of RAM user "
        + SampleClusters.ADOPTED_USER + " already in the Secret");
  }

  @Test
  void theAttachmentToTheAdoptedUserReliesOnTheSecretStillHoldingThatUsersKey() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.brownfieldBgp());

    assertThat(plan.action("ram-policy-attachment").fingerprint().facts())
        .containsKeys("secret/kube-system/alibaba-addon-secret", "ram.attachments/" + SampleClusters.ADOPTED_USER);
  }

  @Test
  void anAdoptedKeyWithThePolicyAttachedIsConverged() {
    assertThat(planner.plan(Specs.auto(), SampleClusters.brownfieldConverged())).isEmpty()
        .hasNote("SECRET_KEY_ADOPTED").hasNoFinding("ORPHAN_ACCESS_KEYS");
  }

  @Test
  void theAccountsOwnKeyInTheSecretIsABlockerThatSaysWhy() {
    ObservedState state = withOwner(RamFacts.SecretKeyOwner.account(SampleClusters.ADOPTED_ACCESS_KEY_ID,
        SampleClusters.ACCOUNT_ID));

    assertThat(planner.plan(Specs.auto(), state)).hasBlocker("SECRET_HOLDS_ACCOUNT_KEY")
        .findingNames("SECRET_HOLDS_ACCOUNT_KEY", SampleClusters.ADOPTED_ACCESS_KEY_ID, "grants everything")
        .hasNoFinding("SECRET_KEY_ADOPTED");
  }

  @Test
  void aDisabledKeyInTheSecretIsABlockerNamingTheKeyId() {
    ObservedState state = withOwner(RamFacts.SecretKeyOwner.refused(SampleClusters.ADOPTED_ACCESS_KEY_ID,
        "InvalidAccessKeyId.Inactive"));

    Plan plan = planner.plan(Specs.auto(), state);
    assertThat(plan).hasBlocker("SECRET_KEY_REFUSED")
        .findingNames("SECRET_KEY_REFUSED", SampleClusters.ADOPTED_ACCESS_KEY_ID, "InvalidAccessKeyId.Inactive",
            "disabled");
    assertThat(plan.actions()).noneMatch(a -> a.kind() == ATTACH_RAM_POLICY
        || a.kind() == io.hybridcni.plan.ActionKind.ENSURE_ACCESS_KEY_SECRET);
  }

  @Test
  void anOwnerLookedUpForAnotherKeyThanTheSecretHoldsIsNotAdopted() {
    ObservedState state = withOwner(RamFacts.SecretKeyOwner.ramUser("LTAI5tSomeOtherKey0009",
        SampleClusters.ADOPTED_USER, SampleClusters.ACCOUNT_ID));

    assertThat(planner.plan(Specs.auto(), state)).hasBlocker("SECRET_NOT_MANAGED")
        .hasNoFinding("SECRET_KEY_ADOPTED");
  }

  @Test
  void destroyAfterAdoptionDetachesOnlyThePolicy() {
    Plan plan = planner.planDestroy(Specs.auto(), SampleClusters.brownfieldConverged());

    assertThat(plan).hasNoBlockers()
        .hasActions(UNINSTALL_ADDON, WAIT_FOR_ADDON_REMOVAL,
            io.hybridcni.plan.ActionKind.REMOVE_CNI_EXCLUSION, DETACH_RAM_POLICY, DELETE_RAM_POLICY)
        .hasNote("ADOPTED_SECRET_KEPT");
    ActionDetail.PolicyDetachment detach = (ActionDetail.PolicyDetachment) plan.action("ram-policy-detachment")
        .detail();
    assertThat(detach.userName()).isEqualTo(SampleClusters.ADOPTED_USER);
  }

  @Test
  void theSnapshotRecordsTheOwnerAndNeverTheSecret() {
    ObservedState state = SampleClusters.brownfieldBgp();

    String yaml = Snapshots.toYaml(state);
    assertThat(yaml).contains("secret_key_owner", SampleClusters.ADOPTED_USER, "RAMUser")
        .doesNotContain(SampleClusters.ADOPTED_ACCESS_KEY_SECRET);
    assertThat(Snapshots.fromYaml("brownfield", yaml)).isEqualTo(state);
    assertThat(PlanText.plain().render(planner.plan(Specs.auto(), state)))
        .doesNotContain(SampleClusters.ADOPTED_ACCESS_KEY_SECRET);
  }

  private static ObservedState withOwner(RamFacts.SecretKeyOwner owner) {
    ObservedState brown = SampleClusters.brownfieldBgp();
    return brown.toBuilder().ram(brown.ram().withSecretKeyOwner(owner)).build();
  }
}
