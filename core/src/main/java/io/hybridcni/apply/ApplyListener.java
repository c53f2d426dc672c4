package io.hybridcni.apply;

import io.hybridcni.plan.Action;
import io.hybridcni.status.NetworkStatus;
import java.time.Duration;

/** Receives progress while a plan is applied, for UIs and logs. Every method has a do-nothing default. */
public interface ApplyListener {

  ApplyListener NONE = new ApplyListener() {};

  default void actionStarted(Action action) {}

  default void actionFinished(Action action, StepResult result) {}

  default void actionFailed(Action action, RuntimeException cause) {}

  /** The addon is not active yet: its current state and the time waited so far. */
  default void waitingForAddon(Action action, String state, Duration elapsed) {}

  /**
   * A DaemonSet's rollout is not done yet: {@code progress} says how far it is (updated, available and desired pods,
   * generation observed), with the time waited so far.
   */
  default void waitingForRollout(Action action, String progress, Duration elapsed) {}

  /**
   * The addon is not where the wait wants it yet: its current state, the time waited so far, and the id of the ACK
   * task that changes it ({@code null} when not known, e.g. after a crash). By default calls
   * {@link #waitingForAddon(Action, String, Duration)}.
   */
  default void waitingForAddon(Action action, String state, Duration elapsed, String taskId) {
    waitingForAddon(action, state, elapsed);
  }

  /**
   * After apply, the running network is not healthy yet but may become so (a Terway pod not Ready yet, a rollout
   * under way): {@code status} as just read, the time waited so far, and the most the wait lasts
   * ({@link ApplyOptions#statusTimeout()}).
   */
  default void waitingForStatus(NetworkStatus status, Duration elapsed, Duration timeout) {}

  /** A retry after a transient failure (throttling, 5xx, conflict). */
  default void retrying(Action action, String operation, int attempt, Duration delay, String reason) {}
}
