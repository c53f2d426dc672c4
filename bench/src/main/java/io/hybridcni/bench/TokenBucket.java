package io.hybridcni.bench;

/**
 * A token bucket: {@code permitsPerSecond} on average, at most {@code burst} at once after a quiet spell. Time is an
 * argument, so the arithmetic is tested without sleeping: {@link #reserve(long)} takes a permit at a time and
 * answers how long its holder must wait before using it. Callers that wait as told start, within any window of
 * length T, at most {@code burst + permitsPerSecond * T} calls.
 */
final class TokenBucket {

  private final double permitsPerNano;
  private final double burst;
  private double stored;
  private long last;

  /**
   * @param permitsPerSecond greater than 0
   * @param burst at least 1
   * @param nowNanos the time the bucket starts, full
   */
  TokenBucket(double permitsPerSecond, int burst, long nowNanos) {
    if (!(permitsPerSecond > 0)) {
      throw new IllegalArgumentException("permitsPerSecond must be greater than 0, was " + permitsPerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    this.permitsPerNano = permitsPerSecond / 1e9;
    this.burst = burst;
    this.stored = burst;
    this.last = nowNanos;
  }

  /**
   * Takes one permit at {@code nowNanos} (a {@link System#nanoTime()} reading) and answers the nanoseconds to wait
   * before using it: 0 while the bucket holds permits; otherwise the permit is borrowed from the future, and every
   * later caller queues behind it.
   */
  synchronized long reserve(long nowNanos) {
    if (nowNanos > last) {
      stored = Math.min(burst, stored + (nowNanos - last) * permitsPerNano);
      last = nowNanos;
    }
    stored -= 1;
    return stored >= 0 ? 0 : (long) Math.ceil(-stored / permitsPerNano);
  }
}
