package io.hybridcni.kube;

/**
 * A monotonic clock in nanoseconds, as {@link System#nanoTime()}: only the difference of two readings of the same
 * ticker means anything (two processes' tickers share no origin). Wall-clock steps and skew do not move it. Passed in
 * so that tests move time by hand.
 */
@FunctionalInterface
public interface Ticker {

  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** The current reading, in nanoseconds from an arbitrary origin. */
  long nanos();
}
