package io.hybridcni.aliyun;

import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.plan.Action;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Polls an addon instance with growing intervals until a goal holds (active, or gone), reporting each state, the time
 * waited and the task id to the listener. When this run started the change, each poll also asks DescribeTaskInfo:
 * a failed task fails the wait at that poll with ACK's error code, message and request id, and the goal counts only
 * once the task succeeded (an instance can read {@code active} after its task failed). A failure state of the
 * instance ({@link AddonInstance#FAILURE_STATES}, any case) fails the wait at once too; otherwise the wait fails after
 * the timeout naming the last state. The one loop behind both addon waits.
 */
final class AddonPoller {

  /** One observation: the instance (empty when ACK no longer lists it), how many polls so far, time waited. */
  record Poll(Optional<AddonInstance> instance, int polls, Duration elapsed) {}

  /** What a wait is for and how its failures read. */
  record Goal(Function<Poll, Optional<StepResult>> reached, String whileDoing, String notReached,
      Function<AddonInstance, String> describe) {}

  private final AckApi ack;
  private final AddonTasks tasks;
  private final AddonWaitOptions options;
  private final Clock clock;
  private final Sleeper sleeper;

  AddonPoller(AckApi ack, AddonTasks tasks, AddonWaitOptions options, Clock clock, Sleeper sleeper) {
    this.ack = ack;
    this.tasks = tasks;
    this.options = options;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  StepResult await(Action action, ExecutionContext context, String clusterId, String name, Goal goal) {
    Instant start = clock.instant();
    Duration interval = options.firstInterval();
    String taskId = tasks.taskOf(clusterId, name).orElse(null);
    String last = "not installed";
    int polls = 0;
    while (true) {
      // The instance first, then its task: the task has the last word on a change the instance may report done.
      Optional<AddonInstance> instance = ack.getAddonInstance(clusterId, name);
      Optional<AddonTask> task = taskId == null ? Optional.empty() : ack.describeTask(taskId);
      polls++;
      Duration elapsed = Duration.between(start, clock.instant());
      String state = instance.map(AddonInstance::state).orElse("not installed");
      if (task.isPresent() && task.get().failed()) {
        throw new HybridCniException("Addon " + name + " on cluster " + clusterId + ": ACK "
            + task.get().describeFailure() + goal.whileDoing() + "; the addon reads " + state + " after " + polls
            + " poll(s), " + elapsed.toSeconds() + " s");
      }
      boolean taskDone = task.isEmpty() || task.get().succeeded();
      Optional<StepResult> done = taskDone ? goal.reached().apply(new Poll(instance, polls, elapsed))
          : Optional.empty();
      if (done.isPresent()) {
        return done.get();
      }
      if (instance.isPresent()) {
        last = goal.describe().apply(instance.get());
        if (instance.get().failed()) {
          throw new HybridCniException("Addon " + name + " on cluster " + clusterId + " reports state " + state
              + goal.whileDoing() + (taskId == null ? "; see the ACK console for the task's error"
                  : "; ACK task " + taskId + task.map(t -> " is " + t.state()).orElse(" is not known to ACK")));
        }
      }
      context.listener().waitingForAddon(action, state, elapsed, taskId);
      if (elapsed.compareTo(options.timeout()) >= 0) {
        throw new HybridCniException("Addon " + name + " on cluster " + clusterId + " " + goal.notReached()
            + " within " + options.timeout().toSeconds() + " s; last state: " + last
            + (taskId == null ? "" : "; ACK task " + taskId + task.map(t -> " is " + t.state()).orElse("")));
      }
      try {
        sleeper.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException("interrupted while waiting for addon " + name, e);
      }
      interval = Duration.ofMillis(Math.min(options.maxInterval().toMillis(), interval.toMillis() * 3 / 2 + 1));
    }
  }
}
