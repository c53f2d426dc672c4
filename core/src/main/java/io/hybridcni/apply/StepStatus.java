package io.hybridcni.apply;

/** What running one action did. */
public enum StepStatus {
  /** The change was made. */
  APPLIED,
  /** The target already matched; nothing was written. */
  ALREADY_SATISFIED,
  /** Dry run: the change was validated or described, nothing was persisted. */
  DRY_RUN
}
