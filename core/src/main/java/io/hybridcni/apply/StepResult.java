package io.hybridcni.apply;

import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * The result of one executor run: its status, a one-line message, and for a dry run which kind happened
 * ({@code server} for {@code dryRun=All}, {@code client} for a described request) with the requests that would
 * be sent (never with secret values).
 */
public record StepResult(StepStatus status, String message, String dryRunMode, List<String> requests) {

  public StepResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    requests = Frozen.list(requests);
  }

  public static StepResult applied(String message) {
    return new StepResult(StepStatus.APPLIED, message, null, List.of());
  }

  public static StepResult alreadySatisfied(String message) {
    return new StepResult(StepStatus.ALREADY_SATISFIED, message, null, List.of());
  }

  public static StepResult dryRun(String mode, String message, List<String> requests) {
    return new StepResult(StepStatus.DRY_RUN, message, mode, requests);
  }
}
