package io.hybridcni.apply;

import java.time.Duration;
import java.util.Objects;

/**
 * How to apply: dry run or not (default: for real), whether independent actions continue after a failure
 * (default: no), how long to wait for another apply's lock (default: zero, fail fast), who holds the lock, who
 * hears about progress, and how long the closing check waits for the running network to become healthy
 * (default {@link #DEFAULT_STATUS_TIMEOUT}; zero: judge it once).
 */
public record ApplyOptions(boolean dryRun, boolean continueOnError, Duration waitForLock, String holder,
    ApplyListener listener, Duration statusTimeout) {

  /** How long apply waits by default for pods that may still become Ready: 5 minutes. */
  public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofMinutes(5);

  public ApplyOptions {
    Objects.requireNonNull(waitForLock, "waitForLock");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(statusTimeout, "statusTimeout");
    if (statusTimeout.isNegative()) {
      throw new IllegalArgumentException("statusTimeout must be zero or positive, found " + statusTimeout);
    }
  }

  /** Options with the default status timeout. */
  public ApplyOptions(boolean dryRun, boolean continueOnError, Duration waitForLock, String holder,
      ApplyListener listener) {
    this(dryRun, continueOnError, waitForLock, holder, listener, DEFAULT_STATUS_TIMEOUT);
  }

  public static ApplyOptions defaults() {
    return new ApplyOptions(false, false, Duration.ZERO, "hybridcni", ApplyListener.NONE, DEFAULT_STATUS_TIMEOUT);
  }

  public ApplyOptions withDryRun(boolean value) {
    return new ApplyOptions(value, continueOnError, waitForLock, holder, listener, statusTimeout);
  }

  public ApplyOptions withContinueOnError(boolean value) {
    return new ApplyOptions(dryRun, value, waitForLock, holder, listener, statusTimeout);
  }

  public ApplyOptions withWaitForLock(Duration value) {
    return new ApplyOptions(dryRun, continueOnError, value, holder, listener, statusTimeout);
  }

  public ApplyOptions withHolder(String value) {
    return new ApplyOptions(dryRun, continueOnError, waitForLock, value, listener, statusTimeout);
  }

  public ApplyOptions withListener(ApplyListener value) {
    return new ApplyOptions(dryRun, continueOnError, waitForLock, holder, value, statusTimeout);
  }

  /** How long the closing check waits for the running network to become healthy. Default 5 minutes. */
  public ApplyOptions withStatusTimeout(Duration value) {
    return new ApplyOptions(dryRun, continueOnError, waitForLock, holder, listener, value);
  }
}
