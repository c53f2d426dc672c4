package io.hybridcni.error;

import java.util.List;

/**
 * The facts an action relied on changed since it was planned (for example a 409 Conflict showed the object was
 * modified and re-planning makes the action unsafe). Lists what changed.
 */
public final class StaleActionException extends HybridCniException {

  private final List<String> changedFacts;

  public StaleActionException(String action, List<String> changedFacts) {
    super("Action " + action + " is stale: the facts it relied on changed: " + String.join("; ", changedFacts));
    this.changedFacts = List.copyOf(changedFacts);
  }

  public List<String> changedFacts() {
    return changedFacts;
  }
}
