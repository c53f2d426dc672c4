package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command end to end, in process, on one simulation shared across invocations (the fabric8 mock cluster and
 * the fake Aliyun), as a user would run it against a real cluster and account.
 */
class CliEndToEndTest {

  private static final List<String> WRITES = List.of("CreateUser", "CreatePolicy", "CreatePolicyVersion",
      "AttachPolicyToUser", "CreateAccessKey", "DeleteAccessKey", "InstallClusterAddons", "UpgradeClusterAddons");

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
  void planReportsChangesThenApplyConvergesThenPlanReportsNone() {
    CliRun before = hybridcni("plan", "-f", spec.toString(), "--detailed-exitcode");
    assertThat(before.exitCode()).as(before.toString()).isEqualTo(2);
    assertThat(before.out()).contains("Plan: 5 to add, 1 to change, 0 to destroy, 1 to wait for.");

    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve");
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(0);
    assertThat(apply.out()).contains("Apply complete! Converged");
    assertThat(apply.err()).contains("[7/7] wait_for_addon addon-wait");

    CliRun after = hybridcni("plan", "-f", spec.toString(), "--detailed-exitcode");
    assertThat(after.exitCode()).as(after.toString()).isEqualTo(0);
    assertThat(after.out()).contains("No changes.");
  }

