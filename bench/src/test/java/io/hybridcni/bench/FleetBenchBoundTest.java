package io.hybridcni.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetBenchBoundTest {

  private static FleetBench.Params limits(double qps, int burst, int maxInFlight) {
    return new FleetBench.Params(10, 2, qps, burst, maxInFlight, Duration.ZERO, Duration.ZERO, 0);
  }

  @Test
  void theBusiestSecondMayHoldTheRatePlusOneBurstPlusTheCallsInTransitWhenThePeriodDividesTheSecond() {
    // 20 permits every 100 ms: a second that starts mid-period touches 11 periods.
    assertThat(FleetBench.busiestSecondBound(limits(200, 20, 16))).isEqualTo(200 + 20 + 16);
  }

  @Test
  void aPeriodThatDoesNotDivideTheSecondCountsEveryPeriodTheSecondCanTouch() {
    // 3 permits every 300 ms: a second touches at most 5 periods (ceil(3.33) + 1).
    assertThat(FleetBench.busiestSecondBound(limits(10, 3, 2))).isEqualTo(3 * 5 + 2);
  }
}
