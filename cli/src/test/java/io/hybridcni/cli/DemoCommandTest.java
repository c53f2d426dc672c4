package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hybridcni demo} on each sample: the main job of a fresh machine. */
class DemoCommandTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "bgp, 0, Converged",
      "operator_bgp, 0, Converged",
      "host_network, 0, Converged",
      "overlay_flannel, 0, No changes.",
      "overlay_cilium, 0, No changes.",
      "cilium_native, 1, The plan is blocked"})
  void theDemoRunsPlanApplyPlanOnEachSample(String scenario, int exitCode, String says) {
    CliRun demo = CliRun.run(Environments.standard(), false, "", "demo", "--scenario", scenario);

    assertThat(demo.exitCode()).as(demo.toString()).isEqualTo(exitCode);
    assertThat(demo.out()).contains(says);
  }
}
