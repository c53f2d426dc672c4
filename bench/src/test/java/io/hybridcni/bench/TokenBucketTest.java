package io.hybridcni.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFullBucketLetsTheBurstGoAtOnceAndPacesTheRestAtTheRate() {
    TokenBucket bucket = new TokenBucket(10, 3, 0);

    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(bucket.reserve(0));
    }

    assertThat(waits).containsExactly(0L, 0L, 0L, SECOND / 10, 2 * SECOND / 10, 3 * SECOND / 10);
  }

  @Test
  void callersThatWaitAsToldNeverStartMoreThanBurstPlusRateTimesTheWindow() {
    TokenBucket bucket = new TokenBucket(50, 5, 0);
    List<Long> starts = new ArrayList<>();
    // 400 callers arriving in clumps, far faster than 50 per second.
    for (int i = 0; i < 400; i++) {
      long now = (i / 20) * (SECOND / 20);
      starts.add(now + bucket.reserve(now));
    }

    assertThat(AliyunLimiter.maxWithin(starts, SECOND)).isLessThanOrEqualTo(5 + 50);
    assertThat(AliyunLimiter.maxWithin(starts, SECOND / 10)).isLessThanOrEqualTo(5 + 5);
  }

  @Test
  void aQuietSpellRefillsOnlyUpToTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 2, 0);
    bucket.reserve(0);
    bucket.reserve(0);

    long later = 60 * SECOND;

    assertThat(bucket.reserve(later)).isZero();
    assertThat(bucket.reserve(later)).isZero();
    assertThat(bucket.reserve(later)).isEqualTo(SECOND / 10);
  }

  @Test
  void limitsOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).hasMessageContaining("greater than 0");
    assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).hasMessageContaining("at least 1");
  }

  @Test
  void theSlidingWindowCountsStartsWithinHalfOpenWindows() {
    assertThat(AliyunLimiter.maxWithin(List.of(0L, 1L, SECOND - 1, SECOND, 2 * SECOND), SECOND)).isEqualTo(3);
    assertThat(AliyunLimiter.maxWithin(List.of(), SECOND)).isZero();
  }
}
