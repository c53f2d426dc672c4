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

/** The addon executors: install or upgrade, and wait until active. */
final class AddonExecutors {

  private AddonExecutors() {}

  /** {@code INSTALL_ADDON} and {@code UPGRADE_ADDON}. An install of an addon that is already there is success. */
  static final class ChangeAddon implements ActionExecutor {
    private final AckApi ack;

    ChangeAddon(AckApi ack) {
      this.ack = ack;
    }

    @Override
    public boolean handles(ActionKind kind) {
      return kind == ActionKind.INSTALL_ADDON || kind == ActionKind.UPGRADE_ADDON;
    }

    @Override
    public StepResult execute(Action action, ExecutionContext context) {
      ActionDetail.Addon d = (ActionDetail.Addon) action.detail();
      boolean install = action.kind() == ActionKind.INSTALL_ADDON;
      String version = d.toVersion() == null ? "ACK's default version" : d.toVersion();
      if (context.dryRun()) {
        return StepResult.dryRun("client", (install ? "would install " : "would upgrade ") + d.name() + " ("
            + version + ")", List.of(install
                ? "CS POST /clusters/" + d.clusterId() + "/components/install [{name: " + d.name() + "}]"
                : "CS POST /clusters/" + d.clusterId() + "/components/upgrade [{component_name: " + d.name()
                    + ", next_version: " + d.toVersion() + "}]"));
      }
      if (install) {
        Optional<AddonInstance> existing = ack.getAddonInstance(d.clusterId(), d.name());
        if (existing.isPresent()) {
          return StepResult.alreadySatisfied(d.name() + " is already installed (" + existing.get().version() + ", "
              + existing.get().state() + ")");
        }
        String task;
        try {
          task = ack.installAddon(d.clusterId(), d.name(), d.toVersion(), d.config());
        } catch (AliyunCallException e) {
          return startedAnyway(d, e, a -> true).orElseThrow(() -> e);
        }
        return StepResult.applied("installing " + d.name() + " (" + version + ")"
            + (task == null ? "" : ", task " + task));
      }
      try {
        ack.upgradeAddon(d.clusterId(), d.name(), d.fromVersion(), d.toVersion(), d.config());
      } catch (AliyunCallException e) {
        return startedAnyway(d, e, a -> !a.active() || d.toVersion().equals(a.version())).orElseThrow(() -> e);
      }
      return StepResult.applied("upgrading " + d.name() + " from " + d.fromVersion() + " to " + d.toVersion());
    }

    /**
     * After a refused install or upgrade, whether the change happened anyway: the call is retried after a lost
     * answer, and the retry of a change that went through is refused (the addon is there, or busy upgrading). The
     * wait that follows checks the state and version the plan asked for.
     */
    private Optional<StepResult> startedAnyway(ActionDetail.Addon d, AliyunCallException refusal,
        java.util.function.Predicate<AddonInstance> started) {
      return ack.getAddonInstance(d.clusterId(), d.name()).filter(started).map(a -> StepResult.applied(d.name()
          + " is " + a.state() + " (" + a.version() + "): the change went through, although its last request "
          + "was refused (" + (refusal.code() == null ? "no answer" : refusal.code())
          + "), as a repeated request is after a lost answer"));
    }
  }

  /**
   * {@code WAIT_FOR_ADDON}: polls the addon instance with growing intervals until it is {@code active} (at the
   * planned version, when one is set), reporting each state to the listener; fails after the timeout naming the
   * last state, or at once when the addon reports a failed state.
   */
  static final class WaitForAddon implements ActionExecutor {
    private final AckApi ack;
    private final AddonWaitOptions options;
    private final Clock clock;
    private final Sleeper sleeper;

    WaitForAddon(AckApi ack, AddonWaitOptions options, Clock clock, Sleeper sleeper) {
      this.ack = ack;
      this.options = options;
      this.clock = clock;
      this.sleeper = sleeper;
    }

    @Override
    public boolean handles(ActionKind kind) {
      return kind == ActionKind.WAIT_FOR_ADDON;
    }

    @Override
    public StepResult execute(Action action, ExecutionContext context) {
      ActionDetail.AddonWait d = (ActionDetail.AddonWait) action.detail();
      if (context.dryRun()) {
        return StepResult.dryRun("client", "would wait until " + d.name() + " is active",
            List.of("CS GET /clusters/" + d.clusterId() + "/addon_instances/" + d.name() + " (polled)"));
      }
      Instant start = clock.instant();
      Duration interval = options.firstInterval();
      String last = "not installed";
      int polls = 0;
      while (true) {
        Optional<AddonInstance> instance = ack.getAddonInstance(d.clusterId(), d.name());
        polls++;
        Duration elapsed = Duration.between(start, clock.instant());
        if (instance.isPresent()) {
          AddonInstance a = instance.get();
          last = a.state() + (a.version() == null ? "" : " (" + a.version() + ")");
          boolean versionOk = d.version() == null || d.version().equals(a.version());
          if (a.active() && versionOk) {
            return StepResult.applied(d.name() + " is active"
                + (a.version() == null || a.version().isBlank() ? "" : " at " + a.version())
                + " after " + polls + " poll(s), " + elapsed.toSeconds() + " s");
          }
          if (a.state() != null && (a.state().contains("fail") || a.state().contains("error"))) {
            throw new HybridCniException("Addon " + d.name() + " on cluster " + d.clusterId() + " reports state "
                + a.state() + "; see the ACK console for the task's error");
          }
          context.listener().waitingForAddon(action, a.state(), elapsed);
        } else {
          context.listener().waitingForAddon(action, "not installed", elapsed);
        }
        if (elapsed.compareTo(options.timeout()) >= 0) {
          throw new HybridCniException("Addon " + d.name() + " on cluster " + d.clusterId() + " did not become "
              + "active" + (d.version() == null ? "" : " at " + d.version()) + " within " + options.timeout()
              .toSeconds() + " s; last state: " + last);
        }
        try {
          sleeper.sleep(interval);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HybridCniException("interrupted while waiting for addon " + d.name(), e);
        }
        long next = Math.min(options.maxInterval().toMillis(), interval.toMillis() * 3 / 2 + 1);
        interval = Duration.ofMillis(next);
      }
    }
  }
}
