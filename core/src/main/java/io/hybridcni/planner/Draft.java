package io.hybridcni.planner;

import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An action before ordering and fingerprinting. What it relies on and changes is not drafted with it: it follows
 * from its detail ({@link ResourceGraph#reads}, {@link ResourceGraph#writes}), so that a saved plan's fingerprints
 * can be checked by the same rules that made them.
 */
final class Draft {
  final String id;
  final ActionKind kind;
  final ChangeType change;
  final String address;
  final String reason;
  final List<FieldChange> changes;
  final ActionDetail detail;
  final Set<String> dependsOn = new LinkedHashSet<>();

  Draft(String id, ActionKind kind, ChangeType change, String address, String reason, List<FieldChange> changes,
      ActionDetail detail) {
    this.id = id;
    this.kind = kind;
    this.change = change;
    this.address = address;
    this.reason = reason;
    this.changes = changes;
    this.detail = detail;
  }

  /** Runs after {@code other}; nothing when {@code other} is {@code null} (an action that was not planned). */
  void dependOn(Draft other) {
    if (other != null) {
      dependsOn.add(other.id);
    }
  }

  /** Runs after each of {@code others}, in their order. */
  void dependOnAll(List<Draft> others) {
    others.forEach(this::dependOn);
  }
}
