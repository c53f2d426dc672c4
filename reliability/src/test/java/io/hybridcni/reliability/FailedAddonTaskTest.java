package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Finding;
import io.hybridcni.testkit.aliyun.JournalEntry;
import io.hybridcni.testkit.kube.MockRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failed addon task on the fresh BGP apply, through the real SDK against the fake's scripted task failures: the
 * apply fails at the first answer that says the task failed, quoting ACK's error code, message and request id, and
 * writes nothing after it; a run that crashed while the task ran leaves a next run that knows no task id (it lived
 * only in the dead process): its wait finds the addon's running task among the cluster's (DescribeClusterTasks, then
 * DescribeTaskInfo) and follows it, converging on success and failing at the task's failure with ACK's error; and
 * the run after a failed task does what the real service needs: a failed instance is a blocker until it is
 * uninstalled ({@code destroy}), after which apply converges, and an install that left nothing is simply installed
 * again.
 */
class FailedAddonTaskTest {

  static final String CODE = "AddonInstallFailed";
  static final String MESSAGE = "install terway-eniip: pods of DaemonSet kube-system/terway-eniip never became ready";

  private static World world;

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  private static ApplyOptions as(String holder) {
    return ApplyOptions.defaults().withHolder(holder).withWaitForLock(Duration.ofMinutes(2));
  }

  @Test
  void aFailedInstallTaskFailsTheApplyAtItsFirstFailedAnswerNamingTheTasksErrorAndWritesNothingAfterIt() {
    world.reset();
    // Slow enough that the wait first sees the task running, then failed.
    world.settleAddonsAfter(4);
    world.aliyun().failNextAddonTask(Specs.ADDON, CODE, MESSAGE, "Failed");
    AtomicInteger journalAtTheFailure = new AtomicInteger(-1);
    Reconciler reconciler = world.reconciler(new World.Wiring().executors(executor -> executor.around((action, context, step) -> {
      try {
        return step.get();
      } finally {
        if (action.kind() == ActionKind.WAIT_FOR_ADDON) {
          journalAtTheFailure.set(world.aliyun().journal().size());
          MockRequests.drain(world.server());
        }
      }
    })));

    ReconcileResult result = reconciler.reconcile(World.spec(), as("failing-run"));

    assertThat(result.converged()).isFalse();
    assertThat(result.apply().outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
    List<JournalEntry> tasks = world.aliyun().journal().of("DescribeTaskInfo");
    List<JournalEntry> failedAnswers = tasks.stream().filter(e -> e.rendering().contains("\"failed\"")).toList();
    assertThat(tasks.size()).as("polls that saw the task running, then the one that saw it fail")
        .isGreaterThan(1);
    assertThat(failedAnswers).as("the wait stops at the first answer that says the task failed").hasSize(1);
    assertThat(tasks.get(tasks.size() - 1)).isEqualTo(failedAnswers.get(0));
    assertThat(result.apply().outcome("addon-wait").message())
        .contains(CODE, MESSAGE, "request id " + failedAnswers.get(0).requestId(), tasks.size() + " poll(s)");
    // After the failure: the run's closing observation and status check read, and its Lease goes; nothing else.
    List<JournalEntry> journal = world.aliyun().journal();
    assertThat(journal.subList(journalAtTheFailure.get(), journal.size())).as("Aliyun calls after the failure")
        .allSatisfy(e -> assertThat(e.operation()).matches("(Get|List|Describe).*"));
    assertThat(MockRequests.drain(world.server())).as("Kubernetes requests after the failure")
        .allSatisfy(r -> assertThat(r.method().equals("GET") || r.pathOnly().contains("/leases/"))
            .as(r.toString()).isTrue());
  }

  @Test
  void aRunCrashedWhileTheInstallTaskRunsIsFollowedByOneThatFindsTheTaskWaitsAndConverges() {
    world.reset();
    world.settleAddonsAfter(8);

    crashBeforeTheWait();
    assertThat(world.addon()).as("the crashed run's install is still going").hasValueSatisfying(
        addon -> assertThat(addon.state()).isEqualTo("installing"));
    String crashedTask = installTaskId();
    int journalBefore = world.aliyun().journal().size();
    ReconcileResult result = nextRun().reconcile(World.spec(), as("next-run"));
    world.runControllers();

    assertThat(result.plan().actions()).extracting(Action::id).containsExactly("addon-wait");
    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(Invariants.converged(world, result.verification())).isEmpty();
    assertThat(world.aliyun().journal().count("InstallClusterAddons")).as("no second install").isEqualTo(1);
    List<JournalEntry> calls = world.aliyun().journal().subList(journalBefore, world.aliyun().journal().size());
    assertThat(calls.stream().filter(e -> e.operation().equals("DescribeClusterTasks"))).as("looked for once")
        .hasSize(1);
    assertThat(calls.stream().filter(e -> e.operation().equals("DescribeTaskInfo")))
        .as("the wait followed the crashed run's task").isNotEmpty()
        .allSatisfy(e -> assertThat(e.path()).isEqualTo("/tasks/" + crashedTask));
  }

  @Test
  void aRunCrashedWhileAFailingTaskRunsIsFollowedByOneWhoseWaitFailsAtTheTasksFailureWithAcksError() {
    world.reset();
    world.settleAddonsAfter(8);
    world.aliyun().failNextAddonTask(Specs.ADDON, CODE, MESSAGE, "Failed");

    crashBeforeTheWait();
    String crashedTask = installTaskId();
    int journalBefore = world.aliyun().journal().size();
    ReconcileResult result = nextRun().reconcile(World.spec(), as("next-run"));
    world.runControllers();

    assertThat(result.converged()).isFalse();
    assertThat(result.apply().outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
    List<JournalEntry> calls = world.aliyun().journal().subList(journalBefore, world.aliyun().journal().size());
    List<JournalEntry> failedAnswers = calls.stream().filter(e -> e.operation().equals("DescribeTaskInfo")
        && e.rendering().contains("\"failed\"")).toList();
    assertThat(failedAnswers).as("the wait stops at the first answer that says the task failed").hasSize(1);
    assertThat(failedAnswers.get(0).path()).isEqualTo("/tasks/" + crashedTask);
    assertThat(result.apply().outcome("addon-wait").message()).contains("task " + crashedTask, CODE, MESSAGE,
        "request id " + failedAnswers.get(0).requestId());
    assertThat(calls.subList(calls.indexOf(failedAnswers.get(0)) + 1, calls.size())).as("no poll after it")
        .noneMatch(e -> e.operation().equals("GetClusterAddonInstance") || e.operation().equals("DescribeTaskInfo"));
    assertThat(result.verification().blockers()).extracting(Finding::code).contains("ADDON_FAILED");
    assertThat(Invariants.noLostData(world, Map.of())).isEmpty();
  }

  @Test
  void theRunAfterAFailedInstallTaskIsBlockedUntilTheAddonIsUninstalledAndThenConverges() {
    world.reset();
    world.aliyun().failNextAddonTask(Specs.ADDON, CODE, MESSAGE, "Failed");
    assertThat(world.reconciler().reconcile(World.spec(), as("failing-run")).converged()).isFalse();
    world.runControllers();
    MockRequests.drain(world.server());
    int journalBefore = world.aliyun().journal().size();

    ReconcileResult blocked = world.reconciler().reconcile(World.spec(), as("blocked-run"));

    assertThat(blocked.converged()).isFalse();
    assertThat(blocked.plan().blockers()).filteredOn(f -> f.code().equals("ADDON_FAILED")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("state Failed", "hybridcni destroy", "apply again"));
    List<JournalEntry> journal = world.aliyun().journal();
    assertThat(journal.subList(journalBefore, journal.size())).as("a blocked run only reads")
        .allSatisfy(e -> assertThat(e.operation()).matches("(Get|List|Describe).*"));
    assertThat(MockRequests.drain(world.server())).as("a blocked run only reads")
        .allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));

    ReconcileResult destroyed = world.reconciler().destroy(World.spec(), as("destroy-run"));
    world.runControllers();
    assertThat(destroyed.converged()).as(destroyed.why()).isTrue();
    assertThat(Invariants.destroyed(world, destroyed.verification())).isEmpty();

    ReconcileResult again = world.reconciler().reconcile(World.spec(), as("apply-again"));
    world.runControllers();
    assertThat(again.converged()).as(again.why()).isTrue();
    assertThat(Invariants.converged(world, again.verification())).isEmpty();
    assertThat(world.aliyun().journal().count("InstallClusterAddons")).isEqualTo(2);
  }

