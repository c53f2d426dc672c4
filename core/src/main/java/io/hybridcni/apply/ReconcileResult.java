package io.hybridcni.apply;

import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;

/**
 * One reconcile: the plan that was applied, what the apply did, the plan made against the state observed
 * afterwards, whether the run converged, and {@code why} (what is left when not). For an apply with a
 * {@link io.hybridcni.port.NetworkStatusObserver} wired, {@code status} is the running network as last read (converged
 * needs it healthy too); {@code null} when it was not read (a destroy, a dry run, no status observer, or a
 * verification plan that still has work).
 */
public record ReconcileResult(Plan plan, ApplyResult apply, Plan verification, boolean converged, String why,
    NetworkStatus status) {

  /** A result without a network status. */
  public ReconcileResult(Plan plan, ApplyResult apply, Plan verification, boolean converged, String why) {
    this(plan, apply, verification, converged, why, null);
  }
}
