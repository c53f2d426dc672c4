package io.hybridcni.controller.resource;

/** The condition types of a {@link HybridNetwork}'s status, in the order they are written. */
public enum ConditionType {
  /** The network is as the spec says and runs healthy. */
  Ready,
  /** The cluster or the cloud differs from the spec: the last plan has actions. */
  Drifted,
  /** The last plan may not be applied by the controller: a blocker, or {@code controller.autoApply} holds it. */
  Blocked,
  /** The controller could not do its round: a read or an apply failed, or the spec is invalid. */
  Degraded
}
