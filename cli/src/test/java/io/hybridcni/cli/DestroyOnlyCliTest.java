package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The revert the gate offers: {@code destroy --only remove-cni-exclusion} takes the CNI exclusion out and nothing
 * else, refused while a kept action depends on one left out; and apply offers exactly it when the exclusion's step
 * went wrong after its write.
 */
class DestroyOnlyCliTest {

  private static final String USER = "ack-one-user-c5f0e4a3b2";

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

  private DaemonSet calicoNode() {
    return simulation.client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
  }

  private boolean excluded() {
    var affinity = calicoNode().getSpec().getTemplate().getSpec().getAffinity();
    return affinity != null && affinity.getNodeAffinity() != null
        && affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
        && affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
            .stream().flatMap(t -> t.getMatchExpressions().stream())
            .anyMatch(e -> e.getKey().equals("alibabacloud.com/external") && e.getOperator().equals("NotIn"));
  }

  /**
   * The exclusion's executor runs for real (its update lands on the API server and the rollout starts), then the
   * step fails as it would when the answer to the update is lost and the read-back is refused. A wrapping executor
   * in the test, not the testkit's FaultDispatcher: what matters here is apply's answer to a failed exclusion.
   */
  private AtomicInteger exclusionFailsAfterItsWrite() {
    AtomicInteger failed = new AtomicInteger();
    simulation.aroundExecutors(executor -> executor.around((action, context, step) -> {
      StepResult result = step.get();
      if (action.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI) {
        failed.incrementAndGet();
        throw new IllegalStateException("the answer to the calico-node update was lost and reading it back was "
            + "refused: 503 Service Unavailable");
      }
      return result;
    }));
    return failed;
  }

  @Test
  void aFailedExclusionOffersTheDestroyStepThatTakesItOutWithItsPlan() {
    AtomicInteger failed = exclusionFailsAfterItsWrite();

    CliRun apply = cli.run("apply", "-f", spec.toString(), "--auto-approve");

    assertThat(failed).as("the injected failure fired").hasValue(1);
    assertThat(excluded()).as("the exclusion's write landed").isTrue();
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.out()).contains("To take the exclusion out again, run: hybridcni destroy -f " + spec
        + " --only remove-cni-exclusion\n")
        .contains("remove_cni_exclusion \"cni-exclusion-removal\"").contains("ONLY_SOME_ACTIONS")
        .doesNotContain("uninstall_addon").doesNotContain("delete_ram_user").doesNotContain("delete_secret");
    assertThat(simulation.client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get())
        .as("the addon install never ran").isNull();
  }

  @Test
  void calicoPodsCrashLoopingOnOnPremisesNodesStopApplyAtTheGateBeforeTheAddonAndTheRevertPlanIsOffered() {
    // No wrapping executor: the real exclusion follows the rollout it caused; the testkit's kubelets make every new
    // calico pod on an on-premises node crash-loop, so the rolling update (maxUnavailable 1) can never go on.
    simulation.rollouts().crashLoopingOn(KubeSampleCluster.ON_PREMISES_NODES.toArray(String[]::new));

    CliRun apply = cli.run("apply", "-f", spec.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(simulation.client.pods().inNamespace("kube-system").withLabel("k8s-app", "calico-node").list()
        .getItems()).as("the kubelets' crash loop fired").anyMatch(p -> p.getStatus().getContainerStatuses()
            .stream().anyMatch(c -> c.getState() != null && c.getState().getWaiting() != null
                && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason())));
    assertThat(apply.err() + apply.out()).contains("CrashLoopBackOff").contains("onprem-");
    assertThat(apply.out()).contains("To take the exclusion out again, run: hybridcni destroy -f " + spec
        + " --only remove-cni-exclusion\n").contains("remove_cni_exclusion \"cni-exclusion-removal\"");
    assertThat(simulation.client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get())
        .as("the addon install never ran").isNull();
    assertThat(simulation.aliyun.journal().operations()).as("no addon install was sent")
        .doesNotContain("InstallClusterAddons");
  }

  @Test
  void destroyOnlyRemoveCniExclusionTakesTheExclusionOutAndLeavesTheRest() {
    exclusionFailsAfterItsWrite();
    cli.run("apply", "-f", spec.toString(), "--auto-approve");
    simulation.aroundExecutors(java.util.function.UnaryOperator.identity());

    CliRun destroy = cli.run("destroy", "-f", spec.toString(), "--only", "remove-cni-exclusion", "--auto-approve");

    assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
    assertThat(destroy.out()).contains("Applied 1 of 1 action(s).")
        .contains("Destroy complete! Nothing of [remove-cni-exclusion] is left");
    assertThat(excluded()).isFalse();
    assertThat(simulation.aliyun.user(USER)).as("the RAM user stays").isPresent();
    assertThat(simulation.client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get())
        .as("the Secret stays").isNotNull();
  }

  @Test
  void aSavedOnlyPlanPassesThePlanCheckAndRunsWithDestroy() {
    exclusionFailsAfterItsWrite();
    cli.run("apply", "-f", spec.toString(), "--auto-approve");
    simulation.aroundExecutors(java.util.function.UnaryOperator.identity());
    Path saved = dir.resolve("revert.json");

    CliRun plan = cli.run("plan", "-f", spec.toString(), "--destroy", "--only", "remove-cni-exclusion", "--out",
        saved.toString());
    CliRun destroy = cli.run("destroy", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
    assertThat(destroy.out()).contains("Applied 1 of 1 action(s).");
    assertThat(excluded()).isFalse();
    assertThat(simulation.aliyun.user(USER)).isPresent();
  }

  @Test
  void withTheAddonInstalledTheExclusionsRemovalIsRefusedInOneLineNamingOnly() {
    CliRun apply = cli.run("apply", "-f", spec.toString(), "--auto-approve");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();

    CliRun destroy = cli.run("destroy", "-f", spec.toString(), "--only", "remove-cni-exclusion", "--auto-approve");

    assertThat(destroy.exitCode()).isEqualTo(1);
    assertThat(destroy.err().lines()).singleElement().asString().startsWith("Error: --only: remove-cni-exclusion: ")
        .contains("cni-exclusion-removal, which runs only after addon-removal-wait");
    assertThat(excluded()).as("nothing was written").isTrue();
  }

  @Test
  void anUnknownKindIsOneLineNamingOnlyAndTheKindsThereAre() {
    CliRun destroy = cli.run("destroy", "-f", spec.toString(), "--only", "remove-calico", "--auto-approve");

    assertThat(destroy.exitCode()).isEqualTo(1);
    assertThat(destroy.err().lines()).singleElement().asString().startsWith("Error: --only: remove-calico: an "
        + "action kind of a DESTROY plan (").contains("remove-cni-exclusion");
  }
}
