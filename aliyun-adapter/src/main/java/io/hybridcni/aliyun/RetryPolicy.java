package io.hybridcni.aliyun;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff with jitter for transient failures: attempt {@code n} (from 1) waits a random time in
 * {@code [d/2, d]} where {@code d = min(cap, base * 2^(n-1))}.
 *
 * @param maxAttempts how many calls at most, the first included (default 6)
 * @param base the first delay (default 200 ms)
 * @param cap the longest delay (default 10 s)
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("delays must satisfy 0 <= base <= cap, were " + base + " and " + cap);
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  /** The delay before attempt {@code attempt + 1}, given a jitter sample in {@code [0, 1)}. */
  public Duration delayAfter(int attempt, double jitter) {
    long ceiling = base.toMillis() << Math.min(attempt - 1, 30);
    long millis = Math.min(cap.toMillis(), ceiling < 0 ? Long.MAX_VALUE : ceiling);
    return Duration.ofMillis(millis / 2 + (long) (jitter * (millis - millis / 2)));
  }
}
