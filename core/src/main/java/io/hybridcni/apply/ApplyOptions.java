package io.hybridcni.apply;

import java.time.Duration;
import java.util.Objects;

/**
 * How to apply: dry run or not (default: for real), whether independent actions continue after a failure
 * (default: no), how long to wait for another apply's lock (default: zero, fail fast), who holds the lock, and who
 * hears about progress.
 */
public record ApplyOptions(boolean dryRun, boolean continueOnError, Duration waitForLock, String holder,
    ApplyListener listener) {

  public ApplyOptions {
    Objects.requireNonNull(waitForLock, "waitForLock");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(listener, "listener");
  }

  public static ApplyOptions defaults() {
    return new ApplyOptions(false, false, Duration.ZERO, "hybridcni", ApplyListener.NONE);
  }

  public ApplyOptions withDryRun(boolean value) {
    return new ApplyOptions(value, continueOnError, waitForLock, holder, listener);
  }

  public ApplyOptions withContinueOnError(boolean value) {
    return new ApplyOptions(dryRun, value, waitForLock, holder, listener);
  }

  public ApplyOptions withWaitForLock(Duration value) {
    return new ApplyOptions(dryRun, continueOnError, value, holder, listener);
  }

  public ApplyOptions withHolder(String value) {
    return new ApplyOptions(dryRun, continueOnError, waitForLock, value, listener);
  }

  public ApplyOptions withListener(ApplyListener value) {
    return new ApplyOptions(dryRun, continueOnError, waitForLock, holder, value);
  }
}
