package io.hybridcni.status;

import io.hybridcni.observe.WorkloadRef;
import java.util.Objects;

/**
 * A CNI DaemonSet's status as its controller reports it (Kubernetes {@code apps/v1 DaemonSetStatus}).
 *
 * @param ref the DaemonSet
 * @param cni the CNI it runs
 * @param updateStrategy {@code RollingUpdate} or {@code OnDelete}
 * @param maxUnavailable {@code spec.updateStrategy.rollingUpdate.maxUnavailable} as written ({@code 1},
 *     {@code 10%}), {@code null} when not set (the API server defaults it to 1) or for OnDelete
 * @param generation {@code metadata.generation}
 * @param observedGeneration {@code status.observedGeneration}
 * @param desired {@code status.desiredNumberScheduled}
 * @param updated {@code status.updatedNumberScheduled}
 * @param ready {@code status.numberReady}
 * @param unavailable {@code status.numberUnavailable}
 */
public record DaemonSetRollout(WorkloadRef ref, Cni cni, String updateStrategy, String maxUnavailable,
    long generation, long observedGeneration, int desired, int updated, int ready, int unavailable) {

  public DaemonSetRollout {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(cni, "cni");
  }

  /**
   * Whether the rollout is done, as {@code kubectl rollout status} decides for a DaemonSet: the controller has
   * observed the current generation, every desired pod is updated, and none is unavailable.
   */
  public boolean complete() {
    return observedGeneration >= generation && updated >= desired && unavailable == 0;
  }

  /** Whether a template change restarts nothing until pods are deleted. */
  public boolean onDelete() {
    return "OnDelete".equals(updateStrategy);
  }
}
