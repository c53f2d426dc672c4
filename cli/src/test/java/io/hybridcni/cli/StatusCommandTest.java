package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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

  /** Sets Terway's pods' Ready condition, as the kubelet reports it, and lets the DaemonSet controller count it. */
  private static void terwayReady(io.fabric8.kubernetes.client.KubernetesClient client, boolean ready) {
    for (var pod : client.pods().inNamespace("kube-system").withLabel("app", "terway-eniip").list().getItems()) {
      pod.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
          .forEach(c -> c.setStatus(ready ? "True" : "False"));
      client.pods().inNamespace("kube-system").resource(pod).updateStatus();
    }
    io.hybridcni.testkit.kube.DaemonSetController.reconcile(client);
  }

  /**
   * Right after ACK's addon manager creates Terway's pods their containers still start: a kubelet reports them Ready
   * only once the readiness probe passes (kubernetes pkg/kubelet/prober), which the simulation plays here by
   * holding them NotReady until the closing check has polled {@code polls} times.
   */
  private List<java.time.Duration> terwayReadyAfter(int polls) {
    java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
    simulation.afterControllers(client -> {
      if (!client.pods().inNamespace("kube-system").withLabel("app", "terway-eniip").list().getItems().isEmpty()
          && held.compareAndSet(false, true)) {
        terwayReady(client, false);
      }
    });
    List<java.time.Duration> slept = new java.util.concurrent.CopyOnWriteArrayList<>();
    simulation.statusSleeper(d -> {
      slept.add(d);
      if (slept.size() == polls) {
        terwayReady(simulation.client, true);
      }
    });
    return slept;
  }

  @Test
  void applyWaitsForTerwaysPodToBecomeReadyAndThenSaysConverged() {
    List<java.time.Duration> slept = terwayReadyAfter(3);

    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(slept).as("the closing check's polls").hasSize(3).containsOnly(java.time.Duration.ofSeconds(5));
    assertThat(apply.out()).contains("Apply complete! Converged: a new plan finds nothing to change, and every node "
        + "runs its CNI, Running and Ready.");
  }

  @Test
  void applyExitsOneNamingTheNodeWhenTerwaysPodIsNeverReadyWithinTheStatusTimeout() {
    List<java.time.Duration> slept = terwayReadyAfter(Integer.MAX_VALUE);

    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve", "--status-timeout", "PT20S");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(slept).hasSize(4);
    assertThat(apply.out()).doesNotContain("Apply complete! Converged").contains("TERWAY_NOT_READY")
        .contains("not right on node(s) [" + KubeSampleCluster.CLOUD_NODE + "] after waiting PT20S "
            + "(--status-timeout)");
  }

  @Test
  void aNegativeStatusTimeoutIsOneLineNamingTheOption() {
    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve", "--status-timeout", "-PT1S");

    assertThat(apply.exitCode()).isNotZero();
    assertThat(apply.err().lines()).first().asString().contains("--status-timeout")
        .contains("a duration of zero or more");
  }
}
