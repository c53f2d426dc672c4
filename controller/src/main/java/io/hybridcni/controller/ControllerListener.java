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
   * read from the same observation, or {@code null} when the spec's scenario reads none or when this round goes on to
   * repair (no read delays the write; {@link #reconciled}'s result carries the status its verification read).
   */
  default void planned(Plan plan, NetworkStatus status) {}

  /**
   * A plan was not applied: it has a blocker, a destructive action, or an action the spec's
   * {@code controller.autoApply} does not let the controller take by itself. {@code why} is one line for people.
   */
  default void held(Plan plan, String why) {}

  /**
   * The repair of {@code plan} was refused as stale before anything was written: the facts it relied on moved between
   * the plan and the re-check (e.g. the DaemonSet controller still rolling pods after an overwrite). {@code why} is
   * the refusal, free of secrets. The round ends here without {@link #held}, {@link #reconciled} or {@link #failed};
   * the next round comes at once and plans again from the world as it is now (up to a few times in a row: past that
   * the refusal is {@link #failed} and the next round backs off).
   */
  default void superseded(Plan plan, String why) {}

  /** The controller applied a plan (a repair) and verified it; {@code result} says whether it converged. */
  default void reconciled(ReconcileResult result) {}

  /**
   * A round failed before it could plan or while applying (a read refused, the API server unreachable, the apply
   * Lease held by someone else past the wait). The message of {@code failure} is already free of secrets.
   */
  default void failed(Exception failure) {}
}
