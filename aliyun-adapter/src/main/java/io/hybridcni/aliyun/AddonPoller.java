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
 * Polls an addon instance with growing intervals until a goal holds (active, or gone), reporting each state to the
 * listener; fails at once when the addon reports a failed state, and after the timeout naming the last state. The
 * one loop behind both addon waits.
 */
final class AddonPoller {

  /** One observation: the instance (empty when ACK no longer lists it), how many polls so far, time waited. */
  record Poll(Optional<AddonInstance> instance, int polls, Duration elapsed) {}

  /** What a wait is for and how its failures read. */
  record Goal(Function<Poll, Optional<StepResult>> reached, String whileDoing, String notReached,
      Function<AddonInstance, String> describe) {}

  private final AckApi ack;
  private final AddonWaitOptions options;
  private final Clock clock;
  private final Sleeper sleeper;

  AddonPoller(AckApi ack, AddonWaitOptions options, Clock clock, Sleeper sleeper) {
    this.ack = ack;
    this.options = options;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  StepResult await(Action action, ExecutionContext context, String clusterId, String name, Goal goal) {
    Instant start = clock.instant();
    Duration interval = options.firstInterval();
    String last = "not installed";
    int polls = 0;
    while (true) {
      Optional<AddonInstance> instance = ack.getAddonInstance(clusterId, name);
      polls++;
      Duration elapsed = Duration.between(start, clock.instant());
      Optional<StepResult> done = goal.reached().apply(new Poll(instance, polls, elapsed));
      if (done.isPresent()) {
        return done.get();
      }
      String state = "not installed";
      if (instance.isPresent()) {
        state = instance.get().state();
        last = goal.describe().apply(instance.get());
        if (state != null && (state.contains("fail") || state.contains("error"))) {
          throw new HybridCniException("Addon " + name + " on cluster " + clusterId + " reports state " + state
              + goal.whileDoing() + "; see the ACK console for the task's error");
        }
      }
      context.listener().waitingForAddon(action, state, elapsed);
      if (elapsed.compareTo(options.timeout()) >= 0) {
        throw new HybridCniException("Addon " + name + " on cluster " + clusterId + " " + goal.notReached()
            + " within " + options.timeout().toSeconds() + " s; last state: " + last);
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
