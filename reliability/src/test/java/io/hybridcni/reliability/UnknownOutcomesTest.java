package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.kube.CniExclusionExecutor;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.testkit.aliyun.JournalEntry;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import io.hybridcni.testkit.kube.FaultDispatcher.KubeFault;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crossplane's rule, write by write: a write whose answer is lost after the server committed it (a 5xx, or no answer
 * before the client's timeout) is followed by a read, never by a compensation that assumes it failed. Each test puts
 * one "commit, then fail" fault on one write of a fresh BGP apply, checks that the fault fired and that the write is
 * in the store (the journal of the fake Aliyun, or the mock API server's objects), and that the run ends with that
 * write kept and nothing duplicated.
 */
class UnknownOutcomesTest {

  private static World world;

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @BeforeEach
  void fresh() {
    world.reset();
  }

  private static ReconcileResult apply() {
    return world.reconciler().reconcile(World.spec(), ApplyOptions.defaults().withHolder("unknown-outcomes"));
  }

  private static ReconcileResult applyHealedAfterwards() {
    ReconcileResult result = apply();
    world.healAll();
    world.runControllers();
    return result;
  }

  private static void assertConverged(ReconcileResult result) {
    assertThat(result.converged()).as("%s %s", result.why(), result.apply().outcomes()).isTrue();
    assertThat(Invariants.converged(world, result.verification())).isEmpty();
  }

  private static List<Integer> statuses(String operation) {
    return world.aliyun().journal().of(operation).stream().map(JournalEntry::status).toList();
  }

  private static String heldKeyId() {
    return Invariants.decoded(world.secret().orElseThrow().getData().get("access-key-id"));
  }

  private static long events(String reason) {
    return world.client().v1().events().inAnyNamespace().list().getItems().stream().map(Event::getReason)
        .filter(reason::equals).count();
  }

  /** Once {@code write} fired, the next {@code times} reads of the Secret are answered 503 (earlier reads pass). */
  private static Supplier<KubeFault> readsFailAfter(KubeFault write, int times) {
    AtomicReference<KubeFault> reads = new AtomicReference<>();
    world.kubeFaults().listener((method, path, fault) -> {
      if (fault == write && reads.get() == null) {
        reads.set(world.kubeFaults().on("GET", FaultSchedule.SECRET_PATH).reject(503, times));
      }
    });
    return () -> Objects.requireNonNull(reads.get(), "the write fault never fired");
  }

  // ------------------------------------------------------------------------------------------------- the Secret

  @Test
  void secretWriteThatCommitsButAnswers504KeepsTheKeyTheSecretHolds() {
    // The create is stored and answered 504, and the store's reads after it fail: the store gives up.
    KubeFault post = world.kubeFaults().on("POST", FaultSchedule.SECRETS_PATH).commitThenAnswer(504, 1);
    Supplier<KubeFault> reads = readsFailAfter(post, KubernetesSecretStore.DEFAULT_MAX_ATTEMPTS - 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(post.fired()).isEqualTo(1);
    assertThat(reads.get().fired()).isEqualTo(KubernetesSecretStore.DEFAULT_MAX_ATTEMPTS - 1);
    assertConverged(result);
    assertThat(world.accessKeys()).extracting(RamAccessKey::id).containsExactly(heldKeyId());
    assertThat(world.aliyun().journal().count("DeleteAccessKey")).isZero();
    assertThat(result.apply().outcomes()).filteredOn(o -> o.actionId().equals("access-key-secret")).singleElement()
        .satisfies(o -> assertThat(o.message()).contains("reading the Secret back shows the new key"));
  }

  @Test
  void secretWriteAnswered504ThenReadBackOnTheStoresNextAttemptIsOneWriteAndOneEvent() {
    KubeFault post = world.kubeFaults().on("POST", FaultSchedule.SECRETS_PATH).commitThenAnswer(504, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(post.fired()).isEqualTo(1);
    assertConverged(result);
    assertThat(world.accessKeys()).hasSize(1);
    assertThat(world.aliyun().journal().count("DeleteAccessKey")).isZero();
    assertThat(events(KubernetesSecretStore.EVENT_REASON)).isEqualTo(1);
  }

  @Test
  void secretWriteThatCommitsButNeverAnswersKeepsTheKeyTheSecretHolds() {
    KubeFault post = world.kubeFaults().on("POST", FaultSchedule.SECRETS_PATH).commitThenNoAnswer(World.SILENCE, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(post.fired()).isEqualTo(1);
    assertConverged(result);
    assertThat(world.accessKeys()).extracting(RamAccessKey::id).containsExactly(heldKeyId());
    assertThat(world.aliyun().journal().count("DeleteAccessKey")).isZero();
  }

  @Test
  void secretThatCannotBeReadBackAfterALostAnswerKeepsTheNewKeyAndSaysItMayBeAnOrphan() {
    KubeFault post = world.kubeFaults().on("POST", FaultSchedule.SECRETS_PATH).commitThenAnswer(504, 1);
    // The store's four reads and the AccessKey action's five all fail.
    Supplier<KubeFault> reads = readsFailAfter(post, 2 * KubernetesSecretStore.DEFAULT_MAX_ATTEMPTS - 1);

    ReconcileResult faulted = applyHealedAfterwards();

    assertThat(post.fired()).isEqualTo(1);
    assertThat(reads.get().remaining()).isZero();
    assertThat(faulted.converged()).isFalse();
    assertThat(faulted.apply().outcomes()).filteredOn(o -> o.actionId().equals("access-key-secret")).singleElement()
        .satisfies(o -> {
          assertThat(o.status()).isEqualTo(OutcomeStatus.FAILED);
          assertThat(o.message()).contains("is kept, since the Secret may hold it").contains("orphan");
        });
    assertThat(world.aliyun().journal().count("DeleteAccessKey")).isZero();
    String held = heldKeyId();
    assertThat(world.accessKeys()).extracting(RamAccessKey::id).containsExactly(held);

    ReconcileResult healed = apply();
    assertConverged(healed);
    assertThat(heldKeyId()).isEqualTo(held);
  }

  @Test
  void secretWriteRefusedForSureDeletesTheNewKeyAgain() {
    KubeFault post = world.kubeFaults().on("POST", FaultSchedule.SECRETS_PATH).reject(403, 1);

    ReconcileResult faulted = applyHealedAfterwards();

    assertThat(post.fired()).isEqualTo(1);
    assertThat(faulted.converged()).isFalse();
    assertThat(world.secret()).isEmpty();
    assertThat(world.accessKeys()).isEmpty();
    assertThat(statuses("DeleteAccessKey")).containsExactly(200);
    assertConverged(apply());
  }

  // ------------------------------------------------------------------------------------------------- calico-node

  @Test
  void calicoNodeUpdateThatCommitsButAnswers504IsReadBackAsDoneWithOneEvent() {
    // The update goes out without fabric8's own retries: the executor sees the first 504 and reads the object back.
    KubeFault put = world.kubeFaults().on("PUT", FaultSchedule.CALICO_PATH).commitThenAnswer(504, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(put.fired()).isEqualTo(1);
    assertConverged(result);
    assertThat(result.apply().outcomes()).filteredOn(o -> o.actionId().equals("cni-exclusion")).singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(OutcomeStatus.APPLIED));
    assertThat(events(CniExclusionExecutor.EVENT_REASON)).isEqualTo(1);
  }

  @Test
  void calicoNodeUpdateCommittedThenAnswered500IsReadBackBeforeAnyRetryCanBeRefused() {
    // Seed 165's schedule: a retry of the update would be refused 403. The stored change is read back first, so
    // that no retry is sent and the refusal, queued behind the lost answer, is never reached.
    KubeFault lost = world.kubeFaults().on("PUT", FaultSchedule.CALICO_PATH).commitThenAnswer(500, 1);
    KubeFault refusal = world.kubeFaults().on("PUT", FaultSchedule.CALICO_PATH).reject(403, 1);

    ReconcileResult result = apply();

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(refusal.fired()).as("a retry was sent before the object was read back").isZero();
    assertConverged(result);
    assertThat(result.apply().outcomes()).filteredOn(o -> o.actionId().equals("cni-exclusion")).singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(OutcomeStatus.APPLIED));
    assertThat(events(CniExclusionExecutor.EVENT_REASON)).isEqualTo(1);
  }

  @Test
  void calicoNodeUpdateRefusedAfterALostAnswerWhoseChangeIsNotThereFailsNamingBoth() {
    // A 500 before the store: for the client an unknown outcome all the same; the read-back finds nothing done.
    KubeFault lost = world.kubeFaults().on("PUT", FaultSchedule.CALICO_PATH).reject(500, 1);
    KubeFault refusal = world.kubeFaults().on("PUT", FaultSchedule.CALICO_PATH).reject(403, 1);

    ReconcileResult result = apply();

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(refusal.fired()).isEqualTo(1);
    assertThat(result.converged()).isFalse();
    assertThat(result.apply().outcomes()).filteredOn(o -> o.actionId().equals("cni-exclusion")).singleElement()
        .satisfies(o -> {
          assertThat(o.status()).isEqualTo(OutcomeStatus.FAILED);
          assertThat(o.message()).contains("lost its answer").contains("shows it not done").contains("403");
        });
  }

  // ------------------------------------------------------------------------------------------------- Events

  @Test
  void anEventWhoseAnswerIsLostFailsNothingAndIsNotDuplicated() {
    KubeFault post = world.kubeFaults().on("POST", "/api/v1/namespaces/kube-system/events").commitThenAnswer(504, 4);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(post.fired()).isGreaterThanOrEqualTo(1);
    assertConverged(result);
    assertThat(events(KubernetesSecretStore.EVENT_REASON)).isEqualTo(1);
  }

  // ------------------------------------------------------------------------------------------------- RAM and CS

  @Test
  void createUserThatCommitsButAnswers504IsReadAsDone() {
    world.aliyun().faults().on("CreateUser").failAfterCommit(504, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(statuses("CreateUser")).startsWith(504).doesNotContain(200);
    assertThat(world.aliyun().users()).hasSize(1);
    assertConverged(result);
  }

  @Test
  void createPolicyThatCommitsButAnswers500IsReadAsDone() {
    world.aliyun().faults().on("CreatePolicy").failAfterCommit(500, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(statuses("CreatePolicy")).startsWith(500).doesNotContain(200);
    assertConverged(result);
  }

  @Test
  void createPolicyVersionThatCommitsButAnswers504AddsOneVersionNotTwo() {
    world.aliyun().seedPolicy(Specs.RAM_POLICY, "{\"Version\":\"1\",\"Statement\":[{\"Action\":"
        + "[\"vpc:DescribeVSwitches\"],\"Resource\":[\"*\"],\"Effect\":\"Allow\"}]}");
    world.aliyun().faults().on("CreatePolicyVersion").failAfterCommit(504, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(statuses("CreatePolicyVersion")).containsExactly(504);
    assertThat(world.policy().orElseThrow().versions()).hasSize(2);
    assertThat(World.spec().policyDocument().semanticallyEquals(world.policy().get().defaultDocument())).isTrue();
    assertThat(result.apply().outcomes()).allSatisfy(o -> assertThat(o.succeeded()).as(o.toString()).isTrue());
  }

  @Test
  void attachPolicyThatCommitsButNeverAnswersIsReadAsDone() {
    world.aliyun().faults().on("AttachPolicyToUser").dropAfterCommit(1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(statuses("AttachPolicyToUser")).startsWith(0).doesNotContain(200);
    assertConverged(result);
  }

  @Test
  void createAccessKeyThatCommitsButAnswers500LeavesOneUsableKey() {
    world.aliyun().faults().on("CreateAccessKey").failAfterCommit(500, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(statuses("CreateAccessKey")).containsExactly(500, 200);
    assertConverged(result);
    assertThat(world.accessKeys()).extracting(RamAccessKey::id).containsExactly(heldKeyId());
  }


  @Test
  void installAddonThatCommitsButAnswers502IsReadAsStarted() {
    world.aliyun().faults().on("InstallClusterAddons").failAfterCommit(502, 1);

    ReconcileResult result = applyHealedAfterwards();

    assertThat(statuses("InstallClusterAddons")).startsWith(502).doesNotContain(200);
    assertConverged(result);
  }
}
