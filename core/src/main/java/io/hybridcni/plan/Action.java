package io.hybridcni.plan;

import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * One step of a plan: a stable {@code id}, what kind of step, how it changes its target (at {@code address}),
 * why ({@code reason}: explanation only, it never influences apply), the ids of the actions it depends on, the
 * exact field changes, the typed {@code detail} an executor runs, and the fingerprint of the observed facts the
 * planner relied on.
 */
public record Action(String id, ActionKind kind, ChangeType change, String address, String reason,
    List<String> dependsOn, List<FieldChange> changes, ActionDetail detail, Fingerprint fingerprint) {

  public Action {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(reason, "reason");
    dependsOn = Frozen.list(dependsOn);
    changes = Frozen.list(changes);
    Objects.requireNonNull(detail, "detail");
  }

  public Action withFingerprint(Fingerprint value) {
    return new Action(id, kind, change, address, reason, dependsOn, changes, detail, value);
  }
}
