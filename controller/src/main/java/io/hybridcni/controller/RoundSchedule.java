package io.hybridcni.controller;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When the controller's next round is due, from readings of a monotonic clock passed in (so that a test moves time by
 * hand). Not thread-safe: the controller calls it under its monitor.
 *
 * <ul>
 *   <li>A change is debounced, trailing: the round comes {@code debounce} after the last change of a burst, so a
 *       burst (a {@code helm upgrade} touches many objects) costs one round; a burst that never ends still gets a
 *       round {@code maxDelay} after its first change.</li>
 *   <li>Without changes a round comes every {@code resync} (what a missed watch event would otherwise hide).</li>
 *   <li>The Alibaba Cloud side has no watch: a round reads it again every {@code cloudPoll}, jittered by
 *       {@code ±jitter} so that many controllers of one account spread their calls; rounds between polls reuse the
 *       cloud facts last read.</li>
 *   <li>After a failed round the next one waits a capped exponential backoff (resilience4j's
 *       {@link IntervalFunction}); changes meanwhile coalesce into that retry, which reads the cloud again.</li>
 *   <li>A round whose repair was refused as stale (the facts its plan relied on moved before the write, e.g. while
 *       the DaemonSet controller still rolls pods after an overwrite) is superseded: the next round comes at once,
 *       planning from what the world is now, up to {@value #MAX_IMMEDIATE_REPLANS} times in a row; past that a stale
 *       refusal counts as a failure and backs off, so a world that never holds still is not hammered. Nothing was
 *       written, so the cloud facts are kept. A round that goes through resets the count.</li>
 * </ul>
 */
final class RoundSchedule {

  static final long NEVER = Long.MAX_VALUE;
  /** How many stale refusals in a row are re-planned at once before the backoff applies. */
  static final int MAX_IMMEDIATE_REPLANS = 3;

  private final long debounce;
  private final long maxDelay;
  private final long resync;
  private final long cloudPoll;
  private final double jitter;
  private final DoubleSupplier random;
  private final IntervalFunction backoff;

  private boolean pending;
  private long firstChange;
  private long lastChange;
  private long nextResync;
  private long nextCloudPoll;
  private boolean cloudStale = true;
  private int failures;
  private int superseded;
  private long retryAt = NEVER;

  /**
   * @param random uniform in [0, 1), for the cloud poll's jitter
   */
  RoundSchedule(Duration debounce, Duration resync, Duration cloudPoll, double jitter, Duration backoffInitial,
      Duration backoffMax, DoubleSupplier random, long now) {
    this.debounce = debounce.toNanos();
    this.maxDelay = Math.max(this.debounce, debounce.multipliedBy(10).toNanos());
    this.resync = resync.toNanos();
    this.cloudPoll = cloudPoll.toNanos();
    this.jitter = jitter;
    this.random = random;
    this.backoff = IntervalFunction.ofExponentialBackoff(backoffInitial, 2.0, backoffMax);
    // The first round comes at once (after the debounce): there is no plan yet.
    changed(now);
    this.nextResync = NEVER;
    this.nextCloudPoll = now;
  }

  /** Something the plan depends on may have changed at {@code now}. */
  void changed(long now) {
    if (!pending) {
      pending = true;
      firstChange = now;
    }
    lastChange = now;
  }

  /** The reading of the clock at which the next round is due. */
  long dueAt() {
    if (retryAt != NEVER) {
      return retryAt;
    }
    long due = Math.min(nextResync, nextCloudPoll);
    if (pending) {
      due = Math.min(due, Math.min(saturated(lastChange, debounce), saturated(firstChange, maxDelay)));
    }
    return due;
  }

  /**
   * A round starts at {@code now}: the pending changes are taken, the next resync is set; answers whether this round
   * reads the cloud (its poll is due, or the last round failed or wrote).
   */
  boolean start(long now) {
    pending = false;
    retryAt = NEVER;
    nextResync = saturated(now, resync);
    boolean readCloud = cloudStale || now >= nextCloudPoll;
    if (readCloud) {
      double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
      nextCloudPoll = saturated(now, (long) (cloudPoll * factor));
      cloudStale = false;
    }
    return readCloud;
  }

  /** The round went through (planned, held, or repaired and converged). */
  void succeeded() {
    failures = 0;
    superseded = 0;
    retryAt = NEVER;
  }

  /** The round wrote: what the cloud looks like now is read again next round. */
  void wrote() {
    cloudStale = true;
  }

  /** The round failed at {@code now}: the next one backs off, and reads the cloud again. */
  void failed(long now) {
    failures++;
    cloudStale = true;
    retryAt = saturated(now, Duration.ofMillis(backoff.apply(failures)).toNanos());
  }

  /**
   * The round's repair was refused at {@code now} as stale, writing nothing: answers {@code true} when the next round
   * comes at once (fewer than {@value #MAX_IMMEDIATE_REPLANS} such refusals in a row before this one), {@code false}
   * when this refusal counts as a failure and the next round backs off ({@link #failed}).
   */
  boolean superseded(long now) {
    if (superseded < MAX_IMMEDIATE_REPLANS) {
      superseded++;
      retryAt = now;
      return true;
    }
    failed(now);
    return false;
  }

  /** How many stale refusals in a row were re-planned at once since the last round that went through. */
  int superseded() {
    return superseded;
  }

  /** How many rounds in a row failed. */
  int failures() {
    return failures;
  }

  private static long saturated(long at, long plus) {
    long sum = at + plus;
    return plus > 0 && sum < at ? NEVER : sum;
  }
}
