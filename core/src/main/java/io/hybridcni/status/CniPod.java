package io.hybridcni.status;

import io.hybridcni.observe.WorkloadRef;
import java.util.Objects;

/**
 * One pod of a CNI DaemonSet as the API server reports it.
 *
 * @param name the pod's name
 * @param daemonSet the DaemonSet that owns it
 * @param cni which CNI the DaemonSet runs ({@link Cni})
 * @param node the node it is bound to, {@code null} while unscheduled
 * @param phase {@code status.phase} ({@code Pending}, {@code Running}, ...), {@code null} when not reported
 * @param ready whether its {@code Ready} condition is {@code True}
 * @param restarts the sum of its containers' {@code restartCount}
 * @param waitingReason the reason of the first container that is waiting ({@code ImagePullBackOff},
 *     {@code CrashLoopBackOff}, ...), {@code null} when none waits
 * @param waitingImage the image of that container, {@code null} when none waits
 */
public record CniPod(String name, WorkloadRef daemonSet, Cni cni, String node, String phase, boolean ready,
    int restarts, String waitingReason, String waitingImage) {

  public CniPod {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(daemonSet, "daemonSet");
    Objects.requireNonNull(cni, "cni");
  }

  /** Whether the pod runs and is Ready. */
  public boolean healthy() {
    return "Running".equals(phase) && ready;
  }

  /** Whether it cannot start because its image cannot be pulled. */
  public boolean imagePullFailed() {
    return "ImagePullBackOff".equals(waitingReason) || "ErrImagePull".equals(waitingReason)
        || "InvalidImageName".equals(waitingReason);
  }

  /** {@code Running, Ready, 0 restarts} or {@code Pending, not Ready (ImagePullBackOff), 3 restarts}. */
  public String describe() {
    return (phase == null ? "no phase" : phase) + ", " + (ready ? "Ready" : "not Ready")
        + (waitingReason == null ? "" : " (" + waitingReason + ")") + ", " + restarts + " restart"
        + (restarts == 1 ? "" : "s");
  }
}
