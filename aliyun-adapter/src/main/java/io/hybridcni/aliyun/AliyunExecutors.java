package io.hybridcni.aliyun;

import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.port.SecretStore;
import java.time.Clock;
import java.util.List;

/** The cloud side's executors, one per action kind, wired to the APIs and the Kubernetes Secret store. */
public final class AliyunExecutors {

  private AliyunExecutors() {}

  /**
   * Executors for RAM user, policy, attachment, orphan key deletion, AccessKey + Secret, addon install/upgrade and
   * addon wait, and for the cloud side of a destroy: addon uninstall and the wait until it is gone, policy
   * detachment, AccessKey, policy and user deletion. (The Kubernetes side of a destroy, the exclusion removal and
   * the Secret deletion, runs in the kube-adapter.)
   */
  public static List<ActionExecutor<?>> create(RamApi ram, AckApi ack, SecretStore secrets, Retrier retrier,
      AddonWaitOptions wait, Clock clock) {
    AddonTasks tasks = new AddonTasks();
    return List.of(
        new RamExecutors.EnsureRamUser(ram),
        new RamExecutors.EnsureRamPolicy(ram, retrier),
        new RamExecutors.AttachRamPolicy(ram),
        new RamExecutors.DeleteOrphanAccessKey(ram, secrets),
        new AccessKeySecretExecutor(ram, secrets, retrier),
        new AddonExecutors.ChangeAddon(ack, retrier, tasks),
        new AddonExecutors.WaitForAddon(ack, tasks, wait, clock, retrier.sleeper()),
        new AddonRemovalExecutors.UninstallAddon(ack, retrier, tasks),
        new AddonRemovalExecutors.WaitForAddonRemoval(ack, tasks, wait, clock, retrier.sleeper()),
        new RamDeletionExecutors.DetachRamPolicy(ram),
        new RamDeletionExecutors.DeleteAccessKey(ram, secrets),
        new RamDeletionExecutors.DeleteRamPolicy(ram),
        new RamDeletionExecutors.DeleteRamUser(ram));
  }
}
