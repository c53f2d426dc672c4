package io.hybridcni.plan;

/**
 * What a plan is for: {@link #APPLY} takes the cluster to its spec ({@code Planner.plan}, {@code hybridcni apply});
 * {@link #DESTROY} undoes what hybridcni manages ({@code Planner.planDestroy}, {@code hybridcni destroy}). A saved
 * plan is only ever executed for the purpose it was made for.
 */
public enum PlanKind {
  APPLY,
  DESTROY;

  /** The command that executes a plan of this kind. */
  public String command() {
    return this == APPLY ? "hybridcni apply" : "hybridcni destroy";
  }

  /** The command that makes a plan of this kind. */
  public String planCommand() {
    return this == APPLY ? "hybridcni plan" : "hybridcni plan --destroy";
  }
}
