package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.SecretForms;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code hybridcni demo} on each sample: the main job of a fresh machine. */
class DemoCommandTest {

  @AfterEach
  void restoreSimulations() {
    DemoCommand.simulations = Simulation::start;
  }

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

  @Test
  void everySampleOfSimulateIsADemoScenarioOfTheSameName() {
    assertThat(Arrays.stream(DemoCommand.Scenario.values()).map(s -> s.sample).distinct())
        .containsExactlyInAnyOrder(TargetOptions.Scenario.values());
    for (TargetOptions.Scenario sample : TargetOptions.Scenario.values()) {
      assertThat(DemoCommand.Scenario.valueOf(sample.name()).sample).isEqualTo(sample);
    }
  }

  @Test
  @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theDriftDemoShowsCalicoOnTheCloudNodeAfterTheManifestIsReappliedAndTheControllerRepairingIt() {
    AtomicReference<String> accessKeySecret = new AtomicReference<>();
    DemoCommand.simulations = scenario -> Simulation.start(scenario).afterControllers(client -> {
      var secret = client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get();
      if (secret != null && secret.getData() != null && secret.getData().get("access-key-secret") != null) {
        accessKeySecret.set(new String(Base64.getDecoder().decode(secret.getData().get("access-key-secret")),
            StandardCharsets.UTF_8));
      }
    });

    CliRun demo = CliRun.run(Environments.standard(), false, "", "demo", "--scenario", "drift");

    assertThat(demo.exitCode()).as(demo.toString()).isZero();
    String out = demo.out();
    String cloudNode = KubeSampleCluster.CLOUD_NODE;
    assertThat(out).as(demo.toString())
        .containsSubsequence("Converged:", "controller: leading: this replica repairs.",
            "== kubectl apply -f calico.yaml",
            "nodeSelectorTerms are the manifest's again: [kubernetes.io/os In [linux]]",
            "calico-node runs on: " + cloudNode + " (a cloud node",
            "controller: repaired: converged",
            "Event on DaemonSet kube-system/calico-node: CloudNodesExcluded: ",
            "calico-node runs on: onprem-1, onprem-2.\n",
            "== hybridcni status ==",
            "Repaired ", " after the manifest was re-applied: the controller put the exclusion back by itself");
    // The round may plan while the DaemonSet controller still places the pods, so this line has no fixed place.
    assertThat(out).contains("controller: noticed: a plan of 1 action(s) (EXCLUDE_CLOUD_NODES_FROM_CNI), 0 blocker(s).");
    assertThat(accessKeySecret.get()).as("the demo wrote an AccessKey Secret").hasSizeGreaterThan(20);
    assertThat(SecretForms.hits(out + demo.err(), accessKeySecret.get())).isEmpty();
  }
}
