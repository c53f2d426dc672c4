package io.hybridcni.apply;

import io.hybridcni.observe.Frozen;
import java.util.List;

/**
 * Every action's outcome, in plan order (results over exceptions: the first failure does not hide the rest).
 * {@code refused} is set when nothing ran at all (a blocked or stale plan), with the reason.
 */
public record ApplyResult(List<ActionOutcome> outcomes, boolean dryRun, String refused) {

  public ApplyResult {
    outcomes = Frozen.list(outcomes);
  }

  public boolean succeeded() {
    return refused == null && outcomes.stream().allMatch(ActionOutcome::succeeded);
  }

  public ActionOutcome outcome(String actionId) {
    return outcomes.stream().filter(o -> o.actionId().equals(actionId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no outcome for " + actionId));
  }

  public List<ActionOutcome> withStatus(OutcomeStatus status) {
    return outcomes.stream().filter(o -> o.status() == status).toList();
  }
}
