package io.hybridcni.apply;

import java.util.Objects;

/** How an action is executed: for real or as a dry run, and who hears about progress. */
public record ExecutionContext(boolean dryRun, ApplyListener listener) {

  public ExecutionContext {
    Objects.requireNonNull(listener, "listener");
  }

  public static ExecutionContext forReal(ApplyListener listener) {
    return new ExecutionContext(false, listener);
  }

  public static ExecutionContext dryRun(ApplyListener listener) {
    return new ExecutionContext(true, listener);
  }
}
