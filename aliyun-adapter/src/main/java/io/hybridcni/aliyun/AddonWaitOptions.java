package io.hybridcni.aliyun;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how often to poll an addon until it is active: the first poll interval (default 2 s), growing by
 * half each time up to {@code maxInterval} (default 15 s), for at most {@code timeout} (default 15 min).
 */
public record AddonWaitOptions(Duration firstInterval, Duration maxInterval, Duration timeout) {

  public AddonWaitOptions {
    Objects.requireNonNull(firstInterval, "firstInterval");
    Objects.requireNonNull(maxInterval, "maxInterval");
    Objects.requireNonNull(timeout, "timeout");
    if (firstInterval.isNegative() || maxInterval.compareTo(firstInterval) < 0 || timeout.isNegative()) {
      throw new IllegalArgumentException("expected 0 <= firstInterval <= maxInterval and timeout >= 0");
    }
  }

  public static AddonWaitOptions defaults() {
    return new AddonWaitOptions(Duration.ofSeconds(2), Duration.ofSeconds(15), Duration.ofMinutes(15));
  }
}
