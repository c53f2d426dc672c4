package io.hybridcni.planner;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static io.hybridcni.plan.ActionKind.DELETE_ACCESS_KEY;
import static io.hybridcni.plan.ActionKind.DELETE_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.DELETE_RAM_USER;
import static io.hybridcni.plan.ActionKind.DELETE_SECRET;
import static io.hybridcni.plan.ActionKind.DETACH_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.REMOVE_CNI_EXCLUSION;
import static io.hybridcni.plan.ActionKind.UNINSTALL_ADDON;
import static io.hybridcni.plan.ActionKind.WAIT_FOR_ADDON;
import static io.hybridcni.plan.ActionKind.WAIT_FOR_ADDON_REMOVAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanOutcome;
import io.hybridcni.render.PlanJson;
import io.hybridcni.render.PlanText;
import io.hybridcni.spec.NodeLabel;
import io.hybridcni.spec.PolicyDocument;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class DestroyPlannerTest {

  private static final NodeSelectorRequirement EXCLUSION =
      NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "NotIn", "true");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Planner planner = new Planner();

  // ---- order and shape ----------------------------------------------------------------------------------------

  @Test
  void aConvergedBgpClusterIsDestroyedInReverseDependencyOrder() {
    Plan plan = planner.planDestroy(Specs.auto(), SampleClusters.convergedBgp());

    assertThat(plan)
        .hasActions(UNINSTALL_ADDON, WAIT_FOR_ADDON_REMOVAL, REMOVE_CNI_EXCLUSION, DELETE_SECRET, DELETE_ACCESS_KEY,
            DETACH_RAM_POLICY, DELETE_RAM_POLICY, DELETE_RAM_USER)
        .hasNoBlockers()
        .hasOutcome(PlanOutcome.CHANGES)
        .hasDependency("addon-uninstall")
        .hasDependency("addon-removal-wait", "addon-uninstall")
        .hasDependency("cni-exclusion-removal", "addon-removal-wait")
        .hasDependency("secret-deletion", "addon-removal-wait")
        .hasDependency("access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID, "secret-deletion")
        .hasDependency("ram-policy-detachment", "addon-removal-wait")
        .hasDependency("ram-policy-deletion", "ram-policy-detachment")
        .hasDependency("ram-user-deletion", "ram-policy-detachment", "access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID);
    assertThat(plan.destroy()).isTrue();
    assertThat(plan.actions()).extracting(Action::change).containsOnly(ChangeType.DELETE, ChangeType.WAIT);
    assertThat(plan.summary().destroy()).isEqualTo(7);
    assertThat(plan.summary().add()).isZero();
    assertThat(plan.summary().change()).isZero();
  }

  @Test
  void aConvergedHostNetworkClusterHasNoExclusionToRemove() {
    Plan plan = planner.planDestroy(Specs.hostNetwork(), SampleClusters.convergedHostNetwork());

    assertThat(plan).hasActions(UNINSTALL_ADDON, WAIT_FOR_ADDON_REMOVAL, DELETE_SECRET, DELETE_ACCESS_KEY,
        DETACH_RAM_POLICY, DELETE_RAM_POLICY, DELETE_RAM_USER).hasNoBlockers();
  }

  @Test
  void cleanClustersHaveNothingToDestroy() {
    for (ObservedState clean : List.of(SampleClusters.freshBgp(), SampleClusters.freshHostNetwork(),
        SampleClusters.overlayCalicoIpip(), SampleClusters.operatorCalico())) {
      Plan plan = planner.planDestroy(Specs.auto(), clean);
      assertThat(plan).isEmpty().hasOutcome(PlanOutcome.NO_CHANGES);
      assertThat(PlanText.plain().render(plan)).contains("No changes. Nothing hybridcni manages is left");
    }
  }

  @Test
  void destroyingIsAPureFunctionOfItsInputs() {
    assertThat(planner.planDestroy(Specs.auto(), SampleClusters.convergedBgp()))
        .isEqualTo(planner.planDestroy(Specs.auto(), SampleClusters.convergedBgp()));
  }

  @Test
  void aPartlyDestroyedClusterPlansOnlyWhatIsLeftAndDependsOnNothingAbsent() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .addons(List.of()).terway(null)
        .secret(SecretFacts.absent("kube-system", "alibaba-addon-secret"))
        .calico(SampleClusters.calicoBgp(SampleClusters.linuxOnly()))
        .build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasActions(DELETE_ACCESS_KEY, DETACH_RAM_POLICY, DELETE_RAM_POLICY, DELETE_RAM_USER)
        .hasDependency("access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID)
        .hasDependency("ram-policy-detachment");
    assertThat(plan.action("access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID).reason())
        .contains("no Secret holds it");
  }

  @Test
  void everyAccessKeyOfTheUserGoesBeforeTheUser() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(SampleClusters.convergedBgp().ram().withAccessKeys(List.of(
            new RamFacts.AccessKey(SampleClusters.FIXTURE_ACCESS_KEY_ID, "Active", null),
            new RamFacts.AccessKey(SampleClusters.OTHER_ACCESS_KEY_ID, "Inactive", null))))
        .build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasActions(UNINSTALL_ADDON, WAIT_FOR_ADDON_REMOVAL, REMOVE_CNI_EXCLUSION, DELETE_SECRET,
            DELETE_ACCESS_KEY, DELETE_ACCESS_KEY, DETACH_RAM_POLICY, DELETE_RAM_POLICY, DELETE_RAM_USER)
        .hasDependency("ram-user-deletion", "ram-policy-detachment",
            "access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID, "access-key-" + SampleClusters.OTHER_ACCESS_KEY_ID);
    // The second deletion relies on nothing the first one changes.
    assertThat(plan.action("access-key-" + SampleClusters.OTHER_ACCESS_KEY_ID).fingerprint().facts())
        .doesNotContainKey("ram.access_keys/" + Specs.RAM_USER);
  }

  @Test
  void aDestroyPlanReadsBackFromItsJsonWithItsKindAndNormalPlansSayApply() {
    Plan plan = planner.planDestroy(Specs.auto(), SampleClusters.convergedBgp());

    String json = PlanJson.write(plan);

    assertThat(JSON.readTree(json).get("kind").asString()).isEqualTo("DESTROY");
    assertThat(JSON.readTree(json).has("destroy")).isFalse();
    assertThat(PlanJson.read("destroy.json", json)).isEqualTo(plan);
    Plan normal = planner.plan(Specs.auto(), SampleClusters.freshBgp());
    assertThat(JSON.readTree(PlanJson.write(normal)).get("kind").asString()).isEqualTo("APPLY");
    assertThat(PlanJson.read("plan.json", PlanJson.write(normal)).destroy()).isFalse();
    assertThat(plan).redacts(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
  }

  // ---- the addon ----------------------------------------------------------------------------------------------

  @Test
  void aBusyAddonSettlesBeforeItIsUninstalled() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .addon(new AddonInstance(Specs.ADDON, Specs.ADDON_VERSION, "upgrading")).build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasDependency("addon-settle").hasDependency("addon-uninstall", "addon-settle");
    assertThat(plan.actions().subList(0, 3)).extracting(Action::kind)
        .containsExactly(WAIT_FOR_ADDON, UNINSTALL_ADDON, WAIT_FOR_ADDON_REMOVAL);
  }

  @Test
  void anAddonAlreadyBeingUninstalledIsOnlyWaitedFor() {
    ObservedState state = SampleClusters.convergedHostNetwork().toBuilder()
        .addon(new AddonInstance(Specs.ADDON, Specs.ADDON_VERSION, "deleting")).build();

    Plan plan = planner.planDestroy(Specs.hostNetwork(), state);

    assertThat(plan.actions().get(0).kind()).isEqualTo(WAIT_FOR_ADDON_REMOVAL);
    assertThat(plan.actions()).extracting(Action::kind).doesNotContain(UNINSTALL_ADDON);
    assertThat(plan).hasDependency("addon-removal-wait").hasDependency("secret-deletion", "addon-removal-wait");
    // It may be gone by the time the apply starts: that is what the wait waits for, so it relies on no fact.
    assertThat(plan.action("addon-removal-wait").fingerprint().facts()).isEmpty();
  }

  // ---- ownership ----------------------------------------------------------------------------------------------

  @Test
  void aSecretWithoutTheManagedByLabelIsNotDeletedAndBlocks() {
    SecretFacts foreign = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "7",
        SampleClusters.fixtureSecret().valueHashes(), Map.of("app", "terway"));
    ObservedState state = SampleClusters.convergedBgp().toBuilder().secret(foreign).build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasBlocker("NOT_MANAGED_BY_HYBRIDCNI")
        .findingNames("NOT_MANAGED_BY_HYBRIDCNI", "kube-system/alibaba-addon-secret", "managed-by")
        .hasOutcome(PlanOutcome.ERROR_OR_BLOCKED);
    assertThat(plan.actions()).extracting(Action::kind).doesNotContain(DELETE_SECRET);
  }

  @Test
  void aUserWhoseCommentsDoNotSayHybridCniIsKeptWithItsKeysAndPolicy() {
    RamFacts ram = SampleClusters.convergedBgp().ram();
    for (String comments : new String[] {"Created by onectl", "", null}) {
      ObservedState state = SampleClusters.convergedBgp().toBuilder()
          .ram(ram.withUser(new RamFacts.User(Specs.RAM_USER, "1", comments))).build();

      Plan plan = planner.planDestroy(Specs.auto(), state);

      assertThat(plan).hasBlocker("NOT_MANAGED_BY_HYBRIDCNI")
          .findingNames("NOT_MANAGED_BY_HYBRIDCNI", "RAM user " + Specs.RAM_USER)
          // Attached to the kept user, the policy is still in use.
          .hasNote("RAM_POLICY_STILL_IN_USE");
      assertThat(plan.actions()).extracting(Action::kind)
          .doesNotContain(DELETE_ACCESS_KEY, DETACH_RAM_POLICY, DELETE_RAM_POLICY, DELETE_RAM_USER);
    }
  }

  @Test
  void aUserHoldingPoliciesHybridCniDidNotAttachIsKept() {
    RamFacts ram = SampleClusters.convergedBgp().ram();
    ObservedState state = SampleClusters.convergedBgp().toBuilder().ram(ram.withAttachedPolicies(List.of(
        new RamFacts.AttachedPolicy(Specs.RAM_POLICY, "Custom"),
        new RamFacts.AttachedPolicy("AliyunVPCReadOnlyAccess", "System")))).build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasBlocker("RAM_USER_HAS_OTHER_POLICIES")
        .findingNames("RAM_USER_HAS_OTHER_POLICIES", "System/AliyunVPCReadOnlyAccess");
    assertThat(plan.actions()).extracting(Action::kind).doesNotContain(DELETE_RAM_USER);
  }

  @Test
  void aPolicyOtherPrincipalsHoldIsKeptAndTheUserStillGoes() {
    RamFacts ram = SampleClusters.convergedBgp().ram();
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(ram.withPolicy(ram.policy().withAttachmentCount(3))).build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasNoBlockers().hasNote("RAM_POLICY_STILL_IN_USE")
        .findingNames("RAM_POLICY_STILL_IN_USE", "attached to 2 principal(s) besides user " + Specs.RAM_USER);
    assertThat(plan.actions()).extracting(Action::kind).doesNotContain(DELETE_RAM_POLICY)
        .contains(DETACH_RAM_POLICY, DELETE_RAM_USER);
  }

  @Test
  void aPolicyWithoutUserOrAttachmentsIsDeletedWithItsNonDefaultVersionsNamed() {
    ObservedState state = SampleClusters.freshBgp().toBuilder().ram(new RamFacts(null,
        new RamFacts.Policy(Specs.RAM_POLICY, "Custom", "v2", List.of(new RamFacts.PolicyVersion("v1", false, null),
            new RamFacts.PolicyVersion("v2", true, null)), PolicyDocument.TERWAY_ENIIP_TEXT, 0),
        List.of(), List.of())).build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasActions(DELETE_RAM_POLICY).hasDependency("ram-policy-deletion").hasNoBlockers();
    assertThat(plan.action("ram-policy-deletion").reason()).contains("[v1] are deleted first");
  }

  // ---- the exclusion ------------------------------------------------------------------------------------------

  @Test
  void removingTheExclusionRestoresEveryExistingTermExactly() {
    ObservedState original = SampleClusters.calicoWithExistingTerms();
    ObservedState applied = PlannedState.simulate(planner.plan(Specs.auto(), original), original);

    Plan plan = planner.planDestroy(Specs.auto(), applied);

    ActionDetail.CniExclusionRemoval detail =
        (ActionDetail.CniExclusionRemoval) plan.action("cni-exclusion-removal").detail();
    assertThat(detail.after()).isEqualTo(original.cni().calico().daemonSet().placement().requiredTerms());
    assertThat(detail.target()).isEqualTo(WorkloadRef.daemonSet("kube-system", "calico-node"));
    assertThat(plan.action("cni-exclusion-removal").reason()).contains("taken out of 2 required terms");
  }

  @Test
  void theTermHybridCniCreatedIsDroppedAndTheRequiredAffinityWithIt() {
    Plan plan = planner.planDestroy(Specs.auto(), SampleClusters.convergedBgp());

    ActionDetail.CniExclusionRemoval detail =
        (ActionDetail.CniExclusionRemoval) plan.action("cni-exclusion-removal").detail();
    assertThat(detail.before()).containsExactly(NodeSelectorTerm.of(EXCLUSION));
    assertThat(detail.after()).isEmpty();
    assertThat(plan.action("cni-exclusion-removal").changes().get(0).after()).isNull();
    assertThat(plan).hasNote("CALICO_RETURNS_TO_CLOUD_NODES")
        .findingNames("CALICO_RETURNS_TO_CLOUD_NODES", SampleClusters.CLOUD_NODE);
  }

  @Test
  void operatorManagedCalicoLosesTheExclusionThroughTheInstallation() {
    Plan plan = planner.planDestroy(Specs.auto(), SampleClusters.convergedOperatorCalico());

    ActionDetail.CniExclusionRemoval detail =
        (ActionDetail.CniExclusionRemoval) plan.action("cni-exclusion-removal").detail();
    assertThat(detail.target()).isEqualTo(WorkloadRef.tigeraInstallation("default"));
    assertThat(detail.resourceVersion()).isEqualTo("4001");
    assertThat(plan.action("cni-exclusion-removal").address())
        .isEqualTo("kubernetes/installations.operator.tigera.io/default");
  }

  @Test
  void onlyTheExactRequirementHybridCniAddsIsRemoved() {
    NodeLabel label = NodeLabel.ALIBABA_CLOUD_EXTERNAL;
    NodeSelectorTerm wider = NodeSelectorTerm.of(
        NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "NotIn", "true", "maybe"));
    NodeSelectorTerm doesNotExist = NodeSelectorTerm.of(
        NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "DoesNotExist"));
    NodeSelectorTerm otherValue = NodeSelectorTerm.of(
        NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "NotIn", "false"));
    NodeSelectorTerm empty = new NodeSelectorTerm(List.of(), List.of());
    List<NodeSelectorTerm> untouched = List.of(wider, doesNotExist, otherValue, empty);

    assertThat(CniExclusion.remove(untouched, label)).isEqualTo(untouched);

    NodeSelectorRequirement os = NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux");
    NodeSelectorRequirement name = NodeSelectorRequirement.of("metadata.name", "In", "onprem-1");
    List<NodeSelectorTerm> applied = List.of(
        NodeSelectorTerm.of(os, EXCLUSION),
        new NodeSelectorTerm(List.of(EXCLUSION), List.of(name)),
        NodeSelectorTerm.of(EXCLUSION, os, EXCLUSION),
        empty);
    assertThat(CniExclusion.remove(applied, label)).containsExactly(
        NodeSelectorTerm.of(os),
        new NodeSelectorTerm(List.of(), List.of(name)),
        NodeSelectorTerm.of(os),
        empty);
  }

  @Test
  void aLoneExclusionTermBesideOtherTermsIsNotHybridCnisAndBlocks() {
    Placement placement = new Placement(Map.of(), List.of(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("node-role.kubernetes.io/worker", "Exists"), EXCLUSION),
        NodeSelectorTerm.of(EXCLUSION)));
    ObservedState state = SampleClusters.convergedBgp().toBuilder().calico(SampleClusters.calicoBgp(placement))
        .build();

    Plan plan = planner.planDestroy(Specs.auto(), state);

    assertThat(plan).hasBlocker("EXCLUSION_REMOVAL_WOULD_NARROW").findingNames("EXCLUSION_REMOVAL_WOULD_NARROW",
        "Calico would leave onprem-1");
    assertThat(plan.actions()).extracting(Action::kind).doesNotContain(REMOVE_CNI_EXCLUSION);
  }

  @Test
  void namingTheOperatorsDaemonSetDirectlyBlocksTheDestroyToo() {
    Plan plan = planner.planDestroy(Specs.builder()
        .onPremisesCni(WorkloadRef.daemonSet("calico-system", "calico-node")).build(),
        SampleClusters.convergedOperatorCalico());

    assertThat(plan).hasBlocker("CNI_MANAGED_BY_OPERATOR");
  }

  // ---- simulation ---------------------------------------------------------------------------------------------

  @Test
  void simulatingTheDestroyOfAConvergedClusterLeavesNothingOfHybridCnis() {
    ObservedState converged = SampleClusters.convergedBgp();

    ObservedState after = PlannedState.simulate(planner.planDestroy(Specs.auto(), converged), converged);

    assertThat(after.addons()).isEmpty();
    assertThat(after.terway()).isNull();
    assertThat(after.secret().present()).isFalse();
    assertThat(after.ram()).isEqualTo(RamFacts.NONE);
    assertThat(after.cni().calico().daemonSet().placement().requiredTerms()).isEmpty();
    assertThat(after.nodes()).allMatch(n -> n.runsCalico() && !n.runsTerway());
    assertThat(planner.planDestroy(Specs.auto(), after)).isEmpty();
  }
}
