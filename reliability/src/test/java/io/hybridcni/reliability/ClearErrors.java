package io.hybridcni.reliability;

import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.error.HybridCniException;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a stop "clear": the error is one of hybridcni's own (whose messages say what was expected, what was
 * found and where), its message is a sentence and not a bare exception, and an apply that did not converge says
 * which action failed or went stale and why. Each method answers what is unclear, empty when all is clear.
 */
final class ClearErrors {

  private ClearErrors() {}

  /** A run that threw. */
  static List<String> of(Throwable thrown) {
    List<String> problems = new ArrayList<>();
    if (!(thrown instanceof HybridCniException)) {
      problems.add("the run threw " + thrown.getClass().getName() + ", not a hybridcni error: " + thrown);
    }
    problems.addAll(message("the run's error", thrown.getMessage()));
    return problems;
  }

  /** A run that returned without converging. */
  static List<String> of(ReconcileResult result) {
    List<String> problems = new ArrayList<>(message("the run's reason", result.why()));
    if (result.apply().refused() != null) {
      problems.addAll(message("the refusal", result.apply().refused()));
      return problems;
    }
    List<ActionOutcome> stopped = result.apply().outcomes().stream().filter(o -> !o.succeeded()).toList();
    if (stopped.isEmpty()) {
      problems.add("every action succeeded, yet the run did not converge: " + result.why());
    }
    for (ActionOutcome o : stopped) {
      switch (o.status()) {
        case FAILED -> {
          if (!(o.cause() instanceof HybridCniException)) {
            problems.add(o.actionId() + " failed with " + (o.cause() == null ? "no cause"
                : o.cause().getClass().getName()) + ", not a hybridcni error: " + o.message());
          }
          problems.addAll(message(o.actionId() + "'s failure", o.message()));
        }
        case STALE -> {
          if (o.changedFacts().isEmpty()) {
            problems.add(o.actionId() + " went stale without naming the facts that changed: " + o.message());
          }
        }
        default -> problems.addAll(message(o.actionId() + "'s outcome", o.message()));
      }
    }
    return problems;
  }

  private static List<String> message(String what, String message) {
    if (message == null || message.isBlank() || message.equals("null")) {
      return List.of(what + " has no message");
    }
    if (message.contains("\tat ") || message.matches("^[\\w.$]+(Exception|Error)(: .*)?$")) {
      return List.of(what + " is a bare exception, not a sentence: " + message);
    }
    return List.of();
  }
}
