package io.hybridcni.planner;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static io.hybridcni.plan.ActionKind.ATTACH_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.DELETE_ORPHAN_ACCESS_KEY;
import static io.hybridcni.plan.ActionKind.ENSURE_ACCESS_KEY_SECRET;
import static io.hybridcni.plan.ActionKind.ENSURE_RAM_POLICY;
import static io.hybridcni.plan.ActionKind.ENSURE_RAM_USER;
import static io.hybridcni.plan.ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI;
import static io.hybridcni.plan.ActionKind.INSTALL_ADDON;
import static io.hybridcni.plan.ActionKind.RESTART_TERWAY;
import static io.hybridcni.plan.ActionKind.UPGRADE_ADDON;
import static io.hybridcni.plan.ActionKind.WAIT_FOR_ADDON;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanOutcome;
import io.hybridcni.plan.Scenario;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.spec.PolicyDocument;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlannerTest {

  private final Planner planner = new Planner();

  @Test
  void freshBgpClusterGetsEveryActionInDependencyOrder() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.freshBgp());

    assertThat(plan)
        .hasActions(ENSURE_RAM_USER, ENSURE_RAM_POLICY, ATTACH_RAM_POLICY, ENSURE_ACCESS_KEY_SECRET,
            EXCLUDE_CLOUD_NODES_FROM_CNI, INSTALL_ADDON, WAIT_FOR_ADDON)
        .hasNoBlockers()
        .hasOutcome(PlanOutcome.CHANGES)
        .hasDependency("ram-policy-attachment", "ram-user", "ram-policy")
        .hasDependency("access-key-secret", "ram-user")
        .hasDependency("addon-install", "ram-user", "ram-policy", "ram-policy-attachment", "access-key-secret",
            "cni-exclusion")
        .hasDependency("addon-wait", "addon-install");
    assertThat(plan.scenario().scenario()).isEqualTo(Scenario.BGP);
    assertThat(plan.scenario().source()).isEqualTo("detected");
  }

  @Test
  void hostNetworkClusterGetsNoCalicoExclusion() {
    Plan plan = planner.plan(Specs.hostNetwork(), SampleClusters.freshHostNetwork());

    assertThat(plan)
        .hasActions(ENSURE_RAM_USER, ENSURE_RAM_POLICY, ATTACH_RAM_POLICY, ENSURE_ACCESS_KEY_SECRET, INSTALL_ADDON,
            WAIT_FOR_ADDON)
        .hasNoBlockers()
        .hasDependency("addon-install", "ram-user", "ram-policy", "ram-policy-attachment", "access-key-secret");
  }

  @Test
  void overlayClustersGetNoActionsAndNotesThatSayWhy() {
    for (ObservedState overlay : List.of(SampleClusters.overlayFlannel(), SampleClusters.overlayCalicoIpip(),
        SampleClusters.overlayCalicoVxlan(), SampleClusters.overlayCilium())) {
      Plan plan = planner.plan(Specs.auto(), overlay);
      assertThat(plan).isEmpty().hasOutcome(PlanOutcome.NO_CHANGES)
          .hasNote("OVERLAY_NOTHING_TO_INSTALL")
          .hasNote("CLOUD_NODES_MUST_PULL_CNI_IMAGES");
    }
    assertThat(planner.plan(Specs.auto(), SampleClusters.overlayFlannel()))
        .findingNames("CLOUD_NODES_MUST_PULL_CNI_IMAGES", "docker.io/flannel/flannel:v0.25.1");
  }

  @Test
  void convergedClustersYieldAnEmptyPlan() {
    assertThat(planner.plan(Specs.auto(), SampleClusters.convergedBgp())).isEmpty();
    assertThat(planner.plan(Specs.hostNetwork(), SampleClusters.convergedHostNetwork())).isEmpty();
  }

  @Test
  void policyDriftAddsANewDefaultVersion() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.policyDrift());

    assertThat(plan).hasActions(ENSURE_RAM_POLICY).hasNoBlockers();
    ActionDetail.RamPolicy detail = (ActionDetail.RamPolicy) plan.action("ram-policy").detail();
    assertThat(detail.newVersion()).isTrue();
    assertThat(detail.deleteVersionFirst()).isNull();
    assertThat(PolicyDocument.parse(detail.document()).semanticallyEquals(PolicyDocument.terwayEniip())).isTrue();
  }

  @Test
  void policyDriftAtTheVersionLimitDeletesTheOldestNonDefaultVersionFirst() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.policyDriftAtVersionLimit());

    ActionDetail.RamPolicy detail = (ActionDetail.RamPolicy) plan.action("ram-policy").detail();
    assertThat(detail.deleteVersionFirst()).isEqualTo("v3");
    assertThat(plan.action("ram-policy").changes()).anySatisfy(c -> {
      assertThat(c.path()).isEqualTo("default_version");
      assertThat(c.after().asString()).isEqualTo("v8");
    });
  }

  @Test
  void aReformattedButEquivalentPolicyDocumentIsNoDrift() {
    String reordered = "{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\",\"Action\":"
        + "\"vpc:DescribeVSwitches\"},{\"Effect\":\"Allow\",\"Resource\":[\"*\"],\"Action\":["
        + "\"ecs:ModifyNetworkInterfaceAttribute\",\"ecs:DescribeInstances\",\"ecs:UnassignPrivateIpAddresses\","
        + "\"ecs:AssignPrivateIpAddresses\",\"ecs:DescribeInstanceAttribute\",\"ecs:DeleteNetworkInterface\","
        + "\"ecs:DetachNetworkInterface\",\"ecs:AttachNetworkInterface\",\"ecs:DescribeNetworkInterfaces\","
        + "\"ecs:CreateNetworkInterface\"]}],\"Version\":\"1\"}";
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(SampleClusters.grantedRam(reordered, List.of(new RamFacts.PolicyVersion("v1", true, null)), "v1"))
        .build();

    assertThat(planner.plan(Specs.auto(), state)).isEmpty();
  }

  @Test
  void bgpClusterExcludesCloudNodesFromEveryExistingTerm() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.calicoWithExistingTerms());

    ActionDetail.CniExclusion detail = (ActionDetail.CniExclusion) plan.action("cni-exclusion").detail();
    NodeSelectorRequirement exclusion = NodeSelectorRequirement.of("alibabacloud.com/external", "NotIn", "true");
    assertThat(detail.after()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      NodeSelectorTerm before = detail.before().get(i);
      NodeSelectorTerm after = detail.after().get(i);
      assertThat(after.matchExpressions()).startsWith(before.matchExpressions().toArray(new NodeSelectorRequirement[0]))
          .endsWith(exclusion).hasSize(before.matchExpressions().size() + 1);
      assertThat(after.matchFields()).isEqualTo(before.matchFields());
    }
    assertThat(detail.resourceVersion()).isEqualTo("1001");
  }

  @Test
  void anEmptyTermStaysAsItIsAndAnAlreadyExcludedTermIsLeftAlone() {
    NodeSelectorTerm empty = new NodeSelectorTerm(List.of(), List.of());
    NodeSelectorTerm excluded = NodeSelectorTerm.of(
        NodeSelectorRequirement.of("alibabacloud.com/external", "DoesNotExist"));
    NodeSelectorTerm plain = NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux"));

    List<NodeSelectorTerm> after = CniExclusion.exclude(List.of(empty, excluded, plain),
        io.hybridcni.spec.NodeLabel.ALIBABA_CLOUD_EXTERNAL);

    assertThat(after.get(0)).isEqualTo(empty);
    assertThat(after.get(1)).isEqualTo(excluded);
    assertThat(after.get(2).matchExpressions()).hasSize(2);
  }

  @Test
  void alreadyExcludedCalicoNeedsNoExclusionAction() {
    Placement excluded = Placement.terms(NodeSelectorTerm.of(
        NodeSelectorRequirement.of("alibabacloud.com/external", "NotIn", "true", "maybe")));
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .calico(SampleClusters.calicoBgp(excluded)).build();

    assertThat(planner.plan(Specs.auto(), state)).isEmpty();
  }

  @Test
  void operatorManagedCalicoIsExcludedThroughTheInstallation() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.operatorCalico());

    ActionDetail.CniExclusion detail = (ActionDetail.CniExclusion) plan.action("cni-exclusion").detail();
    assertThat(detail.target()).isEqualTo(WorkloadRef.tigeraInstallation("default"));
    assertThat(plan.action("cni-exclusion").changes().get(0).path())
        .startsWith("spec.calicoNodeDaemonSet.spec.template.spec.affinity");
  }

  @Test
  void namingTheOperatorsDaemonSetDirectlyIsABlocker() {
    Plan plan = planner.plan(Specs.builder()
        .onPremisesCni(WorkloadRef.daemonSet("calico-system", "calico-node")).build(),
        SampleClusters.operatorCalico());

    assertThat(plan).hasBlocker("CNI_MANAGED_BY_OPERATOR").hasOutcome(PlanOutcome.ERROR_OR_BLOCKED);
  }

  @Test
  void aMislabelledOnPremisesNodeBlocksTheExclusionAndNamesTheNode() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.mislabelledOnPremisesNode());

    assertThat(plan)
        .hasBlocker("CALICO_WOULD_LEAVE_ON_PREMISES_NODE")
        .findingNames("CALICO_WOULD_LEAVE_ON_PREMISES_NODE", "onprem-3", "baremetal://rack4/onprem-3")
        .hasBlocker("TERWAY_ON_PREMISES")
        .hasOutcome(PlanOutcome.ERROR_OR_BLOCKED);
  }

  @Test
  void terwayPlacedOnOnPremisesNodesIsABlocker() {
    Workload wide = new Workload(WorkloadRef.daemonSet("kube-system", "terway-eniip"), "1", Placement.ANYWHERE,
        List.of());
    ObservedState state = SampleClusters.convergedBgp().toBuilder().terway(new TerwayFacts(wide)).build();

    assertThat(planner.plan(Specs.auto(), state)).hasBlocker("TERWAY_ON_PREMISES")
        .findingNames("TERWAY_ON_PREMISES", "onprem-1", "onprem-2");
  }

  @Test
  void terwayPlacedByNodeAffinityOnCloudNodesOnlyIsAccepted() {
    Workload affinity = new Workload(WorkloadRef.daemonSet("kube-system", "terway"), "1",
        Placement.terms(NodeSelectorTerm.of(NodeSelectorRequirement.of("alibabacloud.com/external", "In", "true"))),
        List.of());
    ObservedState state = SampleClusters.convergedBgp().toBuilder().terway(new TerwayFacts(affinity)).build();

    assertThat(planner.plan(Specs.auto(), state)).isEmpty();
  }

  @Test
  void aClusterThatIsNotRegisteredIsABlocker() {
    ObservedState state = SampleClusters.freshBgp().toBuilder()
        .cluster(new ClusterFacts(Specs.CLUSTER_ID, "ManagedKubernetes", "running", Specs.REGION)).build();

    assertThat(planner.plan(Specs.auto(), state)).hasBlocker("NOT_A_REGISTERED_CLUSTER")
        .findingNames("NOT_A_REGISTERED_CLUSTER", "ManagedKubernetes");
  }

  @Test
  void twoAccessKeysNoneInTheSecretIsABlockerUnlessOrphanDeletionIsAllowed() {
    assertThat(planner.plan(Specs.auto(), SampleClusters.twoAccessKeysNoneInSecret()))
        .hasBlocker("ACCESS_KEY_LIMIT")
        .findingNames("ACCESS_KEY_LIMIT", SampleClusters.FIXTURE_ACCESS_KEY_ID, SampleClusters.OTHER_ACCESS_KEY_ID);

    Plan allowed = planner.plan(Specs.builder().deleteOrphanAccessKeys(true).build(),
        SampleClusters.twoAccessKeysNoneInSecret());
    assertThat(allowed).hasNoBlockers()
        .hasActions(DELETE_ORPHAN_ACCESS_KEY, DELETE_ORPHAN_ACCESS_KEY, ENSURE_ACCESS_KEY_SECRET,
            EXCLUDE_CLOUD_NODES_FROM_CNI, INSTALL_ADDON, WAIT_FOR_ADDON)
        .hasDependency("access-key-secret", "orphan-access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID,
            "orphan-access-key-" + SampleClusters.OTHER_ACCESS_KEY_ID);
  }

  @Test
  void orphanKeysBesideAHeldKeyAreAWarningAndKept() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(SampleClusters.convergedBgp().ram().withAccessKeys(List.of(
            new RamFacts.AccessKey(SampleClusters.FIXTURE_ACCESS_KEY_ID, "Active", null),
            new RamFacts.AccessKey(SampleClusters.OTHER_ACCESS_KEY_ID, "Active", null))))
        .build();

    assertThat(planner.plan(Specs.auto(), state)).isEmpty().hasWarning("ORPHAN_ACCESS_KEYS")
        .findingNames("ORPHAN_ACCESS_KEYS", SampleClusters.OTHER_ACCESS_KEY_ID);
  }

  @Test
  void aSecretOfSomeoneElseIsNeverOverwritten() {
    SecretFacts foreign = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "7",
        Map.of("access-key-id", ValueHash.of("LTAIsomeoneelse"), "access-key-secret", ValueHash.of("x")), Map.of());
    ObservedState state = SampleClusters.convergedBgp().toBuilder().secret(foreign).build();

    assertThat(planner.plan(Specs.auto(), state)).hasBlocker("SECRET_NOT_MANAGED");
  }

  @Test
  void anInactiveKeyInTheSecretIsReplaced() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(SampleClusters.convergedBgp().ram().withAccessKeys(List.of(
            new RamFacts.AccessKey(SampleClusters.FIXTURE_ACCESS_KEY_ID, "Inactive", null))))
        .build();

    Plan plan = planner.plan(Specs.auto(), state);
    assertThat(plan).hasActions(ENSURE_ACCESS_KEY_SECRET, RESTART_TERWAY).hasWarning("ORPHAN_ACCESS_KEYS");
    assertThat(plan.action("access-key-secret").reason()).contains("Inactive");
  }

  @Test
  void theDisabledKeyTheSecretHoldsIsDeletedOnlyAfterTheNewKeyIsWritten() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(SampleClusters.convergedBgp().ram().withAccessKeys(List.of(
            new RamFacts.AccessKey(SampleClusters.FIXTURE_ACCESS_KEY_ID, "Inactive", null),
            new RamFacts.AccessKey(SampleClusters.OTHER_ACCESS_KEY_ID, "Active", null))))
        .build();

    Plan plan = planner.plan(Specs.builder().deleteOrphanAccessKeys(true).build(), state);

    // Only the orphan goes first, to free the slot; a run that stops before the Secret write leaves the Secret
    // naming a key that still exists, and the key it names goes once the new one is written.
    assertThat(plan).hasNoBlockers()
        .hasActions(DELETE_ORPHAN_ACCESS_KEY, ENSURE_ACCESS_KEY_SECRET, RESTART_TERWAY, DELETE_ORPHAN_ACCESS_KEY)
        .hasDependency("access-key-secret", "orphan-access-key-" + SampleClusters.OTHER_ACCESS_KEY_ID)
        .hasDependency("orphan-access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID, "access-key-secret",
            "terway-restart");
    assertThat(plan.actions().get(3).id()).isEqualTo("orphan-access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID);
    assertThat(plan.actions().get(3).reason()).contains("which Secret kube-system/alibaba-addon-secret holds now")
        .contains("Inactive");
  }

  @Test
  void aRotationRestartsTerwayBeforeTheOldKeyIsDeleted() {
    Plan plan = planner.plan(Specs.builder().deleteOrphanAccessKeys(true).build(),
        SampleClusters.keyRotationWithTerway());

    assertThat(plan).hasNoBlockers()
        .hasActions(ENSURE_ACCESS_KEY_SECRET, RESTART_TERWAY, DELETE_ORPHAN_ACCESS_KEY)
        .hasDependency("terway-restart", "access-key-secret")
        .hasDependency("orphan-access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID, "access-key-secret",
            "terway-restart");
    Action restart = plan.action("terway-restart");
    assertThat(restart.address()).isEqualTo("kubernetes/kube-system/DaemonSet/terway-eniip");
    assertThat(restart.detail()).isEqualTo(new ActionDetail.TerwayRestart(
        WorkloadRef.daemonSet("kube-system", "terway-eniip"), "kube-system", "alibaba-addon-secret"));
    assertThat(restart.reason()).contains("only when its daemon starts").contains("before any old key is deleted");
    // The Secret is written by the action before it: the restart relies on the DaemonSet as read.
    assertThat(restart.fingerprint().facts()).containsOnlyKeys("workload/DAEMON_SET/kube-system/terway-eniip");
  }

  @Test
  void aRepairOfADeletedSecretWithTerwayRunningRestartsItBeforeTheOldKeyGoes() {
    Plan plan = planner.plan(Specs.builder().deleteOrphanAccessKeys(true).build(),
        SampleClusters.secretDeletedWithTerway());

    // Terway's pods still run with the key no Secret holds any more: it goes only once they run with the new one.
    assertThat(plan).hasNoBlockers()
        .hasActions(ENSURE_ACCESS_KEY_SECRET, RESTART_TERWAY, DELETE_ORPHAN_ACCESS_KEY)
        .hasDependency("access-key-secret")
        .hasDependency("terway-restart", "access-key-secret")
        .hasDependency("orphan-access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID, "access-key-secret",
            "terway-restart");
  }

  @Test
  void noRestartWhenTerwayIsNotInstalledYet() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.freshBgp());

    assertThat(plan.actions()).noneMatch(a -> a.kind() == RESTART_TERWAY);
    assertThat(plan.action("addon-install").dependsOn()).doesNotContain("terway-restart");
  }

  @Test
  void noRestartWhenTerwayReadsAnotherSecret() {
    ObservedState state = SampleClusters.keyRotationWithTerway().toBuilder()
        .terway(new TerwayFacts(SampleClusters.terwayDaemonSet(), List.of("some-other-secret"), null)).build();

    assertThat(planner.plan(Specs.auto(), state).actions()).noneMatch(a -> a.kind() == RESTART_TERWAY);
  }

  @Test
  void aRunThatStoppedBeforeTheRestartRestartsTerwayOnTheNextPlan() {
    // The Secret holds the new key; Terway was last restarted (by hybridcni) for another one.
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .terway(SampleClusters.terway().withRestartedForKey(ValueHash.of("LTAIearlierkey"))).build();

    Plan plan = planner.plan(Specs.auto(), state);

    assertThat(plan).hasActions(RESTART_TERWAY).hasNoBlockers();
    assertThat(plan.action("terway-restart").fingerprint().facts()).containsOnlyKeys(
        "workload/DAEMON_SET/kube-system/terway-eniip", "secret/kube-system/alibaba-addon-secret");
    assertThat(planner.plan(Specs.auto(), PlannedState.simulate(plan, state))).hasNoActions();
  }

  @Test
  void anOrphanKeyIsDeletedOnlyAfterARestartWhenNothingSaysTerwayRunsWithTheNewKey() {
    // A run wrote the new key and stopped before the restart; the old key is an orphan now.
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .ram(SampleClusters.convergedBgp().ram().withAccessKeys(List.of(
            new RamFacts.AccessKey(SampleClusters.FIXTURE_ACCESS_KEY_ID, "Active", null),
            new RamFacts.AccessKey(SampleClusters.OTHER_ACCESS_KEY_ID, "Active", null))))
        .build();

    Plan plan = planner.plan(Specs.builder().deleteOrphanAccessKeys(true).build(), state);

    assertThat(plan).hasActions(RESTART_TERWAY, DELETE_ORPHAN_ACCESS_KEY)
        .hasDependency("orphan-access-key-" + SampleClusters.OTHER_ACCESS_KEY_ID, "terway-restart");
    // Terway restarted for the key in the Secret: the orphan goes at once.
    ObservedState restarted = state.toBuilder().terway(SampleClusters.terway()
        .withRestartedForKey(ValueHash.of(SampleClusters.FIXTURE_ACCESS_KEY_ID))).build();
    assertThat(planner.plan(Specs.builder().deleteOrphanAccessKeys(true).build(), restarted))
        .hasActions(DELETE_ORPHAN_ACCESS_KEY);
  }

  @Test
  void noCloudNodeYetIsAWarningOnly() {
    ObservedState state = SampleClusters.freshBgp().toBuilder()
        .nodes(List.of(SampleClusters.onPremNode("onprem-1", true))).build();

    assertThat(planner.plan(Specs.auto(), state)).hasWarning("NO_CLOUD_NODES").hasNoBlockers();
  }

  @Test
  void anAmbiguousCniBlocksAndAsksForTheMode() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.ambiguousCni());

    assertThat(plan).hasNoActions().hasBlocker("SCENARIO_UNDECIDED").hasOutcome(PlanOutcome.ERROR_OR_BLOCKED)
        .findingNames("SCENARIO_UNDECIDED", "network.mode");
  }

  @Test
  void aModeSetInTheSpecWinsOverDetectionWithAWarning() {
    Plan plan = planner.plan(Specs.builder().mode(NetworkMode.HOST_NETWORK).build(), SampleClusters.freshBgp());

    assertThat(plan).hasWarning("MODE_DIFFERS_FROM_DETECTION").hasNoFinding("SCENARIO_UNDECIDED");
    assertThat(plan.actions()).noneMatch(a -> a.kind() == EXCLUDE_CLOUD_NODES_FROM_CNI);
  }

  @Test
  void anAddonOnAnotherVersionIsUpgradedAndWaitedFor() {
    Plan plan = planner.plan(Specs.builder().addonVersion("v1.10.0").build(), SampleClusters.convergedBgp());

    assertThat(plan).hasActions(UPGRADE_ADDON, WAIT_FOR_ADDON);
    ActionDetail.Addon detail = (ActionDetail.Addon) plan.action("addon-upgrade").detail();
    assertThat(detail.fromVersion()).isEqualTo(Specs.ADDON_VERSION);
    assertThat(detail.toVersion()).isEqualTo("v1.10.0");
  }

  @Test
  void aBusyAddonIsWaitedForBeforeItIsUpgraded() {
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .addon(new AddonInstance(Specs.ADDON, Specs.ADDON_VERSION, "updating")).build();

    assertThat(planner.plan(Specs.auto(), state)).hasActions(WAIT_FOR_ADDON);
    assertThat(planner.plan(Specs.builder().addonVersion("v1.10.0").build(), state))
        .hasActions(WAIT_FOR_ADDON, UPGRADE_ADDON, WAIT_FOR_ADDON)
        .hasDependency("addon-upgrade", "addon-settle")
        .hasDependency("addon-wait", "addon-upgrade");
  }

  @Test
  void aBusyAddonIsWaitedForAtAnyVersionRelyingOnNoFact() {
    // An upgrade a crashed run started: ACK settles it at the version it was asked for, at any moment.
    ObservedState state = SampleClusters.convergedBgp().toBuilder()
        .addon(new AddonInstance(Specs.ADDON, "v1.8.0", "upgrading")).build();

    Plan plan = planner.plan(Specs.builder().addonVersion(Specs.ADDON_VERSION).build(), state);

    assertThat(plan).hasActions(WAIT_FOR_ADDON, UPGRADE_ADDON, WAIT_FOR_ADDON);
    assertThat(((ActionDetail.AddonWait) plan.action("addon-settle").detail()).version()).isNull();
    assertThat(plan.action("addon-settle").fingerprint().facts()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Failed", "failed", "Canceled", "unhealthy", "FAILED"})
  void anAddonInAFailureStateIsABlockerThatNamesTheStateAndWhatToDoNotAWait(String state) {
    ObservedState failed = SampleClusters.convergedBgp().toBuilder()
        .addon(new AddonInstance(Specs.ADDON, Specs.ADDON_VERSION, state)).build();

    for (HybridNetworkSpec spec : List.of(Specs.auto(), Specs.builder().addonVersion("v1.10.0").build())) {
      Plan plan = planner.plan(spec, failed);

      assertThat(plan).hasBlocker("ADDON_FAILED");
      assertThat(plan.actions()).as("no wait that can only fail, no install or upgrade onto it")
          .noneMatch(a -> a.kind() == WAIT_FOR_ADDON || a.kind() == INSTALL_ADDON || a.kind() == UPGRADE_ADDON);
      assertThat(plan.blockers()).filteredOn(f -> f.code().equals("ADDON_FAILED")).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("state " + state, "task", "hybridcni destroy",
              "apply again"));
    }
  }

  @Test
  void planningIsDeterministic() {
    for (ObservedState state : List.of(SampleClusters.freshBgp(), SampleClusters.calicoWithExistingTerms(),
        SampleClusters.twoAccessKeysNoneInSecret(), SampleClusters.operatorCalico())) {
      assertThat(planner.plan(Specs.auto(), state)).isEqualTo(planner.plan(Specs.auto(), state));
    }
  }

  @Test
  void fingerprintsCoverOnlyFactsNoEarlierActionWrites() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.freshBgp());

    assertThat(plan.action("ram-user").fingerprint().facts()).containsOnlyKeys("ram.user/" + Specs.RAM_USER);
    assertThat(plan.action("access-key-secret").fingerprint().facts())
        .doesNotContainKey("ram.user/" + Specs.RAM_USER)
        .containsKeys("ram.access_keys/" + Specs.RAM_USER, "secret/kube-system/alibaba-addon-secret");
    assertThat(plan.action("cni-exclusion").fingerprint().facts())
        .containsOnlyKeys("workload/DAEMON_SET/kube-system/calico-node",
            "nodes.labelled/alibabacloud.com/external=true");
    assertThat(plan.action("addon-wait").fingerprint().facts()).isEmpty();
  }

  @Test
  void aFingerprintChangesWhenARelevantFactChanges() {
    Plan before = planner.plan(Specs.auto(), SampleClusters.freshBgp());
    ObservedState changed = SampleClusters.freshBgp().toBuilder()
        .node(SampleClusters.cloudNode("cn-hangzhou.i-bp1cloudnode0009", true, false)).build();
    Plan after = planner.plan(Specs.auto(), changed);

    assertThat(after.action("cni-exclusion").fingerprint().hash())
        .isNotEqualTo(before.action("cni-exclusion").fingerprint().hash());
    assertThat(after.action("ram-user").fingerprint()).isEqualTo(before.action("ram-user").fingerprint());
  }

  @Test
  void aCalicoNodeThatAGitOpsToolSyncsGetsTheExclusionAndAWarningToPutItInTheSource() {
    ObservedState fresh = SampleClusters.freshBgp();
    Workload calicoNode = fresh.cni().calico().daemonSet();
    Workload synced = new Workload(calicoNode.ref(), calicoNode.resourceVersion(), calicoNode.placement(),
        calicoNode.images(), List.of("Helm release calico in kube-system", "Argo CD application network"));
    ObservedState state = fresh.toBuilder().calico(fresh.cni().calico().withDaemonSet(synced)).build();

    Plan plan = planner.plan(Specs.bgp(), state);

    assertThat(plan).hasActions(ENSURE_RAM_USER, ENSURE_RAM_POLICY, ATTACH_RAM_POLICY, ENSURE_ACCESS_KEY_SECRET,
            EXCLUDE_CLOUD_NODES_FROM_CNI, INSTALL_ADDON, WAIT_FOR_ADDON)
        .hasWarning("CNI_EXCLUSION_NOT_IN_SOURCE")
        .findingNames("CNI_EXCLUSION_NOT_IN_SOURCE", "kube-system/calico-node", "Helm release calico in kube-system",
            "Argo CD application network", "replaces the whole nodeSelectorTerms list",
            "{key: alibabacloud.com/external, operator: NotIn, values: [\"true\"]}",
            "installation.calicoNodeDaemonSet");
    assertThat(planner.plan(Specs.bgp(), fresh)).hasNoFinding("CNI_EXCLUSION_NOT_IN_SOURCE");
  }

  @Test
  void theGitOpsWarningStaysOnceTheExclusionIsInPlace() {
    ObservedState converged = SampleClusters.convergedBgp();
    Workload calicoNode = converged.cni().calico().daemonSet();
    Workload synced = new Workload(calicoNode.ref(), calicoNode.resourceVersion(), calicoNode.placement(),
        calicoNode.images(), List.of("Flux Kustomization flux-system/infra"));

    Plan plan = planner.plan(Specs.bgp(),
        converged.toBuilder().calico(converged.cni().calico().withDaemonSet(synced)).build());

    assertThat(plan).hasNoActions().hasWarning("CNI_EXCLUSION_NOT_IN_SOURCE");
  }
}
