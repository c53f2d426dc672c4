package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Plan;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Destroy against the fake Aliyun, through the real SDK: what hybridcni made goes, nothing else is touched. */
class CloudDestroyTest {

  private static final Set<String> WRITES = Set.of("CreateUser", "DeleteUser", "CreatePolicy", "DeletePolicy",
      "CreatePolicyVersion", "DeletePolicyVersion", "AttachPolicyToUser", "DetachPolicyFromUser", "CreateAccessKey",
      "DeleteAccessKey", "InstallClusterAddons", "UpgradeClusterAddons", "UnInstallClusterAddons");

  @Test
  void destroyingAConvergedAccountLeavesNoUserPolicyKeyOrAddon() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      assertThat(bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults()).converged()).isTrue();
      bed.fake.clearJournal();

      ReconcileResult result = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.apply().outcomes()).extracting(o -> o.status()).containsOnly(OutcomeStatus.APPLIED);
      assertThat(bed.fake.user(Specs.RAM_USER)).isEmpty();
      assertThat(bed.fake.policy(Specs.RAM_POLICY)).isEmpty();
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).isEmpty();
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON)).isEmpty();
      assertThat(bed.observe(CloudTestBed.spec()).secret().present()).isFalse();
      assertThat(bed.fake.journal().operations()).filteredOn(WRITES::contains).containsExactly(
          "UnInstallClusterAddons", "DeleteAccessKey", "DetachPolicyFromUser", "DeletePolicy", "DeleteUser");
    }
  }

  @Test
  void aCleanAccountGetsZeroWriteCalls() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      ReconcileResult result = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).isTrue();
      assertThat(result.why()).isEqualTo("nothing to do");
      assertThat(result.plan().actions()).isEmpty();
      assertThat(bed.fake.journal().operations()).isNotEmpty().noneMatch(WRITES::contains);
    }
  }

  @Test
  void aDestroyedAccountGetsZeroWriteCallsOnTheNextDestroy() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.fake.clearJournal();

      ReconcileResult again = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(again.plan().actions()).isEmpty();
      assertThat(bed.fake.journal().operations()).noneMatch(WRITES::contains);
    }
  }

  @Test
  void aPolicyWithSeveralVersionsLosesItsNonDefaultVersionsFirst() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedPolicy(Specs.RAM_POLICY, SampleClusters.driftedDocument());
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      assertThat(bed.fake.policy(Specs.RAM_POLICY).orElseThrow().versionIds()).containsExactly("v1", "v2");
      bed.fake.clearJournal();

      ReconcileResult result = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.policy(Specs.RAM_POLICY)).isEmpty();
      assertThat(bed.fake.journal().operations()).containsSubsequence("DetachPolicyFromUser",
          "DeletePolicyVersion", "DeletePolicy");
    }
  }

  @Test
  void aUserHybridCniDidNotCreateBlocksTheDestroyAndNothingIsDeleted() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedUser(Specs.RAM_USER);
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.fake.clearJournal();

      Plan plan = bed.reconciler().planDestroy(CloudTestBed.spec());
      ApplyResult refused = bed.reconciler().destroy(CloudTestBed.spec(), plan, ApplyOptions.defaults());

      assertThat(plan.blockers()).extracting(f -> f.code()).containsExactly("NOT_MANAGED_BY_HYBRIDCNI");
      assertThat(refused.refused()).contains("NOT_MANAGED_BY_HYBRIDCNI");
      assertThat(bed.fake.user(Specs.RAM_USER)).isPresent();
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON)).isPresent();
      assertThat(bed.fake.journal().operations()).noneMatch(WRITES::contains);
    }
  }

  @Test
  void aPolicyAnotherClustersUserHoldsIsKeptWhileOurUserGoes() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.fake.seedUser("ack-one-user-c0therclus");
      bed.fake.seedAttachment("ack-one-user-c0therclus", Specs.RAM_POLICY);

      ReconcileResult result = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.plan().findings()).extracting(f -> f.code()).contains("RAM_POLICY_STILL_IN_USE");
      assertThat(bed.fake.user(Specs.RAM_USER)).isEmpty();
      assertThat(bed.fake.policy(Specs.RAM_POLICY)).isPresent();
      assertThat(bed.fake.attachedPolicies("ack-one-user-c0therclus")).containsExactly(Specs.RAM_POLICY);
    }
  }

  @Test
  void aPolicyAttachedElsewhereAfterThePlanIsKeptAsStale() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      Plan destroy = bed.reconciler().planDestroy(CloudTestBed.spec());
      bed.fake.seedUser("ack-one-user-c0therclus");
      bed.fake.seedAttachment("ack-one-user-c0therclus", Specs.RAM_POLICY);

      ApplyResult result = bed.reconciler().destroy(CloudTestBed.spec(), destroy,
          ApplyOptions.defaults().withContinueOnError(true));

      assertThat(result.outcome("ram-policy-deletion").status()).isEqualTo(OutcomeStatus.STALE);
      assertThat(result.outcome("ram-policy-deletion").changedFacts()).singleElement().asString()
          .contains("attached to 1 principal(s) now");
      assertThat(result.outcome("ram-user-deletion").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(bed.fake.policy(Specs.RAM_POLICY)).isPresent();
      assertThat(bed.fake.journal().operations()).doesNotContain("DeletePolicyVersion", "DeletePolicy");
    }
  }

  @Test
  void aDryRunDestroyChangesNothing() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.fake.clearJournal();

      ReconcileResult result = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults()
          .withDryRun(true));

      assertThat(result.apply().outcomes()).extracting(o -> o.status()).containsOnly(OutcomeStatus.DRY_RUN);
      assertThat(bed.fake.journal().operations()).noneMatch(WRITES::contains);
      assertThat(bed.fake.user(Specs.RAM_USER)).isPresent();
    }
  }

  @Test
  void anAddonThatNeverGoesTimesOutNamingItsLastState() {
    try (CloudTestBed bed = new CloudTestBed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(1000),
        SampleClusters.freshHostNetwork().kubernetes())) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, Specs.ADDON_VERSION, "active");
      AddonWaitOptions wait = new AddonWaitOptions(Duration.ofSeconds(2), Duration.ofSeconds(10),
          Duration.ofSeconds(60));

      ApplyResult result = bed.reconciler(wait).destroy(CloudTestBed.spec(),
          bed.reconciler(wait).planDestroy(CloudTestBed.spec()), ApplyOptions.defaults());

      assertThat(result.outcome("addon-uninstall").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(result.outcome("addon-removal-wait").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("addon-removal-wait").message()).contains("was not gone within 60 s")
          .contains("last state: deleting");
      assertThat(bed.sleeps.stream().mapToLong(Duration::toSeconds).sum()).isBetween(60L, 70L);
    }
  }
}
