package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hybridcni controller --fleet}'s options: each bad one is one line naming the option and what it expects. */
class FleetCommandTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      --shards           | 0       | expected a whole number of at least 1, found 0
      --aliyun-rate      | 0       | expected calls per second of more than 0, found 0.0
      --aliyun-burst     | 0       | expected at least 1, found 0
      --aliyun-in-flight | 0       | expected at least 1, found 0
      --fleet-namespace  | Bad_NS  | expected '*' or a Kubernetes namespace
      --shards           | two     | 'two'
      """)
  void aBadFleetOptionValueIsOneLineNamingTheOption(String option, String value, String expected) throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      CliRun run = cli.run("controller", "--fleet", option, value);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(run.err().strip().lines()).as(run.toString()).singleElement().satisfies(line ->
          assertThat(line).contains(option).contains(expected));
    }
  }

  @Test
  void fleetAndASpecFileAreMutuallyExclusive() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      CliRun run = cli.run("controller", "--fleet", "-f", cli.spec.toString());

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(run.err().strip().lines()).as(run.toString()).singleElement().satisfies(line ->
          assertThat(line).contains("mutually exclusive").contains("--fleet").contains("--file"));
    }
  }

  @Test
  void aFleetOptionWithoutFleetIsOneLineSayingItNeedsFleet() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      CliRun run = cli.run("controller", "-f", cli.spec.toString(), "--shards", "4");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(run.err().strip()).isEqualTo("Error: --shards applies to the fleet mode only: expected it with "
          + "--fleet (see 'hybridcni controller --help')");
    }
  }

  @Test
  void aFleetOnASimulationIsOneLineAskingForTheHubsKubeconfig() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      CliRun run = cli.run("controller", "--fleet", "--simulate", "bgp");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(run.err().strip().lines()).as(run.toString()).singleElement().satisfies(line ->
          assertThat(line).contains("--fleet").contains("not --simulate"));
    }
  }

  @Test
  void aFleetIdentityThatCannotNameALeaseIsOneLineBeforeAnythingConnects() throws Exception {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir)) {
      int before = cli.simulation.kubernetesServer().getRequestCount();
      CliRun run = cli.run("controller", "--fleet", "--identity", "Replica_1");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.ERROR);
      assertThat(run.err().strip().lines()).as(run.toString()).singleElement().satisfies(line ->
          assertThat(line).contains("--identity").contains("expected a DNS subdomain").contains("'Replica_1'"));
      assertThat(cli.simulation.kubernetesServer().getRequestCount()).as("requests at the hub").isEqualTo(before);
    }
  }
}
