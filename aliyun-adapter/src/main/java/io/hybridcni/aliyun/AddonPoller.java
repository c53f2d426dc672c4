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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Polls an addon instance with growing intervals until a goal holds (active, or gone), reporting each state, the time
 * waited and the task id to the listener. When this run started the change, each poll also asks DescribeTaskInfo:
 * a failed task fails the wait at that poll with ACK's error code, message and request id, and the goal counts only
 * once the task succeeded (an instance can read {@code active} after its task failed). A failure state of the
 * instance ({@link AddonInstance#FAILURE_STATES}, any case) fails the wait at once too; otherwise the wait fails after
 * the timeout naming the last state. The one loop behind both addon waits.
 *
 * <p>A wait that knows no task id (the run that started the change crashed, or the addon was busy when planned)
 * looks for one once, at its first poll that does not reach the goal: DescribeClusterTasks lists the cluster's tasks
 * (its entries do not name the addon), and each running one is asked with DescribeTaskInfo, whose {@code task_result}
 * names what the task changes; the newest running task that names this addon is then followed like the run's own.
 * ACK runs one change of an addon at a time (an upgrade of an addon that is not active is refused), so there is at
 * most one. When none names it, the wait judges by the instance's state alone, as before; so does it when the task
 * had already ended by the first poll (an instance that then reads {@code active} after a failed task is taken as
 * active: finding an ended task would mean describing the cluster's whole task history).
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
    boolean lookedForTask = taskId != null;
    String last = "not installed";
    int polls = 0;
    while (true) {
      // The instance first, then its task: the task has the last word on a change the instance may report done.
      Optional<AddonInstance> instance = ack.getAddonInstance(clusterId, name);
      Optional<AddonTask> task = taskId == null ? Optional.empty() : ack.describeTask(taskId);
      polls++;
      Duration elapsed = Duration.between(start, clock.instant());
      String state = instance.map(AddonInstance::state).orElse("not installed");
      boolean taskDone = task.isEmpty() || task.get().succeeded();
      Optional<StepResult> done = taskDone && !(task.isPresent() && task.get().failed())
          ? goal.reached().apply(new Poll(instance, polls, elapsed)) : Optional.empty();
      if (done.isPresent()) {
        return done.get();
      }
      if (!lookedForTask) {
        lookedForTask = true;
        task = runningTaskOf(clusterId, name);
        taskId = task.map(AddonTask::id).orElse(null);
      }
      if (task.isPresent() && task.get().failed()) {
        throw new HybridCniException("Addon " + name + " on cluster " + clusterId + ": ACK "
            + task.get().describeFailure() + goal.whileDoing() + "; the addon reads " + state + " after " + polls
            + " poll(s), " + elapsed.toSeconds() + " s");
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

  /** The newest running task of the cluster whose {@code task_result} names the addon, as DescribeTaskInfo reads it. */
  private Optional<AddonTask> runningTaskOf(String clusterId, String name) {
    List<ClusterTask> running = new ArrayList<>(ack.listClusterTasks(clusterId).stream()
        .filter(ClusterTask::running).toList());
    // Newest first by ACK's creation time; the list's own order is not documented.
    Collections.reverse(running);
    running.sort(Comparator.comparing(ClusterTask::created, Comparator.nullsFirst(Comparator.naturalOrder()))
        .reversed());
    for (ClusterTask candidate : running) {
      Optional<AddonTask> task = ack.describeTask(candidate.id());
      if (task.isPresent() && task.get().resources().contains(name)) {
        return task;
      }
    }
    return Optional.empty();
  }
}
