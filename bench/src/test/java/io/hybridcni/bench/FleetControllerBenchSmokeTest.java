package io.hybridcni.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A few clusters through the real fleet: every member finishes its first round, the drifted ones repaired, and the
 * fake never sees more than the limit allows. The 1,000-cluster run is on demand (bench README).
 */
@Timeout(300)
class FleetControllerBenchSmokeTest {

  @Test
  void aSmallFleetThroughTheControllerConvergesWithinTheAccountsLimit() {
    BenchResult result = FleetControllerBench.run(FleetControllerBench.Params.smoke());

    @SuppressWarnings("unchecked")
    Map<String, Object> checks = (Map<String, Object>) result.toMap().get("checks");
    assertThat(checks).containsKeys(FleetControllerBench.checkNames().toArray(String[]::new));
    assertThat(FleetControllerBench.missed(result)).isEmpty();
    assertThat(result.value("repairedClusters")).isEqualTo(2);
    assertThat(result.value("aliyunCalls")).isPositive();
    assertThat(result.value("failedRounds")).isZero();
  }
}
