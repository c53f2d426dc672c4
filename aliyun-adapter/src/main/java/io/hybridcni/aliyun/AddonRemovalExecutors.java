package io.hybridcni.aliyun;

import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The addon executors of a destroy: uninstall, and wait until the addon is gone. */
final class AddonRemovalExecutors {

  /** The state of an addon ACK is uninstalling. */
  static final String DELETING = "deleting";

  private AddonRemovalExecutors() {}

  private static boolean notFound(AliyunCallException e) {
    return e.statusCode() != null && e.statusCode() == 404;
  }

  /**
   * {@code UNINSTALL_ADDON}: {@code POST /clusters/{id}/components/uninstall}. An addon that is gone, or that ACK
   * is already uninstalling, is success.
   */
  static final class UninstallAddon implements ActionExecutor {
    private final AckApi ack;

    UninstallAddon(AckApi ack) {
      this.ack = ack;
    }

    @Override
    public boolean handles(ActionKind kind) {
      return kind == ActionKind.UNINSTALL_ADDON;
    }

    @Override
    public StepResult execute(Action action, ExecutionContext context) {
      ActionDetail.AddonUninstall d = (ActionDetail.AddonUninstall) action.detail();
      if (context.dryRun()) {
        return StepResult.dryRun("client", "would uninstall " + d.name(), List.of(
            "CS POST /clusters/" + d.clusterId() + "/components/uninstall [{name: " + d.name() + "}]"));
      }
      Optional<AddonInstance> existing = ack.getAddonInstance(d.clusterId(), d.name());
      if (existing.isEmpty()) {
        return StepResult.alreadySatisfied(d.name() + " is not installed");
      }
      if (DELETING.equals(existing.get().state())) {
        return StepResult.alreadySatisfied(d.name() + " is already being uninstalled");
      }
      try {
        String task = ack.uninstallAddon(d.clusterId(), d.name());
        return StepResult.applied("uninstalling " + d.name() + (task == null ? "" : ", task " + task));
      } catch (AliyunCallException e) {
        if (notFound(e)) {
          return StepResult.alreadySatisfied(d.name() + " is not installed");
        }
        throw e;
      }
    }
  }

  /**
   * {@code WAIT_FOR_ADDON_REMOVAL}: polls the addon instance with growing intervals until ACK no longer lists it,
   * reporting each state to the listener; fails after the timeout naming the last state, or at once when the addon
   * reports a failed state.
   */
  static final class WaitForAddonRemoval implements ActionExecutor {
    private final AckApi ack;
    private final AddonWaitOptions options;
    private final Clock clock;
    private final Sleeper sleeper;

    WaitForAddonRemoval(AckApi ack, AddonWaitOptions options, Clock clock, Sleeper sleeper) {
      this.ack = ack;
      this.options = options;
      this.clock = clock;
      this.sleeper = sleeper;
    }

    @Override
    public boolean handles(ActionKind kind) {
      return kind == ActionKind.WAIT_FOR_ADDON_REMOVAL;
    }

    @Override
    public StepResult execute(Action action, ExecutionContext context) {
      ActionDetail.AddonRemovalWait d = (ActionDetail.AddonRemovalWait) action.detail();
      if (context.dryRun()) {
        return StepResult.dryRun("client", "would wait until " + d.name() + " is gone",
            List.of("CS GET /clusters/" + d.clusterId() + "/addon_instances/" + d.name() + " (polled)"));
      }
      Instant start = clock.instant();
      Duration interval = options.firstInterval();
      int polls = 0;
      while (true) {
        Optional<AddonInstance> instance = ack.getAddonInstance(d.clusterId(), d.name());
        polls++;
        Duration elapsed = Duration.between(start, clock.instant());
        if (instance.isEmpty()) {
          return StepResult.applied(d.name() + " is gone after " + polls + " poll(s), " + elapsed.toSeconds()
              + " s");
        }
        String state = instance.get().state();
        if (state != null && (state.contains("fail") || state.contains("error"))) {
          throw new HybridCniException("Addon " + d.name() + " on cluster " + d.clusterId() + " reports state "
              + state + " while being uninstalled; see the ACK console for the task's error");
        }
        context.listener().waitingForAddon(action, state, elapsed);
        if (elapsed.compareTo(options.timeout()) >= 0) {
          throw new HybridCniException("Addon " + d.name() + " on cluster " + d.clusterId() + " was not gone "
              + "within " + options.timeout().toSeconds() + " s; last state: " + state);
        }
        try {
          sleeper.sleep(interval);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HybridCniException("interrupted while waiting for addon " + d.name() + " to go", e);
        }
        interval = Duration.ofMillis(Math.min(options.maxInterval().toMillis(), interval.toMillis() * 3 / 2 + 1));
      }
    }
  }
}
