package io.hybridcni.apply;

import io.hybridcni.observe.Frozen;
import java.util.List;

/**
 * Every action's outcome, in plan order (results over exceptions: the first failure does not hide the rest).
 * {@code refused} is set when nothing ran at all (a blocked or stale plan), with the reason. {@code stopped} is set
 * when the apply stopped part-way for a reason that is not an action's own failure (this process lost the apply
 * lock), with the reason; the actions it did not run are {@link OutcomeStatus#SKIPPED} with that reason.
 */
public record ApplyResult(List<ActionOutcome> outcomes, boolean dryRun, String refused, String stopped) {

  public ApplyResult {
    outcomes = Frozen.list(outcomes);
  }

  /** A result that did not stop part-way. */
  public ApplyResult(List<ActionOutcome> outcomes, boolean dryRun, String refused) {
    this(outcomes, dryRun, refused, null);
  }

  public boolean succeeded() {
    return refused == null && stopped == null && outcomes.stream().allMatch(ActionOutcome::succeeded);
  }

  public ActionOutcome outcome(String actionId) {
    return outcomes.stream().filter(o -> o.actionId().equals(actionId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no outcome for " + actionId));
  }

  public List<ActionOutcome> withStatus(OutcomeStatus status) {
    return outcomes.stream().filter(o -> o.status() == status).toList();
  }
}
