package io.hybridcni.plan;

/**
 * The exit-code contract of {@code plan --detailed-exitcode} (Terraform's): 0 nothing to do, 2 changes to
 * apply, 1 error or a blocker.
 */
public enum PlanOutcome {
  NO_CHANGES(0),
  ERROR_OR_BLOCKED(1),
  CHANGES(2);

  private final int exitCode;

  PlanOutcome(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static PlanOutcome of(Plan plan) {
    if (plan.hasBlockers()) {
      return ERROR_OR_BLOCKED;
    }
    return plan.actions().isEmpty() ? NO_CHANGES : CHANGES;
  }
}
