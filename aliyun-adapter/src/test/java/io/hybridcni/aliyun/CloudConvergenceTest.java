package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.PolicyDocument;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every executor path against the fake Aliyun, through the real SDK. */
class CloudConvergenceTest {

  private static final Set<String> WRITES = Set.of("CreateUser", "CreatePolicy", "CreatePolicyVersion",
      "DeletePolicyVersion", "AttachPolicyToUser", "CreateAccessKey", "DeleteAccessKey", "InstallClusterAddons",
      "UpgradeClusterAddons");

  @Test
  void aFreshAccountConvergesThroughTheRealSdk() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.user(Specs.RAM_USER)).isPresent();
      assertThat(PolicyDocument.terwayEniip().semanticallyEquals(
          bed.fake.policy(Specs.RAM_POLICY).orElseThrow().defaultDocument())).isTrue();
      assertThat(bed.fake.attachedPolicies(Specs.RAM_USER)).containsExactly(Specs.RAM_POLICY);
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).extracting(RamAccessKey::id)
          .containsExactly(bed.written().accessKeyId());
      assertThat(bed.fake.secretMatches(bed.written().accessKeyId(), bed.written().accessKeySecret().reveal()))
          .isTrue();
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON).orElseThrow().state()).isEqualTo("active");
      assertThat(bed.fake.journal().operations()).filteredOn(WRITES::contains).containsExactly("CreateUser",
          "CreatePolicy", "AttachPolicyToUser", "CreateAccessKey", "InstallClusterAddons");
    }
  }

  @Test
  void aConvergedAccountMakesZeroWriteCalls() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.fake.clearJournal();

      ReconcileResult again = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(again.converged()).isTrue();
      assertThat(again.plan().actions()).isEmpty();
      assertThat(bed.fake.journal().operations()).isNotEmpty().noneMatch(WRITES::contains);
    }
  }

  @Test
  void policyDriftAddsANewDefaultVersion() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedPolicy(Specs.RAM_POLICY, SampleClusters.driftedDocument());

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      var policy = bed.fake.policy(Specs.RAM_POLICY).orElseThrow();
      assertThat(policy.versionIds()).containsExactly("v1", "v2");
      assertThat(PolicyDocument.terwayEniip().semanticallyEquals(policy.defaultDocument())).isTrue();
    }
  }

  @Test
  void policyDriftAtFiveVersionsDeletesTheOldestNonDefaultVersionFirst() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      String drifted = SampleClusters.driftedDocument();
      bed.fake.seedPolicy(Specs.RAM_POLICY, drifted, drifted, drifted, drifted, drifted);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.policy(Specs.RAM_POLICY).orElseThrow().versionIds())
          .containsExactly("v2", "v3", "v4", "v5", "v6");
      assertThat(bed.fake.journal().operations()).containsSubsequence("DeletePolicyVersion", "CreatePolicyVersion");
    }
  }

  @Test
  void aLeaseLostAfterTheOldestVersionWasDeletedCreatesNoNewVersion() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      String drifted = SampleClusters.driftedDocument();
      bed.fake.seedPolicy(Specs.RAM_POLICY, drifted, drifted, drifted, drifted, drifted);
      // Held until the first DeletePolicyVersion has gone out, as if the renewal deadline passed during that call.
      io.hybridcni.apply.ApplyLock lock = (holder, wait) -> new io.hybridcni.apply.ApplyLock.Held() {
        @Override
        public java.util.Optional<String> lost() {
          return bed.fake.journal().count("DeletePolicyVersion") > 0
              ? java.util.Optional.of("could not renew Lease kube-system/hybridcni-apply before its deadline")
              : java.util.Optional.empty();
        }

        @Override
        public void close() {
        }
      };
      io.hybridcni.apply.Reconciler reconciler = io.hybridcni.apply.Reconciler.builder().cluster(bed)
          .cloud(new AliyunObserver(bed.ram, bed.ack)).executors(bed.executors(AddonWaitOptions.defaults())).unwired(CloudTestBed.KUBE_KINDS)
          .lock(lock).build();

      ApplyResult result = reconciler.apply(CloudTestBed.spec(), reconciler.plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.journal().count("CreatePolicyVersion")).isZero();
      assertThat(result.outcome("ram-policy").status()).isEqualTo(io.hybridcni.apply.OutcomeStatus.FAILED);
      assertThat(result.outcome("ram-policy").message()).contains("lost the apply Lease before creating a new "
          + "default version of policy " + Specs.RAM_POLICY);
    }
  }

  @Test
  void twoKeysNoneInTheSecretBlockUnlessOrphanDeletionIsAllowed() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedUser(Specs.RAM_USER);
      String first = bed.fake.seedAccessKey(Specs.RAM_USER);
      String second = bed.fake.seedAccessKey(Specs.RAM_USER);

      Plan blocked = bed.reconciler().plan(CloudTestBed.spec());
      assertThat(blocked.blockers()).extracting(f -> f.code()).containsExactly("ACCESS_KEY_LIMIT");
      ApplyResult refused = bed.reconciler().apply(CloudTestBed.spec(), blocked, ApplyOptions.defaults());
      assertThat(refused.refused()).contains("ACCESS_KEY_LIMIT");
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).extracting(RamAccessKey::id).containsExactly(first, second);

      ReconcileResult allowed = bed.reconciler().reconcile(
          Specs.hostNetwork().toBuilder().deleteOrphanAccessKeys(true).build(), ApplyOptions.defaults());
      assertThat(allowed.converged()).as(allowed.why()).isTrue();
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).extracting(RamAccessKey::id)
          .containsExactly(bed.written().accessKeyId());
    }
  }

  @Test
  void anInstalledAddonIsUpgradedAndWaitedFor() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, "v1.9.0", "active");

      ReconcileResult result = bed.reconciler().reconcile(
          Specs.hostNetwork().toBuilder().addonVersion("v1.10.0").build(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.plan().actions()).extracting(a -> a.kind()).contains(ActionKind.UPGRADE_ADDON);
      var addon = bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON).orElseThrow();
      assertThat(addon.version()).isEqualTo("v1.10.0");
      assertThat(addon.state()).isEqualTo("active");
    }
  }

  @Test
  void anUpgradeACrashedRunStartedIsWaitedForAtAnyVersionAndNotStartedAgain() {
    // Enough polls that the next run still finds the addon upgrading, as a run soon after a crash would.
    try (CloudTestBed bed = new CloudTestBed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(6),
        SampleClusters.freshHostNetwork().kubernetes())) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, "v1.9.0", "active");
      bed.ack.upgradeAddon(Specs.CLUSTER_ID, Specs.ADDON, "v1.9.0", "v1.10.0", null);

      ReconcileResult result = bed.reconciler().reconcile(
          Specs.hostNetwork().toBuilder().addonVersion("v1.10.0").build(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.apply().outcome("addon-settle").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(result.apply().outcome("addon-upgrade").status()).isEqualTo(OutcomeStatus.ALREADY_SATISFIED);
      assertThat(bed.fake.journal().count("UpgradeClusterAddons")).as("only the crashed run's upgrade request")
          .isEqualTo(1);
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON).orElseThrow().version()).isEqualTo("v1.10.0");
    }
  }

  @Test
  void anAddonThatNeverSettlesTimesOutNamingItsLastState() {
    try (CloudTestBed bed = new CloudTestBed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(1000),
        SampleClusters.freshHostNetwork().kubernetes())) {
      AddonWaitOptions wait = new AddonWaitOptions(Duration.ofSeconds(2), Duration.ofSeconds(10),
          Duration.ofSeconds(60));

      ApplyResult result = bed.reconciler(wait).apply(CloudTestBed.spec(),
          bed.reconciler(wait).plan(CloudTestBed.spec()), ApplyOptions.defaults());

      assertThat(result.outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("addon-wait").message()).contains("did not become active within 60 s")
          .contains("last state: installing");
      assertThat(bed.sleeps.stream().mapToLong(Duration::toSeconds).sum()).isBetween(60L, 70L);
    }
  }

  @Test
  void progressOfTheAddonWaitReachesTheListener() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      List<String> states = new java.util.concurrent.CopyOnWriteArrayList<>();
      io.hybridcni.apply.ApplyListener listener = new io.hybridcni.apply.ApplyListener() {
        @Override
        public void waitingForAddon(io.hybridcni.plan.Action action, String state, Duration elapsed) {
          states.add(state + "@" + elapsed.toSeconds());
        }
      };

      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults().withListener(listener));

      assertThat(states).isNotEmpty().allMatch(s -> s.startsWith("installing@"));
    }
  }
}
