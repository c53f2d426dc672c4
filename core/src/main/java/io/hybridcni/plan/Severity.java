package io.hybridcni.plan;

/** How much a finding matters. */
public enum Severity {
  /** The plan must not be applied while this holds. */
  BLOCKER,
  /** Apply may go on, but a person should look. */
  WARNING,
  /** Information that explains the plan. */
  NOTE
}
