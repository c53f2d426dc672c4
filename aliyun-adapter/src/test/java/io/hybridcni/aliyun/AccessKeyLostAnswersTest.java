package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * AccessKeys through the real SDK against the fake Aliyun when an answer is lost or the world changes inside an
 * action: the key a Secret names is never deleted, a key whose create answer was lost is named as the unusable
 * orphan it is, creates never loop, and a lost Lease stops the Secret write.
 */
class AccessKeyLostAnswersTest {

  private static final HybridNetworkSpec DELETE_ORPHANS = Specs.hostNetwork().toBuilder()
      .deleteOrphanAccessKeys(true).build();

  private static List<String> keyIds(CloudTestBed bed) {
    return bed.fake.accessKeys(Specs.RAM_USER).stream().map(RamAccessKey::id).toList();
  }

  @Test
  void anOrphanKeyTheSecretNamesByTheTimeOfTheDeleteIsKept() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedUser(Specs.RAM_USER);
      String first = bed.fake.seedAccessKey(Specs.RAM_USER);
      String second = bed.fake.seedAccessKey(Specs.RAM_USER);
      Plan plan = bed.reconciler().plan(DELETE_ORPHANS);
      assertThat(plan.actions()).extracting(a -> a.id()).contains("orphan-access-key-" + first);
      // Written after the Reconciler re-checked the plan's facts: only the executor's own read can see it.
      bed.secretNamesOnRead(first);

      ApplyResult result = bed.reconciler().apply(DELETE_ORPHANS, plan, ApplyOptions.defaults());

      assertThat(result.outcome("orphan-access-key-" + first).status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("orphan-access-key-" + first).message()).contains(first)
          .contains("Secret kube-system/alibaba-addon-secret names it").contains("kept");
      assertThat(keyIds(bed)).contains(first);
      assertThat(bed.fake.journal().of("DeleteAccessKey")).noneMatch(e -> e.rendering().contains(first));
      assertThat(second).isNotEqualTo(first);
    }
  }

  @Test
  void destroyKeepsTheKeyASecretWrittenAgainSinceThePlanNames() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      assertThat(bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults()).converged()).isTrue();
      String key = bed.written().accessKeyId();
      Plan destroy = bed.reconciler().planDestroy(CloudTestBed.spec());
      bed.secretNamesOnRead(key);
      bed.fake.clearJournal();

      ApplyResult result = bed.reconciler().destroy(CloudTestBed.spec(), destroy, ApplyOptions.defaults());

      assertThat(result.outcome("access-key-" + key).status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("access-key-" + key).message()).contains(key)
          .contains("Secret kube-system/alibaba-addon-secret names it");
      assertThat(keyIds(bed)).containsExactly(key);
      assertThat(bed.fake.journal().count("DeleteAccessKey")).isZero();
    }
  }

  @Test
  void aKeyWhoseCreateAnswerWasLostIsDeletedEvenWithoutOrphanDeletionSinceNoOneHoldsItsSecret() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreateAccessKey").failAfterCommit(504, 1);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.journal().of("CreateAccessKey")).extracting(e -> e.status()).containsExactly(504, 200);
      String written = bed.written().accessKeyId();
      assertThat(keyIds(bed)).containsExactly(written);
      assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(result.outcome("access-key-secret").message()).contains("unusable orphan").contains("was deleted");
      assertThat(bed.fake.journal().count("DeleteAccessKey")).isEqualTo(1);
    }
  }

  @Test
  void aKeyWhoseCreateAnswerWasLostIsDeletedWhenTheSpecAllowsAndTheSecretDoesNotNameIt() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreateAccessKey").failAfterCommit(502, 1);

      ReconcileResult result = bed.reconciler().reconcile(DELETE_ORPHANS, ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(keyIds(bed)).containsExactly(bed.written().accessKeyId());
      assertThat(bed.fake.journal().operations()).containsSubsequence("CreateAccessKey", "ListAccessKeys",
          "DeleteAccessKey", "CreateAccessKey");
      assertThat(result.apply().outcome("access-key-secret").message()).contains("unusable orphan")
          .contains("was deleted");
    }
  }

  @Test
  void twoLostCreateAnswersStopWithBothOrphansNamedAndNoThirdCreate() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreateAccessKey").failAfterCommit(500, 2);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.journal().count("CreateAccessKey")).isEqualTo(2);
      assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("access-key-secret").message()).contains("lost its answer twice")
          .contains("was deleted");
      // Both keys' secrets were lost with their answers: both are deleted, so the next run has room for its key.
      assertThat(keyIds(bed)).isEmpty();
      assertThat(bed.fake.journal().count("DeleteAccessKey")).isEqualTo(2);
      assertThat(bed.written()).isNull();
    }
  }

  @Test
  void aLostCreateAnswerAtTheTwoKeyLimitFreesTheSlotByDeletingTheUnusableKeyAndCreatesOnceMore() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedUser(Specs.RAM_USER);
      String old = bed.fake.seedAccessKey(Specs.RAM_USER);
      bed.fake.faults().on("CreateAccessKey").dropAfterCommit(1);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.journal().of("CreateAccessKey")).extracting(e -> e.status()).containsExactly(0, 200);
      assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(result.outcome("access-key-secret").message()).contains("unusable orphan").contains("was deleted");
      assertThat(keyIds(bed)).containsExactlyInAnyOrder(old, bed.written().accessKeyId());
    }
  }


  @Test
  void aLeaseLostBetweenCreateAccessKeyAndTheSecretWriteLeavesTheSecretAloneAndNamesTheNewKey() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      // Held until the first CreateAccessKey has gone out, as if the renewal deadline passed during that call.
      ApplyLock lock = (holder, wait) -> new ApplyLock.Held() {
        @Override
        public Optional<String> lost() {
          return bed.fake.journal().count("CreateAccessKey") > 0
              ? Optional.of("could not renew Lease kube-system/hybridcni-apply before its deadline")
              : Optional.empty();
        }

        @Override
        public void close() {
        }
      };
      Reconciler reconciler = Reconciler.builder().cluster(bed).cloud(new AliyunObserver(bed.ram, bed.ack))
          .executors(bed.executors(AddonWaitOptions.defaults())).unwired(CloudTestBed.KUBE_KINDS).lock(lock).build();

      ApplyResult result = reconciler.apply(CloudTestBed.spec(), reconciler.plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.written()).isNull();
      List<String> keys = keyIds(bed);
      assertThat(keys).hasSize(1);
      assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("access-key-secret").message()).contains("lost the apply Lease")
          .contains("before writing Secret kube-system/alibaba-addon-secret").contains("was not written")
          .contains(keys.get(0));
      assertThat(result.outcome("addon-install").status()).isEqualTo(OutcomeStatus.SKIPPED);
    }
  }
}
