package io.hybridcni.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The global Aliyun limit one account shares across a fleet: at most {@code maxInFlight} calls at once (a
 * semaphore), started at most {@code qps} per second with bursts of {@code burst} (a {@link TokenBucket}). A call
 * first takes its in-flight slot and then its token, so that its start is the moment the token allows. Records when
 * each call started, to check the rate afterwards.
 *
 * <p>It sits above the SDK's retrier, as the {@link io.hybridcni.aliyun.RamApi}/{@link io.hybridcni.aliyun.AckApi}
 * decorators it is used through: a retried call would reach the cloud without a new token. The fake never throttles
 * here, so nothing is retried; a production limiter belongs below the retrier.
 */
final class AliyunLimiter implements CallGate {

  private final Semaphore slots;
  private final TokenBucket bucket;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.LongAdder callNanos = new java.util.concurrent.atomic.LongAdder();

  AliyunLimiter(double qps, int burst, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
    }
    this.slots = new Semaphore(maxInFlight, true);
    this.bucket = new TokenBucket(qps, burst, System.nanoTime());
  }

  @Override
  public <T> T call(String operation, Supplier<T> call) {
    slots.acquireUninterruptibly();
    try {
      long wait = bucket.reserve(System.nanoTime());
      if (wait > 0) {
        sleep(wait);
      }
      long start = System.nanoTime();
      starts.add(start);
      peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        return call.get();
      } finally {
        inFlight.decrementAndGet();
        callNanos.add(System.nanoTime() - start);
      }
    } finally {
      slots.release();
    }
  }

  /** How many calls went through. */
  int calls() {
    return starts.size();
  }

  /** The mean time from a call's start (its token granted) to its answer, in milliseconds. */
  double meanCallMillis() {
    int calls = calls();
    return calls == 0 ? 0 : callNanos.sum() / 1e6 / calls;
  }

  /** The most calls in flight at once, as this side saw them. */
  int peakInFlight() {
    return peakInFlight.get();
  }

  /** The most calls started within any window of this length (a sliding window over every start). */
  int maxStartsWithin(Duration window) {
    return maxWithin(new ArrayList<>(starts), window.toNanos());
  }

  static int maxWithin(List<Long> times, long windowNanos) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    int best = 0;
    int first = 0;
    for (int last = 0; last < sorted.size(); last++) {
      while (sorted.get(last) - sorted.get(first) >= windowNanos) {
        first++;
      }
      best = Math.max(best, last - first + 1);
    }
    return best;
  }

  private static void sleep(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an Aliyun token", e);
    }
  }
}