  @Test
  void destroyUndoesWhatApplyDidAndLeavesNothingOfHybridcnis() {
    hybridcni("apply", "-f", spec.toString(), "--auto-approve");

    CliRun destroy = hybridcni("destroy", "-f", spec.toString(), "--auto-approve");

    assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
    assertThat(destroy.out()).contains("to destroy").contains("Destroy complete!");
    assertThat(simulation.aliyun.user("ack-one-user-c5f0e4a3b2")).isEmpty();
    assertThat(simulation.aliyun.addon(Simulation.CLUSTER_ID, "terway-eniip")).isEmpty();
    assertThat(simulation.client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get())
        .isNull();
    assertThat(simulation.client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get()
        .getSpec().getTemplate().getSpec().getAffinity()).isNull();
    CliRun again = hybridcni("plan", "-f", spec.toString(), "--destroy", "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
  }

  @Test
  void aSavedPlanIsAppliedExactly() {
    Path saved = dir.resolve("plan.json");
    CliRun plan = hybridcni("plan", "-f", spec.toString(), "--out", saved.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(saved).exists();

    CliRun apply = hybridcni("apply", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("Applied 7 of 7 action(s).").contains("Converged");
  }

  @Test
  void aSavedPlanIsRefusedAfterAChangeListingTheChangedFacts() {
    Path saved = dir.resolve("plan.json");
    hybridcni("plan", "-f", spec.toString(), "--out", saved.toString());
    // Someone edits calico-node between plan and apply.
    simulation.client.apps().daemonSets().inNamespace("kube-system").withName("calico-node")
        .edit(ds -> {
          ds.getSpec().getTemplate().getSpec().getNodeSelector().put("disk", "ssd");
          return ds;
        });
    MockRequests.drain(simulation.server);

    CliRun apply = hybridcni("apply", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err()).contains("Error: Apply refused: the plan is stale")
        .contains("changed: workload/DAEMON_SET/kube-system/calico-node");
    assertThat(simulation.aliyun.journal().operations()).noneMatch(WRITES::contains);
    assertThat(MockRequests.drain(simulation.server)).filteredOn(r -> !r.method().equals("GET"))
        .as("apart from reads, only the apply lock reached the cluster")
        .isNotEmpty().allMatch(r -> r.pathOnly().contains("/leases"));
  }

  @Test
  void anOfflinePlanFromASnapshotMatchesTheLivePlan() {
    Path snapshot = dir.resolve("observed.yaml");
    CliRun snap = hybridcni("snapshot", "-f", spec.toString(), "-o", snapshot.toString());
    assertThat(snap.exitCode()).as(snap.toString()).isZero();

    CliRun offline = CliRun.run((s, t) -> {
      throw new AssertionError("an offline plan must not open an environment");
    }, false, "", "plan", "-f", spec.toString(), "--observed", snapshot.toString(), "--format", "json");
    CliRun live = hybridcni("plan", "-f", spec.toString(), "--format", "json");

    assertThat(offline.exitCode()).as(offline.toString()).isZero();
    assertThat(offline.out()).isEqualTo(live.out());
  }

  @Test
  void applyWithoutATerminalAndWithoutAutoApproveRefusesAndWritesNothing() {
    CliRun apply = hybridcni("apply", "-f", spec.toString());

    assertThat(apply.exitCode()).isEqualTo(1);
    assertThat(apply.err()).contains("Error: Not attached to a terminal").contains("--auto-approve");
    assertThat(simulation.aliyun.journal().operations()).noneMatch(WRITES::contains);
  }

  @Test
  void onATerminalApplyAsksAndOnlyYesProceeds() {
    CliRun no = CliRun.run(cli.environments, true, "no\n", "apply", "-f", spec.toString(), "--no-color");
    assertThat(no.exitCode()).isEqualTo(1);
    assertThat(no.err()).contains("Only 'yes' will be accepted").contains("Apply cancelled.");
    assertThat(simulation.aliyun.journal().operations()).noneMatch(WRITES::contains);

    CliRun yes = CliRun.run(cli.environments, true, "yes\n", "apply", "-f", spec.toString(), "--no-color");
    assertThat(yes.exitCode()).as(yes.toString()).isZero();
    assertThat(yes.out()).doesNotContain("\u001b[");
  }

  @Test
  void aDryRunWritesNothing() {
    DaemonSet before = simulation.client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();

    CliRun dry = hybridcni("apply", "-f", spec.toString(), "--dry-run");

    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains("Dry run complete: nothing was changed.");
    assertThat(simulation.aliyun.journal().operations()).noneMatch(WRITES::contains);
    assertThat(simulation.client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get()
        .getSpec()).isEqualTo(before.getSpec());
  }

  @Test
  void aBadSpecIsOneClearLineNamingTheFileAndFieldAndNothingIsTouched() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "cluster:\n  id: C-NOT-AN-ID\n  region: cn-hangzhou\n  zone: a\n");

    MockRequests.drain(simulation.server);

    CliRun plan = hybridcni("apply", "-f", bad.toString(), "--auto-approve");

    assertThat(plan.exitCode()).isEqualTo(1);
    assertThat(plan.err()).startsWith("Error: ").contains(bad.toString()).contains("cluster.id")
        .contains("cluster.zone").doesNotContain("\tat ");
    assertThat(simulation.aliyun.journal()).isEmpty();
    assertThat(MockRequests.drain(simulation.server)).isEmpty();
  }

  @Test
  void verboseAddsTheStackTrace() throws IOException {
    Path missing = dir.resolve("missing.yaml");

    CliRun quiet = hybridcni("plan", "-f", missing.toString());
    CliRun verbose = hybridcni("plan", "-f", missing.toString(), "--verbose");

    assertThat(quiet.err().lines().count()).isEqualTo(1);
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void aNegativeRolloutTimeoutIsOneLineNamingTheOptionAndNothingIsTouched() {
    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve", "--rollout-timeout", "-PT1M");
    CliRun destroy = hybridcni("destroy", "-f", spec.toString(), "--auto-approve", "--rollout-timeout", "soon");

    assertThat(apply.exitCode()).isNotZero();
    assertThat(apply.err()).contains("--rollout-timeout").contains("negative '-PT1M'");
    assertThat(destroy.exitCode()).isNotZero();
    assertThat(destroy.err()).contains("--rollout-timeout").contains("ISO-8601 duration").contains("'soon'");
    assertThat(simulation.aliyun().journal()).isEmpty();
  }

  @Test
  void applyAndDestroyFollowTheRolloutsWithinTheGivenRolloutTimeout() {
    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve", "--rollout-timeout", "PT10M");
    CliRun destroy = hybridcni("destroy", "-f", spec.toString(), "--auto-approve", "--rollout-timeout", "PT10M");

    assertThat(apply.exitCode()).as(apply.out() + apply.err()).isZero();
    assertThat(apply.out() + apply.err()).contains("the rollout of kube-system/DaemonSet/calico-node is done");
    assertThat(destroy.exitCode()).as(destroy.out() + destroy.err()).isZero();
  }

  @Test
  void permissionsPrintsTheRamPolicyAndTheClusterRole() {
    CliRun permissions = hybridcni("permissions");

    assertThat(permissions.exitCode()).isZero();
    assertThat(permissions.out()).contains("\"ram:CreateAccessKey\"").contains("cs:InstallClusterAddons")
        .contains("\"ram:ListEntitiesForPolicy\"")
        .contains("kind: ClusterRole")
        // OnDelete: the exclusion deletes the calico pods on cloud nodes itself, reading pods and nodes singly.
        .contains("resources: [\"pods\"]\n  verbs: [\"get\", \"list\", \"delete\"]")
        .contains("resources: [\"nodes\"]\n  verbs: [\"get\", \"list\"]");
  }

  /**
   * What follows the Kubernetes heading is one multi-document YAML, as {@code kubectl apply -f -} reads it: the
   * ClusterRole, with no Lease rule, then the Role that holds the apply lock's Lease in kube-system.
   */
  @Test
  @SuppressWarnings("unchecked")
  void permissionsPrintsTheLeaseRoleAfterTheClusterRoleAsOneMultiDocumentYaml() {
    String out = hybridcni("permissions").out();
    String kubernetes = out.substring(out.indexOf("# Kubernetes ClusterRole"));

    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
        .loadAllFromString(kubernetes)) {
      docs.add((Map<String, Object>) doc);
    }

    assertThat(docs).extracting(d -> d.get("kind")).containsExactly("ClusterRole", "Role");
    assertThat(docs.get(0).toString()).doesNotContain("leases");
    assertThat((Map<String, Object>) docs.get(1).get("metadata")).containsEntry("namespace", "kube-system");
    assertThat(docs.get(1).get("rules").toString()).contains("leases").contains("hybridcni-apply");
  }

  @Test
  void noOutputOfAnyCommandContainsAnAccessKeySecret() {
    StringBuilder all = new StringBuilder();
    Path saved = dir.resolve("plan.json");
    Path snapshot = dir.resolve("observed.json");
    for (CliRun run : List.of(hybridcni("plan", "-f", spec.toString(), "--out", saved.toString()),
        hybridcni("apply", "-f", spec.toString(), "--auto-approve", "--verbose"),
        hybridcni("plan", "-f", spec.toString(), "--format", "json"),
        hybridcni("snapshot", "-f", spec.toString(), "-o", snapshot.toString()))) {
      all.append(run.out()).append(run.err());
    }
    var secret = simulation.client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get();
    String encoded = secret.getData().get("access-key-secret");
    String plain = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    assertThat(plain).hasSizeGreaterThan(20);
    all.append(readQuietly(saved)).append(readQuietly(snapshot));
    assertThat(all.toString()).doesNotContain(plain).doesNotContain(encoded);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("expected " + file + " to exist", e);
    }
  }
}
