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

/** The addon executors of a destroy: uninstall, and wait until the addon is gone. */
final class AddonRemovalExecutors {

  /** The state of an addon ACK is uninstalling. */
  static final String DELETING = "deleting";

  private AddonRemovalExecutors() {}


  /**
   * {@code UNINSTALL_ADDON}: {@code POST /clusters/{id}/components/uninstall}. An addon that is gone, or that ACK
   * is already uninstalling, is success.
   */
  static final class UninstallAddon extends AliyunExecutor<ActionDetail.AddonUninstall> {
    private final AckApi ack;
    private final Retrier retrier;
    private final AddonTasks tasks;

    UninstallAddon(AckApi ack, Retrier retrier, AddonTasks tasks) {
      super(ActionDetail.AddonUninstall.class, ActionKind.UNINSTALL_ADDON);
      this.ack = ack;
      this.retrier = retrier;
      this.tasks = tasks;
    }

    @Override
    String wouldDo(Action action, ActionDetail.AddonUninstall d) {
      return "would uninstall " + d.name();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.AddonUninstall d) {
      return List.of("CS POST /clusters/" + d.clusterId() + "/components/uninstall [{name: " + d.name() + "}]");
    }

    @Override
    StepResult apply(Action action, ActionDetail.AddonUninstall d, ExecutionContext context) {
      Optional<AddonInstance> existing = ack.getAddonInstance(d.clusterId(), d.name());
      if (existing.isEmpty()) {
        return StepResult.alreadySatisfied(d.name() + " is not installed");
      }
      if (existing.get().is(DELETING)) {
        return StepResult.alreadySatisfied(d.name() + " is already being uninstalled");
      }
      try {
        return AddonWrites.send(retrier, action, context, "UnInstallClusterAddons",
            () -> ack.uninstallAddon(d.clusterId(), d.name()),
            () -> {
              Optional<AddonInstance> now = ack.getAddonInstance(d.clusterId(), d.name());
              if (now.isPresent() && !now.get().is(DELETING)) {
                return Optional.empty();
              }
              tasks.started(d.clusterId(), d.name(), null);
              return Optional.of(StepResult.applied(d.name() + (now.isEmpty() ? " is gone" : " is deleting")
                  + ": the uninstall went through, although an answer was lost, so it was not sent again"));
            },
            task -> {
              tasks.started(d.clusterId(), d.name(), task);
              return StepResult.applied("uninstalling " + d.name() + (task == null ? "" : ", task " + task));
            });
      } catch (AliyunCallException e) {
        if (SdkAckApi.notFound(e, SdkAckApi.ADDON_NOT_FOUND)) {
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
  static final class WaitForAddonRemoval extends AliyunExecutor<ActionDetail.AddonRemovalWait> {
    private final AddonPoller poller;

    WaitForAddonRemoval(AckApi ack, AddonTasks tasks, AddonWaitOptions options, Clock clock, Sleeper sleeper) {
      super(ActionDetail.AddonRemovalWait.class, ActionKind.WAIT_FOR_ADDON_REMOVAL);
      this.poller = new AddonPoller(ack, tasks, options, clock, sleeper);
    }

    @Override
    String wouldDo(Action action, ActionDetail.AddonRemovalWait d) {
      return "would wait until " + d.name() + " is gone";
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.AddonRemovalWait d) {
      return List.of("CS GET /clusters/" + d.clusterId() + "/addon_instances/" + d.name() + " (polled)");
    }

    @Override
    StepResult apply(Action action, ActionDetail.AddonRemovalWait d, ExecutionContext context) {
      AddonPoller.Goal gone = new AddonPoller.Goal(poll -> poll.instance().isPresent() ? Optional.empty()
          : Optional.of(StepResult.applied(d.name() + " is gone after " + poll.polls() + " poll(s), "
              + poll.elapsed().toSeconds() + " s")),
          " while being uninstalled", "was not gone", AddonInstance::state);
      return poller.await(action, context, d.clusterId(), d.name(), gone);
    }
  }
}
