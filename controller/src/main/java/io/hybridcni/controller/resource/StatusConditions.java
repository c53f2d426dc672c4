package io.hybridcni.controller.resource;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Sets a condition in a list the way apimachinery's {@code meta.SetStatusCondition}
 * ({@code k8s.io/apimachinery/pkg/api/meta/conditions.go}) does, so that tools reading conditions see what they see
 * from Kubernetes' own controllers: a condition of a new type is appended with {@code lastTransitionTime} now; an
 * existing one takes the new reason, message and observedGeneration, and a new {@code lastTransitionTime} only when
 * its {@code status} changes.
 */
final class StatusConditions {

  private StatusConditions() {}

  /**
   * Sets {@code wanted} (its {@code lastTransitionTime} ignored) in {@code conditions}, at {@code now}; returns whether
   * anything changed.
   */
  static boolean set(List<Condition> conditions, Condition wanted, Instant now) {
    String time = rfc3339(now);
    Condition existing = conditions.stream().filter(c -> Objects.equals(c.getType(), wanted.getType())).findFirst()
        .orElse(null);
    if (existing == null) {
      Condition added = new Condition(time, wanted.getMessage(), wanted.getObservedGeneration(), wanted.getReason(),
          wanted.getStatus(), wanted.getType());
      conditions.add(added);
      return true;
    }
    boolean changed = false;
    if (!Objects.equals(existing.getStatus(), wanted.getStatus())) {
      existing.setStatus(wanted.getStatus());
      existing.setLastTransitionTime(time);
      changed = true;
    }
    if (!Objects.equals(existing.getReason(), wanted.getReason())) {
      existing.setReason(wanted.getReason());
      changed = true;
    }
    if (!Objects.equals(existing.getMessage(), wanted.getMessage())) {
      existing.setMessage(wanted.getMessage());
      changed = true;
    }
    if (!Objects.equals(existing.getObservedGeneration(), wanted.getObservedGeneration())) {
      existing.setObservedGeneration(wanted.getObservedGeneration());
      changed = true;
    }
    return changed;
  }

  /** A {@code metav1.Time}: RFC 3339 in UTC, to the second, as the API server stores it. */
  static String rfc3339(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
