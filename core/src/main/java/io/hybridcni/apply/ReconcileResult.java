package io.hybridcni.apply;

import io.hybridcni.plan.Plan;

/**
 * One reconcile: the plan that was applied, what the apply did, the plan made against the state observed
 * afterwards, and whether that plan is empty (converged). {@code why} says what is left when not converged.
 */
public record ReconcileResult(Plan plan, ApplyResult apply, Plan verification, boolean converged, String why) {}
