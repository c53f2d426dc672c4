package io.hybridcni.aliyun;

import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The addon executors: install or upgrade, and wait until active. */
final class AddonExecutors {

  private AddonExecutors() {}

  /**
   * {@code INSTALL_ADDON} and {@code UPGRADE_ADDON}. An install of an addon that is already there is success, and
   * so is an upgrade of an addon already active at the target version.
   */
  static final class ChangeAddon extends AliyunExecutor<ActionDetail.Addon> {
    private final AckApi ack;
    private final Retrier retrier;
    private final AddonTasks tasks;

    ChangeAddon(AckApi ack, Retrier retrier, AddonTasks tasks) {
      super(ActionDetail.Addon.class, ActionKind.INSTALL_ADDON, ActionKind.UPGRADE_ADDON);
      this.ack = ack;
      this.retrier = retrier;
      this.tasks = tasks;
    }

    @Override
    String wouldDo(Action action, ActionDetail.Addon d) {
      return (install(action) ? "would install " : "would upgrade ") + d.name() + " (" + version(d) + ")";
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.Addon d) {
      return List.of(install(action)
          ? "CS POST /clusters/" + d.clusterId() + "/components/install [{name: " + d.name() + "}]"
          : "CS POST /clusters/" + d.clusterId() + "/components/upgrade [{component_name: " + d.name()
              + ", next_version: " + d.toVersion() + "}]");
    }

    private static boolean install(Action action) {
      return action.kind() == ActionKind.INSTALL_ADDON;
    }

    private static String version(ActionDetail.Addon d) {
      return d.toVersion() == null ? "ACK's default version" : d.toVersion();
    }

    @Override
    StepResult apply(Action action, ActionDetail.Addon d, ExecutionContext context) {
      boolean install = install(action);
      String version = version(d);
      if (install) {
        Optional<AddonInstance> existing = ack.getAddonInstance(d.clusterId(), d.name());
        if (existing.isPresent()) {
          return StepResult.alreadySatisfied(d.name() + " is already installed (" + existing.get().version() + ", "
              + existing.get().state() + ")");
        }
        return AddonWrites.send(retrier, action, context, "InstallClusterAddons",
            () -> ack.installAddon(d.clusterId(), d.name(), d.toVersion(), d.config()),
            () -> startedAnyway(d, a -> true),
            task -> {
              tasks.started(d.clusterId(), d.name(), task);
              return StepResult.applied("installing " + d.name() + " (" + version + ")"
                  + (task == null ? "" : ", task " + task));
            });
      }
      // The upgrade may be done already: a crashed run started it, and the wait before this action saw it settle.
      Optional<AddonInstance> current = ack.getAddonInstance(d.clusterId(), d.name());
      if (current.isPresent() && current.get().active() && d.toVersion().equals(current.get().version())) {
        return StepResult.alreadySatisfied(d.name() + " already runs " + d.toVersion());
      }
      return AddonWrites.send(retrier, action, context, "UpgradeClusterAddons",
          () -> ack.upgradeAddon(d.clusterId(), d.name(), d.fromVersion(), d.toVersion(), d.config()),
          () -> startedAnyway(d, a -> !a.active() || d.toVersion().equals(a.version())),
          task -> {
            tasks.started(d.clusterId(), d.name(), task);
            return StepResult.applied("upgrading " + d.name() + " from " + d.fromVersion() + " to " + d.toVersion()
                + (task == null ? "" : ", task " + task));
          });
    }

    /**
     * After a lost answer, or a refusal following one, whether the change happened anyway (the addon is there, or
     * busy upgrading). The wait that follows checks the state and version the plan asked for; it knows no task id.
     */
    private Optional<StepResult> startedAnyway(ActionDetail.Addon d,
        java.util.function.Predicate<AddonInstance> started) {
      Optional<StepResult> result = ack.getAddonInstance(d.clusterId(), d.name()).filter(started)
          .map(a -> StepResult.applied(d.name() + " is " + a.state() + " (" + a.version() + "): the change went "
              + "through, although an answer was lost, so it was not sent again"));
      result.ifPresent(r -> tasks.started(d.clusterId(), d.name(), null));
      return result;
    }
  }

  /**
   * {@code WAIT_FOR_ADDON}: polls the addon instance with growing intervals until it is {@code active} (at the
   * planned version, when one is set) and the task this run started, if any, succeeded, reporting each state to the
   * listener; fails at the first poll that sees the task failed (quoting ACK's error) or a failure state, else after
   * the timeout naming the last state.
   */
  static final class WaitForAddon extends AliyunExecutor<ActionDetail.AddonWait> {
    private final AddonPoller poller;

    WaitForAddon(AckApi ack, AddonTasks tasks, AddonWaitOptions options, Clock clock, Sleeper sleeper) {
      super(ActionDetail.AddonWait.class, ActionKind.WAIT_FOR_ADDON);
      this.poller = new AddonPoller(ack, tasks, options, clock, sleeper);
    }

    @Override
    String wouldDo(Action action, ActionDetail.AddonWait d) {
      return "would wait until " + d.name() + " is active";
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.AddonWait d) {
      return List.of("CS GET /clusters/" + d.clusterId() + "/addon_instances/" + d.name() + " (polled)");
    }

    @Override
    StepResult apply(Action action, ActionDetail.AddonWait d, ExecutionContext context) {
      AddonPoller.Goal active = new AddonPoller.Goal(poll -> poll.instance()
          .filter(a -> a.active() && (d.version() == null || d.version().equals(a.version())))
          .map(a -> StepResult.applied(d.name() + " is active"
              + (a.version() == null || a.version().isBlank() ? "" : " at " + a.version())
              + " after " + poll.polls() + " poll(s), " + poll.elapsed().toSeconds() + " s")),
          "", "did not become active" + (d.version() == null ? "" : " at " + d.version()),
          a -> a.state() + (a.version() == null ? "" : " (" + a.version() + ")"));
      return poller.await(action, context, d.clusterId(), d.name(), active);
    }
  }
}
