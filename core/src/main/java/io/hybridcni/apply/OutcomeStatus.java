package io.hybridcni.apply;

/** How one action of an apply ended. */
public enum OutcomeStatus {
  APPLIED,
  ALREADY_SATISFIED,
  DRY_RUN,
  /** The executor failed; the outcome carries the cause. */
  FAILED,
  /** Not run because an action it depends on did not succeed, or the apply stopped. */
  SKIPPED,
  /** Not run because facts it relied on changed since planning; the outcome lists them. */
  STALE
}
