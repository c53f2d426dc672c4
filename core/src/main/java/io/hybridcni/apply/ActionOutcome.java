package io.hybridcni.apply;

import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one action: its status, a message, the failure cause (for {@code FAILED}), the dependency that
 * kept it from running (for {@code SKIPPED}), the changed facts (for {@code STALE}) and the executor's result.
 */
public record ActionOutcome(String actionId, OutcomeStatus status, String message, RuntimeException cause,
    String blockedBy, List<String> changedFacts, StepResult step) {

  public ActionOutcome {
    Objects.requireNonNull(actionId, "actionId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    changedFacts = Frozen.list(changedFacts);
  }

  public boolean succeeded() {
    return status == OutcomeStatus.APPLIED || status == OutcomeStatus.ALREADY_SATISFIED
        || status == OutcomeStatus.DRY_RUN;
  }
}
