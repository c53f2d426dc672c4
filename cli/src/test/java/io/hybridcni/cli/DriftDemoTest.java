package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.spec.ControllerPolicy;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The drift demo's bounded waits: a drift the controller may not repair ends in one line, not a hang. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DriftDemoTest {

  @Test
  void aDriftTheSpecDoesNotLetTheControllerRepairEndsInTimeNamingWhatTheControllerLastDid() throws Exception {
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO)) {
      HybridNetworkSpec reportOnly = simulation.demoSpec().toBuilder().controller(ControllerPolicy.REPORT_ONLY)
          .build();
      assertThat(simulation.reconciler(Duration.ofSeconds(30)).reconcile(reportOnly,
          ApplyOptions.defaults().withHolder("test-setup")).converged()).isTrue();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Terminal term = new Terminal(new ByteArrayInputStream(new byte[0]),
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
      long started = System.nanoTime();

      int exit = new DriftDemo(simulation, reportOnly, term, Duration.ofSeconds(5)).run();

      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(printed).isEqualTo(ExitCodes.ERROR);
      assertThat(printed).as(printed).contains("calico-node runs on: " + KubeSampleCluster.CLOUD_NODE)
          .contains("controller: held: ")
          .contains("Not repaired: the drift was not repaired within PT5S; the controller's last word: ")
          .doesNotContain("controller: repaired").doesNotContain("Repaired ");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
    }
  }
}
