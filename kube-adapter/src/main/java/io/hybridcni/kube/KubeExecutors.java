package io.hybridcni.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.plan.ActionKind;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The Kubernetes side's executors, one per action kind, for a {@link io.hybridcni.apply.Reconciler} or the CLI to
 * list: the exclusion of cloud nodes from the on-premises CNI ({@link CniExclusionExecutor}), the restart of Terway
 * that brings it a new AccessKey ({@link TerwayRestartExecutor}), and for a destroy its
 * removal ({@link CniExclusionRemovalExecutor}) and the deletion of the AccessKey Secret
 * ({@link SecretDeletionExecutor}). (The Secret itself is written by the cloud side's AccessKey action through
 * {@link KubernetesSecretStore}.)
 */
public final class KubeExecutors {

  /**
   * The action kinds the executors of {@link #create} run, for a wiring of the cloud side alone to declare
   * ({@code Reconciler.Builder.unwired}); {@code KubeExecutorsTest} keeps it equal to them.
   */
  public static final Set<ActionKind> KINDS = Set.copyOf(EnumSet.of(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI,
      ActionKind.REMOVE_CNI_EXCLUSION, ActionKind.RESTART_TERWAY, ActionKind.DELETE_SECRET));

  private KubeExecutors() {}

  /** The executors with their defaults (dry runs {@link DryRunMode#AUTO}). */
  public static List<ActionExecutor<?>> create(KubernetesClient client) {
    return create(client, DryRunMode.AUTO, Clock.systemUTC());
  }

  /**
   * The executors writing through {@code client} (the caller keeps ownership of it), with this dry-run mode, and
   * {@code clock} for the timestamps of the Events they record.
   */
  public static List<ActionExecutor<?>> create(KubernetesClient client, DryRunMode dryRunMode, Clock clock) {
    return create(client, dryRunMode, clock, Sleeper.REAL, null);
  }

  /**
   * As {@link #create(KubernetesClient, DryRunMode, Clock)}, with {@code sleeper} for every wait (the rollouts'
   * polls, the pauses after a 429) and {@code rolloutTimeout} for the rollouts the exclusion, its removal and
   * Terway's restart follow: {@code null} keeps each executor's default ({@link CniExclusionExecutor.Builder#rolloutTimeout}, scaled
   * by the DaemonSet's size; {@link TerwayRestartExecutor#DEFAULT_TIMEOUT}). The exclusion follows its rollout
   * with a watch ({@link CniExclusionExecutor.Builder#watchRollout}): one call instead of a GET after every pause,
   * and polling when the watch does not open within 10 s.
   */
  public static List<ActionExecutor<?>> create(KubernetesClient client, DryRunMode dryRunMode, Clock clock,
      Sleeper sleeper, Duration rolloutTimeout) {
    Objects.requireNonNull(client, "client");
    TerwayRestartExecutor.Builder terway = TerwayRestartExecutor.builder(client).dryRunMode(dryRunMode).clock(clock)
        .sleeper(sleeper);
    if (rolloutTimeout != null) {
      terway.timeout(rolloutTimeout);
    }
    return List.of(
        CniExclusionExecutor.builder(client).dryRunMode(dryRunMode).clock(clock).sleeper(sleeper)
            .rolloutTimeout(rolloutTimeout).watchRollout(true).build(),
        CniExclusionRemovalExecutor.builder(client).dryRunMode(dryRunMode).clock(clock).sleeper(sleeper)
            .rolloutTimeout(rolloutTimeout).build(),
        terway.build(),
        SecretDeletionExecutor.builder(client).dryRunMode(dryRunMode).clock(clock).sleeper(sleeper).build());
  }
}
