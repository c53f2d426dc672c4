package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Plan;

/**
 * Predicts the observed state after a successful apply of a plan, a destroy plan included. Pure. Values that only
 * the cloud decides (a new AccessKey's id, a new user's id) get deterministic stand-ins. Used to prove idempotence:
 * planning again against the predicted state yields an empty plan (and destroying again, an empty destroy plan).
 * Each action's effect is its detail's, as the {@link ResourceUnit} that plans it declares.
 */
public final class PlannedState {

  /** The stand-in id of the AccessKey an apply would create, numbered from 1. */
  public static final String SIMULATED_ACCESS_KEY_PREFIX = "LTAIsimulated";

  private PlannedState() {}

  /** The state {@code observed} would be in after every action of {@code plan} succeeded. */
  public static ObservedState simulate(Plan plan, ObservedState observed) {
    ObservedState state = observed;
    NewKeys keys = new NewKeys();
    for (Action action : plan.actions()) {
      state = ResourceGraph.effect(action.detail(), state, keys);
    }
    return state;
  }

  /** The stand-in ids of the AccessKeys one simulation creates, numbered from 1 in plan order. */
  static final class NewKeys {
    private int created;

    String next() {
      created++;
      return SIMULATED_ACCESS_KEY_PREFIX + created;
    }
  }
}
