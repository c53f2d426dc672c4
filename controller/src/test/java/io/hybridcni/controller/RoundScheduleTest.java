package io.hybridcni.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When rounds come, on a clock moved by hand. */
class RoundScheduleTest {

  private static final long MS = 1_000_000L;

  private static RoundSchedule schedule(double random, long now) {
    return new RoundSchedule(Duration.ofMillis(100), Duration.ofMinutes(10), Duration.ofMinutes(5), 0.2,
        Duration.ofSeconds(1), Duration.ofSeconds(8), () -> random, now);
  }

  @Test
  void aBurstOfChangesCostsOneRoundTheDebounceAfterItsLastChange() {
    RoundSchedule s = schedule(0.5, 0);
    s.start(s.dueAt());
    s.succeeded();

    s.changed(1000 * MS);
    s.changed(1050 * MS);
    s.changed(1090 * MS);

    assertThat(s.dueAt()).isEqualTo(1190 * MS);
  }

  @Test
  void aBurstThatNeverEndsStillGetsARoundTenDebouncesAfterItsFirstChange() {
    RoundSchedule s = schedule(0.5, 0);
    s.start(s.dueAt());
    s.succeeded();

    for (long t = 1000; t < 3000; t += 50) {
      s.changed(t * MS);
    }

    assertThat(s.dueAt()).isEqualTo((1000 + 1000) * MS);
  }

  @Test
  void withoutChangesTheNextRoundIsTheResyncOrTheCloudPollWhicheverComesFirst() {
    RoundSchedule s = schedule(0.5, 0);
    assertThat(s.dueAt()).isEqualTo(0);
    assertThat(s.start(100 * MS)).as("the first round reads the cloud").isTrue();
    s.succeeded();

    // random 0.5: no jitter; the cloud poll (5 min) comes before the resync (10 min).
    assertThat(s.dueAt()).isEqualTo(100 * MS + Duration.ofMinutes(5).toNanos());
    s.changed(200 * MS);
    assertThat(s.start(300 * MS)).as("a change's round reuses the cloud facts").isFalse();
    assertThat(s.start(100 * MS + Duration.ofMinutes(5).toNanos())).as("the poll's round reads it").isTrue();
  }

  @Test
  void theCloudPollIsJitteredByAtMostTwentyPercent() {
    RoundSchedule low = schedule(0.0, 0);
    low.start(0);
    low.succeeded();
    RoundSchedule high = schedule(0.999999, 0);
    high.start(0);
    high.succeeded();

    assertThat(low.dueAt()).isEqualTo(Duration.ofMinutes(4).toNanos());
    assertThat(high.dueAt()).isBetween(Duration.ofMinutes(6).toNanos() - MS, Duration.ofMinutes(6).toNanos());
  }

  @Test
  void failedRoundsBackOffExponentiallyUpToTheCapAndChangesMeanwhileWaitForTheRetry() {
    RoundSchedule s = schedule(0.5, 0);
    s.start(0);

    s.failed(0);
    assertThat(s.dueAt()).isEqualTo(1000 * MS);
    s.changed(10 * MS);
    assertThat(s.dueAt()).as("a change does not jump the backoff").isEqualTo(1000 * MS);
    assertThat(s.start(1000 * MS)).as("a retry reads the cloud again").isTrue();
    s.failed(1000 * MS);
    assertThat(s.dueAt()).isEqualTo(3000 * MS);
    s.start(3000 * MS);
    s.failed(3000 * MS);
    assertThat(s.dueAt()).isEqualTo(7000 * MS);
    s.start(7000 * MS);
    s.failed(7000 * MS);
    s.start(15000 * MS);
    s.failed(15000 * MS);
    assertThat(s.dueAt()).as("capped at 8 s").isEqualTo(23000 * MS);
    assertThat(s.failures()).isEqualTo(5);

    s.start(23000 * MS);
    s.succeeded();
    s.failed(30000 * MS);
    assertThat(s.dueAt()).as("a success resets the backoff").isEqualTo(31000 * MS);
  }

  @Test
  void aStaleRefusalIsPlannedAgainAtOnceThreeTimesInARowThenBacksOff() {
    RoundSchedule s = schedule(0.5, 0);
    s.start(0);
    s.succeeded();
    s.changed(1000 * MS);
    assertThat(s.start(1100 * MS)).as("the first round read the cloud; this one reuses its facts").isFalse();

    for (int i = 1; i <= RoundSchedule.MAX_IMMEDIATE_REPLANS; i++) {
      long now = (1100 + 100 * i) * MS;
      assertThat(s.superseded(now)).as("stale refusal %d is planned again at once", i).isTrue();
      assertThat(s.dueAt()).isEqualTo(now);
      assertThat(s.start(now)).as("nothing was written: the cloud facts are kept").isFalse();
    }
    assertThat(s.failures()).isZero();

    assertThat(s.superseded(1500 * MS)).as("the fourth in a row waits").isFalse();
    assertThat(s.failures()).isEqualTo(1);
    assertThat(s.dueAt()).as("the normal backoff, 1 s").isEqualTo(2500 * MS);
    s.changed(1600 * MS);
    assertThat(s.dueAt()).as("a change does not jump the backoff").isEqualTo(2500 * MS);
    assertThat(s.start(2500 * MS)).as("a retry after the backoff reads the cloud again").isTrue();
    assertThat(s.superseded(2600 * MS)).as("still in a row: backs off again").isFalse();
    assertThat(s.dueAt()).as("doubled").isEqualTo(4600 * MS);
  }

  @Test
  void aRoundThatGoesThroughResetsTheStaleCountAndTheBackoff() {
    RoundSchedule s = schedule(0.5, 0);
    s.start(0);
    for (int i = 0; i <= RoundSchedule.MAX_IMMEDIATE_REPLANS; i++) {
      s.superseded(i * MS);
    }
    assertThat(s.failures()).isEqualTo(1);
    s.start(2000 * MS);
    s.succeeded();
    assertThat(s.superseded()).isZero();

    assertThat(s.superseded(3000 * MS)).as("a new drift's first stale refusal is planned again at once").isTrue();
    assertThat(s.dueAt()).isEqualTo(3000 * MS);
    s.start(3000 * MS);
    s.failed(3100 * MS);
    assertThat(s.dueAt()).as("the failure count started again from zero").isEqualTo(4100 * MS);
  }

  @Test
  void aNegativeTickerOriginDoesNotOverflow() {
    long origin = Long.MIN_VALUE / 2;
    RoundSchedule s = schedule(0.5, origin);
    s.start(origin);
    s.succeeded();

    assertThat(s.dueAt()).isEqualTo(origin + Duration.ofMinutes(5).toNanos());
  }
}
