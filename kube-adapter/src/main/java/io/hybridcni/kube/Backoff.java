package io.hybridcni.kube;

import io.hybridcni.apply.Sleeper;
import io.hybridcni.error.HybridCniException;
import java.time.Duration;

/** Capped exponential backoff between attempts: {@code initial}, twice that, ... never more than {@code max}. */
record Backoff(Duration initial, Duration max) {

  static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  Duration delay(int attempt) {
    long millis = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  static void pause(Sleeper sleeper, Duration delay) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("Interrupted while waiting to retry", e);
    }
  }
}
