package io.hybridcni.apply;

import io.hybridcni.error.HybridCniException;
import io.hybridcni.port.CheckedReads;
import java.util.Objects;

/**
 * How an action is executed: for real or as a dry run, who hears about progress, and the apply lock held for it.
 * An executor that writes more than once calls {@link #requireLockHeld(String)} before each later write: the
 * {@link Reconciler} asks the lock only before each action, and a Lease can be lost between two writes of one.
 * {@code checked} holds what the re-check before this action read ({@link CheckedReads}), for the executor to use
 * on its first attempt instead of reading it again; {@link CheckedReads#NONE} when there was no re-check.
 */
public record ExecutionContext(boolean dryRun, ApplyListener listener, ApplyLock.Held lock, CheckedReads checked) {

  private static final ApplyLock.Held ALWAYS_HELD = () -> { };

  public ExecutionContext {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(checked, "checked");
  }

  /** A context under {@code lock} without reads of a re-check. */
  public ExecutionContext(boolean dryRun, ApplyListener listener, ApplyLock.Held lock) {
    this(dryRun, listener, lock, CheckedReads.NONE);
  }

  /** A context whose lock is never lost (no locking). */
  public ExecutionContext(boolean dryRun, ApplyListener listener) {
    this(dryRun, listener, ALWAYS_HELD);
  }

  public static ExecutionContext forReal(ApplyListener listener) {
    return new ExecutionContext(false, listener);
  }

  public static ExecutionContext dryRun(ApplyListener listener) {
    return new ExecutionContext(true, listener);
  }

  /** The same context, under {@code held}. */
  public ExecutionContext withLock(ApplyLock.Held held) {
    return new ExecutionContext(dryRun, listener, held, checked);
  }

  /** The same context, with {@code reads} the re-check before the action made. */
  public ExecutionContext withChecked(CheckedReads reads) {
    return new ExecutionContext(dryRun, listener, lock, reads);
  }

  /**
   * Throws, before {@code write}, when this process no longer holds the apply lock: another apply may be writing.
   *
   * @throws HybridCniException "lost the apply Lease before {write}: {why}"
   */
  public void requireLockHeld(String write) {
    lock.lost().ifPresent(why -> {
      throw new HybridCniException("lost the apply Lease before " + write + ": " + why);
    });
  }
}
