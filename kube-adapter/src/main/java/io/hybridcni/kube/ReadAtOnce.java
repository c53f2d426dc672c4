package io.hybridcni.kube;

import io.hybridcni.apply.DaemonThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A read that does not depend on the one the caller makes next, started on its own daemon thread so that both are in
 * flight at once (an executor's check before a write, a rollout's closing look): two reads in one round trip. Its
 * failure reaches the caller at {@link #join} exactly as the read would have thrown it on the caller's thread.
 */
final class ReadAtOnce {

  private static final Executor THREADS = DaemonThreads.perTask("hybridcni-read-at-once");

  private ReadAtOnce() {}

  /** Starts {@code read} now. */
  static <T> CompletableFuture<T> start(Supplier<T> read) {
    return CompletableFuture.supplyAsync(read, THREADS);
  }

  /** The read's answer, waiting for it; its exception (or error) thrown as it was thrown. */
  static <T> T join(CompletableFuture<T> started) {
    try {
      return started.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
