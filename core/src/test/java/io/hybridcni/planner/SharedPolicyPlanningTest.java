package io.hybridcni.planner;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static io.hybridcni.plan.ActionKind.ENSURE_RAM_POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.PolicyDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy {@code ack-one-registered-cluster-policy-<addon>} is per addon, so every registered cluster of the
 * account shares it: hybridcni never narrows it for someone else, and says whom a widening reaches.
 */
class SharedPolicyPlanningTest {

  private final Planner planner = new Planner();

  @Test
  void aDefaultVersionThatGrantsMoreThanTheSpecPlansNothing() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.sharedPolicyGrantingMore());

    assertThat(plan).hasNoActions().hasNoBlockers().hasNote("POLICY_GRANTS_MORE")
        .hasNoFinding("POLICY_SHARED_WIDENED");
  }

  @Test
  void aSupersetHeldOnlyByOurUserPlansNothingEither() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.sharedPolicy(SampleClusters.wildcardDocument()));

    assertThat(plan).hasNoActions().hasNoBlockers();
  }

  @Test
  void narrowingASharedPolicyBlocksAndNamesEveryOtherHolder() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.sharedPolicyTheSpecWouldNarrow());

    assertThat(plan).hasBlocker("POLICY_SHARED_NARROWING")
        .findingNames("POLICY_SHARED_NARROWING", "user " + SampleClusters.OTHER_CLUSTER_USER,
            "role " + SampleClusters.OTHER_ROLE, "group " + SampleClusters.OTHER_GROUP, Specs.RAM_POLICY)
        .hasNoFinding("POLICY_SHARED_WIDENED");
    assertThat(plan.actions()).noneMatch(a -> a.kind() == ENSURE_RAM_POLICY);
    org.assertj.core.api.Assertions.assertThat(plan.findings().stream()
        .filter(f -> f.code().equals("POLICY_SHARED_NARROWING")).findFirst().orElseThrow().message())
        .doesNotContain("user " + Specs.RAM_USER);
  }

  @Test
  void wideningASharedPolicyWarnsNamesTheHoldersAndProceeds() {
    Plan plan = planner.plan(Specs.auto(), SampleClusters.sharedPolicyTheSpecWouldWiden());

    assertThat(plan).hasActions(ENSURE_RAM_POLICY).hasNoBlockers().hasWarning("POLICY_SHARED_WIDENED")
        .findingNames("POLICY_SHARED_WIDENED", "user " + SampleClusters.OTHER_CLUSTER_USER,
            "role " + SampleClusters.OTHER_ROLE, "group " + SampleClusters.OTHER_GROUP);
  }

  @Test
  void aPolicyHeldOnlyByOurUserIsUpdatedAsBeforeEvenWhenItNarrows() {
    Plan plan = planner.plan(Specs.auto(),
        SampleClusters.sharedPolicy(SampleClusters.driftedDocumentWithExtraAction()));

    assertThat(plan).hasActions(ENSURE_RAM_POLICY).hasNoBlockers().hasNoFinding("POLICY_SHARED_WIDENED");
    var detail = (io.hybridcni.plan.ActionDetail.RamPolicy) plan.action("ram-policy").detail();
    assertThat(detail.newVersion()).isTrue();
    assertThat(PolicyDocument.parse(detail.document()).semanticallyEquals(PolicyDocument.terwayEniip())).isTrue();
  }

  @Test
  void theNewVersionReliesOnWhoHoldsThePolicy() {
    ObservedState state = SampleClusters.sharedPolicy(SampleClusters.driftedDocument());
    Plan plan = planner.plan(Specs.auto(), state);

    assertThat(plan.action("ram-policy").fingerprint().facts())
        .containsEntry("ram.policy_holders/" + Specs.RAM_POLICY, "[USER:" + Specs.RAM_USER + "]");
  }

  @Test
  void unknownHoldersBlockANarrowingUnlessTheAttachmentCountProvesNobodyElseHoldsIt() {
    ObservedState narrowing = SampleClusters.sharedPolicy(SampleClusters.driftedDocumentWithExtraAction());
    RamFacts.Policy policy = narrowing.ram().policy().withHolders(null);

    Plan onlyUs = planner.plan(Specs.auto(), narrowing.toBuilder()
        .ram(narrowing.ram().withPolicy(policy.withAttachmentCount(1))).build());
    Plan twoMore = planner.plan(Specs.auto(), narrowing.toBuilder()
        .ram(narrowing.ram().withPolicy(policy.withAttachmentCount(3))).build());
    Plan uncounted = planner.plan(Specs.auto(), narrowing.toBuilder()
        .ram(narrowing.ram().withPolicy(policy.withAttachmentCount(null))).build());

    assertThat(onlyUs).hasActions(ENSURE_RAM_POLICY).hasNoBlockers();
    assertThat(twoMore).hasBlocker("POLICY_HOLDERS_UNKNOWN").findingNames("POLICY_HOLDERS_UNKNOWN",
        "2 principal(s) other than user " + Specs.RAM_USER, "ram:ListEntitiesForPolicy");
    assertThat(uncounted).hasBlocker("POLICY_HOLDERS_UNKNOWN");
  }

  @Test
  void unknownHoldersOfAWideningOnlyWarn() {
    ObservedState widening = SampleClusters.sharedPolicy(SampleClusters.driftedDocument());
    Plan plan = planner.plan(Specs.auto(), widening.toBuilder().ram(widening.ram().withPolicy(
        widening.ram().policy().withHolders(null).withAttachmentCount(null))).build());

    assertThat(plan).hasActions(ENSURE_RAM_POLICY).hasNoBlockers().hasWarning("POLICY_SHARED_WIDENED");
  }

  @Test
  void anotherClusterAttachingThePolicyAfterThePlanMakesTheSavedPlanStale() {
    ObservedState planned = SampleClusters.sharedPolicy(SampleClusters.driftedDocument());
    Plan plan = planner.plan(Specs.auto(), planned);
    ObservedState later = SampleClusters.sharedPolicy(SampleClusters.driftedDocument(),
        new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER, SampleClusters.OTHER_CLUSTER_USER));

    var facts = plan.action("ram-policy").fingerprint().facts();
    assertThat(Facts.read(facts.keySet(), later)).isNotEqualTo(facts);
    assertThat(Facts.read(facts.keySet(), planned)).isEqualTo(facts);
    assertThat(List.copyOf(facts.keySet())).contains("ram.policy_holders/" + Specs.RAM_POLICY);
  }

  @Test
  void thePolicyHeldOnlyByTheUserWhoseKeyIsAdoptedIsOursAndMayBeUpdated() {
    ObservedState brown = SampleClusters.brownfieldConverged();
    RamFacts.Policy held = brown.ram().policy()
        .withHolders(List.of(new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER,
            SampleClusters.ADOPTED_USER)));
    ObservedState drifted = brown.toBuilder().ram(brown.ram().withPolicy(new RamFacts.Policy(held.name(),
        held.type(), held.defaultVersion(), held.versions(), SampleClusters.driftedDocumentWithExtraAction(),
        held.attachmentCount(), held.holders()))).build();

    Plan plan = planner.plan(Specs.auto(), drifted);

    assertThat(plan).hasActions(ENSURE_RAM_POLICY).hasNoBlockers().hasNoFinding("POLICY_SHARED_NARROWING");
  }
}
