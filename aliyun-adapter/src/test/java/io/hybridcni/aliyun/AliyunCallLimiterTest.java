package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.hybridcni.testkit.aliyun.Journal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The limiter's arithmetic on a clock that moves only when the limiter waits, so that no test sleeps for its rate;
 * the slot limit with real threads. What the fake Aliyun sees through it is in {@link SharedCallLimitTest}.
 */
class AliyunCallLimiterTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  /** A clock that stands still until the limiter waits: its wait is then exactly what the rate limiter asked. */
  private final AtomicLong now = new AtomicLong();

  private AliyunCallLimiter.Builder limiter(double callsPerSecond, int burst) {
    return AliyunCallLimiter.forAccount("acct").callsPerSecond(callsPerSecond).burst(burst).maxConcurrentCalls(4)
        .clock(now::get, d -> now.addAndGet(d.toNanos()));
  }

  /** Runs a call through {@code limiter} and answers the clock when it started, in milliseconds. */
  private long startOf(AliyunCallLimiter limiter) {
    return limiter.call("GetUser", "ram/user/u", () -> now.get() / MS);
  }

  @Test
  void aFullLimiterLetsTheBurstGoAtOnceThenOneBurstPerRefreshPeriod() {
    // 10 calls/s in bursts of 3: 3 permits every 300 ms.
    AliyunCallLimiter limiter = limiter(10, 3).build();

    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      starts.add(startOf(limiter));
    }

    assertThat(starts).containsExactly(0L, 0L, 0L, 300L, 300L, 300L, 600L);
    assertThat(limiter.stats().permitsWaited()).isEqualTo(2);
    assertThat(limiter.stats().permitWaitTotal()).isEqualTo(Duration.ofMillis(600));
  }

  @Test
  void aQuietSpellRefillsOnlyUpToTheBurst() {
    AliyunCallLimiter limiter = limiter(10, 2).build();
    startOf(limiter);
    startOf(limiter);

    now.set(60 * SECOND);

    assertThat(List.of(startOf(limiter), startOf(limiter), startOf(limiter))).containsExactly(60_000L, 60_000L,
        60_200L);
  }

  @Test
  void callersThatWaitAsToldNeverStartMoreThanTheRateTimesTheWindowPlusTheBurst() {
    AliyunCallLimiter limiter = limiter(50, 5).build();
    List<Long> starts = new ArrayList<>();
    // 400 callers arriving in clumps of 20 every 50 ms, far faster than 50 per second.
    for (int i = 0; i < 400; i++) {
      now.accumulateAndGet((i / 20) * 50 * MS, Math::max);
      starts.add(limiter.call("GetUser", "ram/user/u", now::get));
    }

    assertThat(Journal.mostWithin(starts, SECOND)).isLessThanOrEqualTo(50 + 5);
    assertThat(Journal.mostWithin(starts, 100 * MS)).isLessThanOrEqualTo(5 + 5);
    // And the limiter is not stingier than its rate: 400 calls in about (400 - 5) / 50 s.
    assertThat(starts.get(starts.size() - 1)).isLessThanOrEqualTo(8 * SECOND);
  }

  @Test
  void aCallWhosePermitIsFurtherAwayThanThePermitWaitIsRefusedAtOnceAndReservesNothing() {
    AliyunCallLimiter limiter = limiter(1, 1).permitWait(Duration.ofMillis(500)).build();
    startOf(limiter);
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(() -> limiter.call("GetUser", "ram/user/u", () -> ran.getAndSet(true)))
        .isInstanceOfSatisfying(AliyunCallException.class, e -> {
          assertThat(e.isTransient()).as("transient").isFalse();
          assertThat(e.outcomeUnknown()).as("outcome unknown").isFalse();
          assertThat(e.code()).isNull();
        })
        .hasMessage("GetUser on ram/user/u failed: not sent: no permit of the call limit of account acct "
            + "(1 calls/s, burst 1, 4 in flight) within the permit wait of 500 ms")
        .hasCauseInstanceOf(RequestNotPermitted.class);
    assertThat(ran).isFalse();
    assertThat(now.get()).as("no wait").isZero();
    assertThat(limiter.stats().refusedByRate()).isEqualTo(1);

    now.set(SECOND);
    assertThat(startOf(limiter)).as("the refusal reserved no permit of the next period").isEqualTo(1_000L);
  }

  @Test
  void aCallerThatFindsEverySlotTakenPastTheSlotWaitIsRefusedNamingTheLimit() throws Exception {
    AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("acct").callsPerSecond(1000).burst(100)
        .maxConcurrentCalls(1).slotWait(Duration.ofMillis(50)).build();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<String> held = other.submit(() -> limiter.call("ListAccessKeys", "ram/user/u", () -> {
        holding.countDown();
        try {
          return release.await(30, TimeUnit.SECONDS) ? "done" : "not released";
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }));
      assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(limiter.stats().inFlight()).isEqualTo(1);

      assertThatThrownBy(() -> limiter.call("GetUser", "ram/user/u", () -> "sent"))
          .isInstanceOf(AliyunCallException.class)
          .hasMessage("GetUser on ram/user/u failed: not sent: no free slot of the 1 calls in flight call limit of "
              + "account acct (1000 calls/s, burst 100, 1 in flight) allows within the slot wait of 50 ms")
          .hasCauseInstanceOf(BulkheadFullException.class);

      release.countDown();
      assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo("done");
      assertThat(limiter.call("GetUser", "ram/user/u", () -> "sent")).isEqualTo("sent");
      AliyunCallLimiter.Stats stats = limiter.stats();
      assertThat(stats.refusedBySlots()).isEqualTo(1);
      assertThat(stats.callsStarted()).isEqualTo(2);
      assertThat(stats.inFlight()).isZero();
      assertThat(stats.peakInFlight()).isEqualTo(1);
    } finally {
      release.countDown();
      other.shutdownNow();
    }
  }

  @Test
  void aFailedAttemptGivesItsSlotBackAndItsOwnExceptionThrough() {
    AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("acct").maxConcurrentCalls(1)
        .slotWait(Duration.ZERO).build();
    AliyunCallException denied = new AliyunCallException("CreateUser", "ram/user/u", "NoPermission", 403, "req-1",
        "denied", false, null);

    assertThatThrownBy(() -> limiter.call("CreateUser", "ram/user/u", () -> {
      throw denied;
    })).isSameAs(denied);

    assertThat(limiter.call("GetUser", "ram/user/u", () -> "sent")).isEqualTo("sent");
    assertThat(limiter.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(1);
  }

  @Test
  void limitsOutsideTheirRangeAreRefusedNamingTheSetting() {
    AliyunCallLimiter.Builder b = AliyunCallLimiter.forAccount("acct");
    assertThatThrownBy(() -> b.callsPerSecond(0)).hasMessage("callsPerSecond must be greater than 0 and finite, was 0.0");
    assertThatThrownBy(() -> b.callsPerSecond(Double.NaN)).hasMessageContaining("callsPerSecond must be greater than 0");
    assertThatThrownBy(() -> b.burst(0)).hasMessage("burst must be at least 1, was 0");
    assertThatThrownBy(() -> b.maxConcurrentCalls(0)).hasMessage("maxConcurrentCalls must be at least 1, was 0");
    assertThatThrownBy(() -> b.permitWait(Duration.ofMillis(-1))).hasMessage("permitWait must be zero or more, was PT-0.001S");
    assertThatThrownBy(() -> b.slotWait(Duration.ofMillis(-1))).hasMessage("slotWait must be zero or more, was PT-0.001S");
    assertThatThrownBy(() -> AliyunCallLimiter.forAccount(" ")).hasMessageContaining("account must name the account");
  }

  @Test
  void theRateBecomesBurstPermitsPerBurstOverRatePeriod() {
    AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("acct").callsPerSecond(200).burst(20).build();

    assertThat(limiter.rateLimiter().getRateLimiterConfig().getLimitForPeriod()).isEqualTo(20);
    assertThat(limiter.rateLimiter().getRateLimiterConfig().getLimitRefreshPeriod()).isEqualTo(Duration.ofMillis(100));
    assertThat(limiter.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(8);
    assertThat(limiter).hasToString("AliyunCallLimiter{call limit of account acct (200 calls/s, burst 20, 8 in flight)"
        + ", permitWait=30000 ms, slotWait=30000 ms}");
  }
}
