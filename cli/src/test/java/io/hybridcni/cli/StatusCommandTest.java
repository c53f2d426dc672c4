package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hybridcni status} on a simulation: the running network node by node, exit 0 healthy and 1 problems. */
class StatusCommandTest {

  @TempDir
  Path dir;

  private SimulatedCli cli;
  private Simulation simulation;
  private Path spec;

  @BeforeEach
  void start() throws IOException {
    cli = SimulatedCli.start(KubeSampleCluster.CALICO_BGP, dir);
    simulation = cli.simulation;
    spec = cli.spec;
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private CliRun hybridcni(String... args) {
    return cli.run(args);
  }

  @Test
  void beforeApplyTheCloudNodeRunsCalicoAndNoTerwayAndStatusExitsOne() {
    CliRun status = hybridcni("status", "-f", spec.toString());

    assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
    assertThat(status.out()).contains("Scenario BGP").contains(KubeSampleCluster.CLOUD_NODE)
        .contains("CLOUD_NODE_WITHOUT_TERWAY").contains("ON_PREMISES_CNI_ON_CLOUD_NODE")
        .contains("NODE", "ROLE", "CNI PODS", "DAEMONSET", "STRATEGY");
  }

  @Test
  void afterApplyEveryNodeRunsItsCniReadyAndStatusExitsZero() {
    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();

    CliRun status = hybridcni("status", "-f", spec.toString());

    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("Healthy").contains("terway Ready").contains("calico-node Ready")
        .doesNotContain("Warning");
  }

  @Test
  void jsonStatusCarriesTheNodesTheFindingsAndTheExitCode() {
    CliRun status = hybridcni("status", "-f", spec.toString(), "--format", "json");

    assertThat(status.exitCode()).isEqualTo(1);
    assertThat(status.out()).contains("\"format_version\" : 1").contains("\"healthy\" : false")
        .contains("\"exit_code\" : 1").contains("\"code\" : \"CLOUD_NODE_WITHOUT_TERWAY\"")
        .contains("\"name\" : \"" + KubeSampleCluster.CLOUD_NODE + "\"");
  }

  @Test
  void applyIsNotConvergedWhileAnEcsNodeWithoutTheCloudLabelKeepsCalicoAndGetsNoTerway() {
    simulation.client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
        .withName("cn-hangzhou.i-bp1unlabelled01").addToLabels("kubernetes.io/os", "linux").endMetadata()
        .withNewSpec().withProviderID("cn-hangzhou.i-bp1unlabelled01").endSpec().build()).create();
    // Calico's DaemonSet places its pod there, as the real controller would before anyone plans.
    io.hybridcni.testkit.kube.DaemonSetController.reconcile(simulation.client);

    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.out()).as(apply.err()).doesNotContain("Apply complete! Converged")
        .contains("ECS_NODE_WITHOUT_CLOUD_LABEL")
        .contains("not right on node(s) [cn-hangzhou.i-bp1unlabelled01]");
  }
}
