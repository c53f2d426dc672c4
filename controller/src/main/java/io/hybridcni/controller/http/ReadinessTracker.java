package io.hybridcni.controller.http;

import io.hybridcni.controller.ControllerListener;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;

/**
 * Readiness as the loop reports it, with the reason when it is not: ready once the caches synced and a first plan
 * was made (issue 13), which is what {@code HybridNetworkController.ready()} answers as a yes or no. A held plan, a
 * repair or a failed round after that leave the replica ready: readiness says it can report, not that the cluster
 * is right (that is the {@code Ready} condition of the HybridNetwork and {@code hybridcni_drifted}).
 */
public final class ReadinessTracker implements ControllerListener {

  private volatile boolean synced;
  private volatile boolean planned;

  @Override
  public void synced() {
    synced = true;
  }

  @Override
  public void planned(Plan plan, NetworkStatus status) {
    planned = true;
  }

  /** {@code null} when ready, else one line saying what it waits for. */
  public String whyNotReady() {
    if (!synced) {
      return "the caches have not synced yet";
    }
    return planned ? null : "no first plan is made yet";
  }
}
