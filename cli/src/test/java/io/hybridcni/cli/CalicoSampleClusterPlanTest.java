package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans, through the CLI and the fabric8 mock, of the sample clusters written after Calico's calico-vxlan.yaml and
 * calico-etcd.yaml manifests (projectcalico/calico manifests/).
 */
class CalicoSampleClusterPlanTest {

  @TempDir
  Path dir;

  @Test
  void aCalicoVxlanClusterIsAnOverlayWhosePlanWritesNothing() throws IOException {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_VXLAN, dir)) {
      CliRun plan = cli.run("plan", "-f", cli.spec.toString(), "--no-color");

      assertThat(plan.exitCode()).as(plan.toString()).isZero();
      assertThat(plan.out()).as(plan.toString())
          .contains("scenario OVERLAY (detected: Calico VXLAN overlay)")
          .contains("IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=Never, vxlanMode=Always")
          .contains("OVERLAY_NOTHING_TO_INSTALL")
          .contains("No changes. Cloud nodes use the on-premises overlay; hybridcni has nothing to install.");
      assertThat(cli.simulation.aliyun().users()).isEmpty();
    }
  }

  @Test
  void aCalicoEtcdClusterPlanIsBlockedUntilTheSpecSetsTheModeAndThenFollowsIt() throws IOException {
    try (SimulatedCli cli = SimulatedCli.start(KubeSampleCluster.CALICO_ETCD, dir)) {
      CliRun auto = cli.run("plan", "-f", cli.spec.toString(), "--no-color");

      assertThat(auto.exitCode()).as(auto.toString()).isNotZero();
      assertThat(auto.out()).as(auto.toString())
          .contains("scenario UNKNOWN (detected: undecided: Calico on the etcd datastore, pools not visible)")
          .contains("Blocker: SCENARIO_UNDECIDED")
          .contains("Calico uses the etcd datastore").contains("calicoctl get ippool -o yaml")
          .contains("Set network.mode in the spec")
          .contains("Plan blocked");

      Path overlay = dir.resolve("overlay.yaml");
      Files.writeString(overlay, Files.readString(cli.spec) + "network:\n  mode: OVERLAY\n");
      CliRun stated = cli.run("plan", "-f", overlay.toString(), "--no-color");

      assertThat(stated.exitCode()).as(stated.toString()).isZero();
      assertThat(stated.out()).as(stated.toString()).contains("scenario OVERLAY (spec: OVERLAY (set in the spec))")
          .doesNotContain("SCENARIO_UNDECIDED")
          .contains("No changes. Cloud nodes use the on-premises overlay; hybridcni has nothing to install.");
      assertThat(cli.simulation.aliyun().users()).isEmpty();
    }
  }
}
