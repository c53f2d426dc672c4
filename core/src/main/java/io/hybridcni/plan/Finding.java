package io.hybridcni.plan;

import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * A diagnostic of the plan: its severity, a stable code (e.g. {@code CALICO_WOULD_LEAVE_ON_PREMISES_NODE}), a
 * message for people and the observed evidence behind it.
 */
public record Finding(Severity severity, String code, String message, List<String> evidence) {

  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    evidence = Frozen.list(evidence);
  }

  public static Finding blocker(String code, String message, List<String> evidence) {
    return new Finding(Severity.BLOCKER, code, message, evidence);
  }

  public static Finding warning(String code, String message, List<String> evidence) {
    return new Finding(Severity.WARNING, code, message, evidence);
  }

  public static Finding note(String code, String message, List<String> evidence) {
    return new Finding(Severity.NOTE, code, message, evidence);
  }
}