  @Test
  void aFailedInstallThatLeftNoInstanceIsInstalledAgainByTheNextRun() {
    world.reset();
    world.aliyun().failNextAddonTask(Specs.ADDON, CODE, MESSAGE, null);
    ReconcileResult failed = world.reconciler().reconcile(World.spec(), as("failing-run"));
    assertThat(failed.apply().outcome("addon-wait").message()).contains(CODE, MESSAGE);
    world.runControllers();

    ReconcileResult result = world.reconciler().reconcile(World.spec(), as("next-run"));
    world.runControllers();

    assertThat(result.plan().actions()).extracting(Action::id).containsExactly("addon-install", "addon-wait");
    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(Invariants.converged(world, result.verification())).isEmpty();
  }

  /** The task id of the one install sent so far, as ACK answered it. */
  private static String installTaskId() {
    List<JournalEntry> installs = world.aliyun().journal().of("InstallClusterAddons");
    assertThat(installs).hasSize(1);
    String rendering = installs.get(0).rendering();
    int at = rendering.indexOf("\"task_id\":\"") + "\"task_id\":\"".length();
    return rendering.substring(at, rendering.indexOf('"', at));
  }

  /** Runs the fresh apply and kills it once the addon install was sent, before its wait. */
  private static void crashBeforeTheWait() {
    Crash crash = new Crash(world, Crash.Point.beforeAction(6, "addon-wait"));
    Reconciler crashing = world.reconciler(new World.Wiring().executors(crash::around).secrets(crash::around)
        .lock(crash::around));
    Throwable died = catchThrowable(() -> crashing.reconcile(World.spec(), as("crashed-run")));
    assertThat(died).isInstanceOf(Crash.SimulatedCrash.class);
    assertThat(crash.crashedBefore()).isEqualTo("addon-wait");
    world.runControllers();
    assertThat(Invariants.noLostData(world, Map.of())).isEmpty();
  }

  /** A run in a new process: it takes the dead run's Lease over once it watched it unchanged for its duration. */
  private static Reconciler nextRun() {
    AtomicLong ticker = new AtomicLong(System.nanoTime());
    return world.reconciler(new World.Wiring().lockClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
        .lockTicker(ticker::get).lockSleeper(d -> ticker.addAndGet(Duration.ofSeconds(1).toNanos())));
  }
}
