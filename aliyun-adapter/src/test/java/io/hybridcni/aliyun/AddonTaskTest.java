package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Action;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Addon changes follow their ACK task, through the real SDK against the fake: a failed task fails at once with ACK's
 * reason, failure states end the wait, "not installed" is a code, throttling of any name is retried, lost answers
 * are read back, and the wait shows its progress.
 */
class AddonTaskTest {

  private static CloudTestBed bed(FakeAliyunOptions options) {
    return new CloudTestBed(options, SampleClusters.freshHostNetwork().kubernetes());
  }

  @Test
  void aFailedInstallTaskFailsTheApplyInOnePollWithTheTasksMessage() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0))) {
      // The instance reads active afterwards, as the real service did before Terraform followed the task.
      bed.fake.failNextAddonTask(Specs.ADDON, "AddonInstallFailed", "install terway-eniip: ENI quota exceeded",
          "active");

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(result.outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("addon-wait").message())
          .contains("AddonInstallFailed", "install terway-eniip: ENI quota exceeded", "request id ", "1 poll(s)")
          .contains("the addon reads active");
      assertThat(bed.fake.journal().count("DescribeTaskInfo")).isEqualTo(1);
      assertThat(bed.sleeps).isEmpty();
    }
  }

  @Test
  void aFailedUpgradeTaskFailsTheWaitEvenThoughTheAddonReadsActive() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(1))) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, "v1.9.0", "active");
      bed.fake.failNextAddonTask(Specs.ADDON, "UpgradeAddonFailed", "pre-check failed", "active");
      var spec = Specs.hostNetwork().toBuilder().addonVersion("v1.10.0").build();

      ApplyResult result = bed.reconciler().apply(spec, bed.reconciler().plan(spec), ApplyOptions.defaults());

      assertThat(result.outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("addon-wait").message()).contains("UpgradeAddonFailed", "pre-check failed");
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON).orElseThrow().version()).isEqualTo("v1.9.0");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Failed", "failed", "Canceled", "unhealthy"})
  void eachFailureStateEndsTheWait(String state) {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      // Planned while ACK still reported the addon installing (a change this run did not start, so no task id to
      // follow); by the time the wait polls, the instance reads the failure state.
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, Specs.ADDON_VERSION, "installing");
      var plan = bed.reconciler().plan(CloudTestBed.spec());
      assertThat(plan.actions()).extracting(Action::id).contains("addon-wait").doesNotContain("addon-install");
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, Specs.ADDON_VERSION, state);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), plan, ApplyOptions.defaults());

      assertThat(result.outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("addon-wait").message()).contains("reports state " + state);
      assertThat(bed.sleeps).as("no poll interval was waited").isEmpty();
    }
  }

  @Test
  void aWaitThatKnowsNoTaskIdFollowsItsAddonsRunningTaskAndFailsAtItsFailureWithAcksError() {
    // Slow enough that the task still runs when the wait first polls (every action before it observes the addon).
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(15))) {
      // The instance reads active after its task failed, as the real service did before Terraform followed the task.
      bed.fake.failNextAddonTask(Specs.ADDON, "AddonInstallFailed", "install terway-eniip: ENI quota exceeded",
          "active");
      // A run that crashed after sending the install (its task id died with it), and a newer task of another addon.
      String ours = bed.ack.installAddon(Specs.CLUSTER_ID, Specs.ADDON, null, null);
      String theirs = bed.ack.installAddon(Specs.CLUSTER_ID, "csi-plugin", null, null);
      var plan = bed.reconciler().plan(CloudTestBed.spec());
      assertThat(plan.actions()).extracting(Action::id).contains("addon-wait").doesNotContain("addon-install");

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), plan, ApplyOptions.defaults());

      // The instance never reads a failure state: only the task the wait found says the install failed.
      assertThat(result.outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("addon-wait").message()).contains("task " + ours, "AddonInstallFailed",
          "install terway-eniip: ENI quota exceeded", "request id ").doesNotContain(theirs);
      assertThat(bed.fake.journal().count("DescribeClusterTasks")).isEqualTo(1);
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON).orElseThrow().state()).isEqualTo("active");
    }
  }

  @Test
  void aWaitThatFindsItsAddonActiveAtOnceListsNoTasks() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(2))) {
      bed.ack.installAddon(Specs.CLUSTER_ID, Specs.ADDON, null, null);
      var plan = bed.reconciler().plan(CloudTestBed.spec());
      bed.fake.settleAddons();

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), plan, ApplyOptions.defaults());

      assertThat(result.outcome("addon-wait").status()).isNotEqualTo(OutcomeStatus.FAILED);
      assertThat(bed.fake.journal().count("DescribeClusterTasks")).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Failed", "failed", "Canceled", "unhealthy"})
  void aFailureStateSeenWhenPlanningBlocksTheApplyWhichSendsNothing(String state) {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, Specs.ADDON_VERSION, state);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).isFalse();
      assertThat(result.plan().blockers()).extracting(f -> f.code()).contains("ADDON_FAILED");
      assertThat(result.plan().actions()).noneMatch(a -> a.id().startsWith("addon-"));
      assertThat(bed.fake.journal()).noneMatch(e -> e.operation().matches("Install.*|Upgrade.*|UnInstall.*"));
      assertThat(bed.sleeps).as("no poll interval was waited").isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Failed", "unhealthy"})
  void aTaskThatLeavesAFailureStateFailsTheWaitWithTheTasksError(String state) {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0))) {
      bed.fake.failNextAddonTask(Specs.ADDON, "AddonInstallFailed", "pods never became ready", state);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(result.outcome("addon-wait").message())
          .contains("AddonInstallFailed", "pods never became ready", "the addon reads " + state);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404})
  void addonNotFoundAtAnyStatusIsNotInstalled(int status) {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonNotFoundStatus(status))) {
      assertThat(bed.ack.getAddonInstance(Specs.CLUSTER_ID, Specs.ADDON)).isEmpty();

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.journal().of("GetClusterAddonInstance")).anySatisfy(e -> {
        assertThat(e.errorCode()).isEqualTo("AddonNotFound");
        assertThat(e.status()).isEqualTo(status);
      });
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON)).isPresent();
    }
  }

  @Test
  void aNon404StatusWithAnotherCodeIsAnErrorNotAnAbsentAddon() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      bed.fake.faults().on("GetClusterAddonInstance").failWith("InvalidAction.NotFound", 404);

      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> bed.ack.getAddonInstance(Specs.CLUSTER_ID, Specs.ADDON))
          .isInstanceOf(AliyunCallException.class).hasMessageContaining("InvalidAction.NotFound");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Rejected.Throttling", "Throttling.User", "Throttling.Api", "Throttling"})
  void everyThrottlingCodeIsRetried(String code) {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, Specs.ADDON_VERSION, "active");
      bed.fake.faults().on("GetClusterAddonInstance").failWith(code, 400, 2);

      assertThat(bed.ack.getAddonInstance(Specs.CLUSTER_ID, Specs.ADDON)).isPresent();
      assertThat(bed.fake.faults().taken("GetClusterAddonInstance")).isEqualTo(2);
      assertThat(bed.sleeps).hasSize(2);
    }
  }

  @Test
  void anInstallThatFailsAfterCommitIsReadBackAndNotSentTwice() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      bed.fake.faults().on("InstallClusterAddons").failAfterCommit(500, 1);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.faults().taken("InstallClusterAddons")).isEqualTo(1);
      assertThat(bed.fake.journal().count("InstallClusterAddons")).isEqualTo(1);
      assertThat(result.apply().outcome("addon-install").message()).contains("not sent again");
    }
  }

  @Test
  void anInstallRefusedBeforeCommitIsSentAgain() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      bed.fake.faults().on("InstallClusterAddons").throttleTimes(1);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.journal().count("InstallClusterAddons")).isEqualTo(2);
      assertThat(bed.fake.addons(Specs.CLUSTER_ID)).hasSize(1);
    }
  }

  @Test
  void anUninstallWhoseAnswerIsLostIsReadBackAndNotSentTwice() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults())) {
      assertThat(bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults()).converged()).isTrue();
      bed.fake.faults().on("UnInstallClusterAddons").dropAfterCommit(1);

      ReconcileResult result = bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.faults().taken("UnInstallClusterAddons")).isEqualTo(1);
      assertThat(bed.fake.journal().count("UnInstallClusterAddons")).isEqualTo(1);
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON)).isEmpty();
    }
  }

  @Test
  void theWaitShowsStateElapsedTimeAndTaskIdToTheListener() {
    try (CloudTestBed bed = bed(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(4))) {
      List<String> seen = new CopyOnWriteArrayList<>();
      ApplyListener listener = new ApplyListener() {
        @Override
        public void waitingForAddon(Action action, String state, Duration elapsed, String taskId) {
          seen.add(state + "@" + elapsed.toSeconds() + "s/" + taskId);
        }
      };

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(),
          ApplyOptions.defaults().withListener(listener));

      assertThat(result.converged()).as(result.why()).isTrue();
      String task = bed.fake.journal().of("DescribeTaskInfo").get(0).path().substring("/tasks/".length());
      assertThat(seen).isNotEmpty().allMatch(s -> s.startsWith("installing@") && s.endsWith("s/" + task));
      assertThat(seen.get(seen.size() - 1)).doesNotStartWith("installing@0s");
    }
  }
}
