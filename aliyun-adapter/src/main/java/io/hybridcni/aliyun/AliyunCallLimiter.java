package io.hybridcni.aliyun;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.core.exception.AcquirePermissionCancelledException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.error.HybridCniException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The call budget of one Alibaba Cloud account: at most {@code callsPerSecond} calls started per second, in bursts
 * of at most {@code burst}, and at most {@code maxConcurrentCalls} in flight at once. Alibaba Cloud throttles per
 * account (and per API), not per client, so one instance is shared by every {@link RamApi} and {@link AckApi} that
 * calls with that account's credentials, however many clusters they serve: pass it to each {@link
 * AliyunConnection.Builder#callLimiter}.
 *
 * <pre>{@code
 * AliyunCallLimiter account = AliyunCallLimiter.forAccount("prod").callsPerSecond(50).burst(10)
 *     .maxConcurrentCalls(16).build();
 * RamApi ram = AliyunConnection.forRegion("cn-hangzhou").callLimiter(account).build().ram(Retrier.defaults());
 * }</pre>
 *
 * <p>Built from resilience4j: a {@link RateLimiter} for the rate ({@code limitForPeriod = burst} permits every
 * {@code limitRefreshPeriod = burst / callsPerSecond}) and a semaphore {@link Bulkhead} for the calls in flight.
 * Within any window of length {@code T} the rate limiter grants at most {@code burst * (ceil(T / period) + 1)}
 * permits, which for a whole number of periods is {@code callsPerSecond * T + burst}.
 *
 * <p><b>Where it sits: below the retrier, around each attempt.</b> {@link SdkRamApi} and {@link SdkAckApi} run
 * every attempt the {@link Retrier} makes through {@link #call}, so a retry takes a new permit and a new slot like
 * any call. A limiter above the retrier would let the retries of a throttled call ({@code Throttling},
 * {@code Throttling.User}, {@code Throttling.Api}, the gateway's {@code Rejected.Throttling}, and
 * {@code ServiceUnavailable}, which {@link AliyunCallException#isTransient()} treats as transient, as the Terraform
 * alicloud provider's {@code NeedRetry} does) reach the cloud unmetered: exactly the traffic that keeps an account
 * over its limit. The slot is held only while an attempt is in flight, never during the retrier's backoff.
 *
 * <p><b>Waiting is not a timeout.</b> The SDK's connect and read timeouts start when the SDK opens its request, which
 * is after the permit and the slot were granted, and the {@link Retrier} has no attempt timer of its own; so a call
 * that waited its turn is never failed for having waited. How long a call may wait is this limiter's own choice:
 * {@link Builder#permitWait} for the rate, {@link Builder#slotWait} for a slot.
 *
 * <p><b>Refusal.</b> A call that would wait longer than {@code permitWait} for a permit is refused at once (the
 * rate limiter knows the wait in advance and reserves nothing), and one that finds no slot within {@code slotWait}
 * is refused when that wait ends. Both refusals are an {@link AliyunCallException} that names the operation, the
 * resource and the limit, has no code and no status, and is neither transient (the {@link Retrier} does not queue it
 * again behind the same budget) nor of unknown outcome: nothing was sent.
 *
 * <p><b>Order.</b> A call takes its slot first and its permit second, so it starts at the moment its permit allows;
 * the other order would let calls whose permits were granted while every slot was taken start all at once when slots
 * free up, above the rate. It also bounds the permits reserved ahead to {@code maxConcurrentCalls}, so the rate wait
 * of one call is at most {@code maxConcurrentCalls / callsPerSecond}.
 *
 * <p><b>Metrics</b> without a metrics library: {@link #stats()} and the resilience4j instances themselves ({@link
 * #rateLimiter()}, {@link #bulkhead()}), whose metrics and event publishers a binder such as
 * {@code resilience4j-micrometer} can register.
 */
public final class AliyunCallLimiter {

  private final String account;
  private final double callsPerSecond;
  private final int burst;
  private final int maxConcurrentCalls;
  private final Duration permitWait;
  private final Duration slotWait;
  private final RateLimiter rate;
  private final Bulkhead slots;
  private final Sleeper sleeper;

  private final LongAdder started = new LongAdder();
  private final LongAdder permitsWaited = new LongAdder();
  private final LongAdder permitWaitNanos = new LongAdder();
  private final LongAdder refusedByRate = new LongAdder();
  private final LongAdder refusedBySlots = new LongAdder();
  private final LongAdder callNanos = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  private AliyunCallLimiter(Builder b) {
    this.account = b.account;
    this.callsPerSecond = b.callsPerSecond;
    this.burst = b.burst;
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.permitWait = b.permitWait;
    this.slotWait = b.slotWait;
    this.sleeper = b.sleeper;
    long periodNanos = Math.max(1, Math.round(burst * 1e9 / callsPerSecond));
    RateLimiterConfig rateConfig = RateLimiterConfig.custom()
        .limitForPeriod(burst)
        .limitRefreshPeriod(Duration.ofNanos(periodNanos))
        .timeoutDuration(permitWait)
        .build();
    LongSupplier nanoTime = b.nanoTime;
    this.rate = RateLimiter.of("aliyun-" + account, rateConfig, nanoTime::getAsLong);
    this.slots = Bulkhead.of("aliyun-" + account, BulkheadConfig.custom()
        .maxConcurrentCalls(maxConcurrentCalls)
        .maxWaitDuration(slotWait)
        // First come, first served: a cluster that waits long must not be overtaken for ever by newer calls.
        .fairCallHandlingStrategyEnabled(true)
        .build());
  }

  /** Starts a limiter for the account named {@code account} (a label for messages and metrics, not a secret). */
  public static Builder forAccount(String account) {
    return new Builder(account);
  }

  /**
   * Runs one attempt of {@code operation} on {@code resource} once a slot and a permit are granted.
   *
   * @throws AliyunCallException the attempt's own failure, or this limiter's refusal (see the class comment)
   * @throws HybridCniException when the thread is interrupted while it waits
   */
  public <T> T call(String operation, String resource, Retrier.Call<T> attempt) {
    try {
      slots.acquirePermission();
    } catch (BulkheadFullException e) {
      refusedBySlots.increment();
      throw refused(operation, resource, "no free slot of the " + maxConcurrentCalls + " calls in flight "
          + describe() + " allows within the slot wait of " + millis(slotWait), e);
    } catch (AcquirePermissionCancelledException e) {
      throw interrupted(operation, resource, e);
    }
    try {
      long waitNanos = rate.reservePermission();
      if (waitNanos < 0) {
        refusedByRate.increment();
        throw refused(operation, resource, "no permit of the " + describe() + " within the permit wait of "
            + millis(permitWait), RequestNotPermitted.createRequestNotPermitted(rate));
      }
      if (waitNanos > 0) {
        permitsWaited.increment();
        permitWaitNanos.add(waitNanos);
        try {
          sleeper.sleep(Duration.ofNanos(waitNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw interrupted(operation, resource, e);
        }
      }
      started.increment();
      peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      long start = System.nanoTime();
      try {
        return attempt.run();
      } finally {
        callNanos.add(System.nanoTime() - start);
        inFlight.decrementAndGet();
      }
    } finally {
      slots.onComplete();
    }
  }

  private AliyunCallException refused(String operation, String resource, String why, RuntimeException cause) {
    return new AliyunCallException(operation, resource, null, null, null, "not sent: " + why, false, cause);
  }

  private HybridCniException interrupted(String operation, String resource, Exception cause) {
    return new HybridCniException("interrupted while " + operation + " on " + resource + " waited for the "
        + describe(), cause);
  }

  /** How the limit reads in messages, e.g. {@code call limit of account prod (50 calls/s, burst 10, 16 in flight)}. */
  private String describe() {
    return String.format(Locale.ROOT, "call limit of account %s (%s calls/s, burst %d, %d in flight)", account,
        trim(callsPerSecond), burst, maxConcurrentCalls);
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String millis(Duration d) {
    return d.toMillis() + " ms";
  }

  /** The account label this limiter was built for. */
  public String account() {
    return account;
  }

  /** The configured rate, calls per second. */
  public double callsPerSecond() {
    return callsPerSecond;
  }

  /** The configured burst: calls the rate lets through at once, and so per refresh period. */
  public int burst() {
    return burst;
  }

  /** The configured limit of calls in flight. */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /** The resilience4j rate limiter, for a metrics binder (its own metrics and event publisher). */
  public RateLimiter rateLimiter() {
    return rate;
  }

  /** The resilience4j bulkhead, for a metrics binder (its own metrics and event publisher). */
  public Bulkhead bulkhead() {
    return slots;
  }

  /** What this limiter has done so far, read at once (each figure on its own is exact, together nearly so). */
  public Stats stats() {
    return new Stats(started.sum(), permitsWaited.sum(), Duration.ofNanos(permitWaitNanos.sum()),
        refusedByRate.sum(), refusedBySlots.sum(), inFlight.get(), peakInFlight.get(),
        Duration.ofNanos(callNanos.sum()));
  }

  /** Starts measuring {@link Stats#peakInFlight()} again from the number in flight now. */
  public void resetPeakInFlight() {
    peakInFlight.set(inFlight.get());
  }

  /**
   * A reading of the limiter's counters.
   *
   * @param callsStarted attempts that got their slot and permit and were handed to the SDK
   * @param permitsWaited of those, how many had to wait for their permit
   * @param permitWaitTotal the time those waited for permits, summed
   * @param refusedByRate calls refused because their permit was further away than the permit wait
   * @param refusedBySlots calls refused because no slot freed up within the slot wait
   * @param inFlight attempts running now
   * @param peakInFlight the most attempts running at once since the start or {@link #resetPeakInFlight()}
   * @param callTimeTotal the time from start to answer (or failure) of every attempt, summed
   */
  public record Stats(long callsStarted, long permitsWaited, Duration permitWaitTotal, long refusedByRate,
      long refusedBySlots, int inFlight, int peakInFlight, Duration callTimeTotal) {

    /** Every refusal, of either kind. */
    public long refused() {
      return refusedByRate + refusedBySlots;
    }
  }

  @Override
  public String toString() {
    return "AliyunCallLimiter{" + describe() + ", permitWait=" + millis(permitWait) + ", slotWait="
        + millis(slotWait) + "}";
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private final String account;
    private double callsPerSecond = 20;
    private int burst = 5;
    private int maxConcurrentCalls = 8;
    private Duration permitWait = Duration.ofSeconds(30);
    private Duration slotWait = Duration.ofSeconds(30);
    private LongSupplier nanoTime = System::nanoTime;
    private Sleeper sleeper = AliyunCallLimiter::sleepPrecisely;

    private Builder(String account) {
      this.account = Objects.requireNonNull(account, "account");
      if (account.isBlank()) {
        throw new IllegalArgumentException("account must name the account (a label), was blank");
      }
    }

    /**
     * Calls started per second, on average; greater than 0. Default 20, a cautious guess: Alibaba Cloud sets its
     * flow-control quotas per account and per API, so set it from the quotas of the account (leaving room for its
     * other users).
     */
    public Builder callsPerSecond(double value) {
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("callsPerSecond must be greater than 0 and finite, was " + value);
      }
      this.callsPerSecond = value;
      return this;
    }

    /** Calls that may start at once, and so the permits of each refresh period; at least 1. Default 5. */
    public Builder burst(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("burst must be at least 1, was " + value);
      }
      this.burst = value;
      return this;
    }

    /** Calls in flight at once; at least 1. Default 8. */
    public Builder maxConcurrentCalls(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, was " + value);
      }
      this.maxConcurrentCalls = value;
      return this;
    }

    /**
     * The longest a call may wait for its rate permit; zero or more. A call whose permit is further away is refused
     * at once. Default 30 s.
     */
    public Builder permitWait(Duration value) {
      this.permitWait = nonNegative(value, "permitWait");
      return this;
    }

    /** The longest a call may wait for a slot while every one is in flight; zero or more. Default 30 s. */
    public Builder slotWait(Duration value) {
      this.slotWait = nonNegative(value, "slotWait");
      return this;
    }

    /**
     * The clock the rate is measured on and the wait for a permit, for tests that must not sleep. Default
     * {@link System#nanoTime()} and a park that never wakes early.
     */
    Builder clock(LongSupplier nanoTime, Sleeper sleeper) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    public AliyunCallLimiter build() {
      return new AliyunCallLimiter(this);
    }

    private static Duration nonNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must be zero or more, was " + value);
      }
      return value;
    }
  }

  /**
   * Waits at least {@code duration}: {@link Sleeper#REAL} drops the part below a millisecond, and a call that woke
   * early would start in the previous refresh period, above the rate.
   */
  private static void sleepPrecisely(Duration duration) throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
