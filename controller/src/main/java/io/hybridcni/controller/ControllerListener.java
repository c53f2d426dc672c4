package io.hybridcni.controller;

import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;

/**
 * What the controller's loop tells the parts that report on it (the custom resource's status, the metrics, the
 * readiness probe). Called on the loop's thread, one call at a time; an implementation must not block for long and
 * must not throw (the loop logs and goes on if it does). Every method has an empty default so a listener takes
 * only what it reports.
 */
public interface ControllerListener {

  /** The caches hold a full first view of the cluster; called once. */
  default void synced() {}

  /** This replica became the one that writes ({@code true}) or stopped being it ({@code false}). */
  default void leadership(boolean leading) {}

  /**
   * A plan was made after a change (or a resync). {@code status} is the node health of {@code hybridcni status}
   * read from the same observation, or {@code null} when the spec's scenario reads none.
   */
  default void planned(Plan plan, NetworkStatus status) {}

  /**
   * A plan was not applied: it has a blocker, a destructive action, or an action the spec's
   * {@code controller.autoApply} does not let the controller take by itself. {@code why} is one line for people.
   */
  default void held(Plan plan, String why) {}

  /** The controller applied a plan (a repair) and verified it; {@code result} says whether it converged. */
  default void reconciled(ReconcileResult result) {}

  /**
   * A round failed before it could plan or while applying (a read refused, the API server unreachable, the apply
   * Lease held by someone else past the wait). The message of {@code failure} is already free of secrets.
   */
  default void failed(Exception failure) {}
}
