package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubeconfig pointed at another registered cluster of the same account: the spec is for
 * {@link Simulation#CLUSTER_ID}, the API server is cluster {@link #OTHER_CLUSTER} (its agent and its cloud node say
 * so). Plan blocks, naming both ids; apply and destroy write nothing, to the cluster or to the cloud.
 */
class WrongClusterTest {

  static final String OTHER_CLUSTER = "cd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6";
  private static final List<String> WRITES = List.of("CreateUser", "CreatePolicy", "CreatePolicyVersion",
      "DeletePolicyVersion", "AttachPolicyToUser", "DetachPolicyFromUser", "CreateAccessKey", "DeleteAccessKey",
      "DeleteUser", "DeletePolicy", "InstallClusterAddons", "UpgradeClusterAddons", "UnInstallClusterAddons");

  @TempDir
  Path dir;

  private Simulation simulation;
  private Environment.Factory environments;
  private Path spec;

  @BeforeEach
  void start() throws IOException {
    simulation = Simulation.startPointedAtAnotherCluster(KubeSampleCluster.CALICO_BGP, OTHER_CLUSTER);
    environments = (s, target) -> simulation.environment(Duration.ofSeconds(30));
    spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + Simulation.CLUSTER_ID + "\n  region: " + Simulation.REGION + "\n");
    MockRequests.drain(simulation.server);
    simulation.aliyun.clearJournal();
  }

  @AfterEach
  void stop() {
    simulation.close();
  }

  private CliRun hybridcni(String... args) {
    return CliRun.run(environments, false, "", args);
  }

  private void assertNothingWritten() {
    assertThat(simulation.aliyun.journal().operations()).as("calls to the cloud").isNotEmpty()
        .noneMatch(WRITES::contains);
    assertThat(MockRequests.drain(simulation.server)).as("requests to the cluster").isNotEmpty()
        .allMatch(r -> r.method().equals("GET"));
  }

  @Test
  void planBlocksNamingBothClusterIdsAndTheSignal() {
    CliRun plan = hybridcni("plan", "-f", spec.toString(), "--detailed-exitcode");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.out()).contains("CLUSTER_IDENTITY_MISMATCH").contains(OTHER_CLUSTER)
        .contains(Simulation.CLUSTER_ID).contains("ack-cluster-profile").contains("ack.aliyun.com");
    assertNothingWritten();
  }

  @Test
  void applyWritesNothingToTheClusterOrTheCloud() {
    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.out() + apply.err()).contains("CLUSTER_IDENTITY_MISMATCH");
    assertNothingWritten();
    assertThat(simulation.aliyun.users()).isEmpty();
  }

  @Test
  void destroyDeletesNothingOfTheOtherCluster() {
    // The other cluster holds a Secret hybridcni manages there, which a destroy for this spec would delete.
    simulation.client.secrets().resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withNamespace("kube-system").withName("alibaba-addon-secret")
        .addToLabels("app.kubernetes.io/managed-by", "hybridcni").endMetadata().withType("Opaque")
        .addToData("access-key-id", java.util.Base64.getEncoder().encodeToString("LTAI5tOtherCluster01".getBytes(
            java.nio.charset.StandardCharsets.UTF_8))).build()).create();
    MockRequests.drain(simulation.server);

    CliRun destroy = hybridcni("destroy", "-f", spec.toString(), "--auto-approve");

    assertThat(destroy.exitCode()).as(destroy.toString()).isEqualTo(1);
    assertThat(destroy.out() + destroy.err()).contains("CLUSTER_IDENTITY_MISMATCH")
        .doesNotContain("Destroy complete!");
    assertNothingWritten();
    assertThat(simulation.client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get())
        .isNotNull();
  }
}
