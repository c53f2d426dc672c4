package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A saved plan runs only for what it was made for: {@code apply} refuses a destroy plan and {@code destroy} an apply
 * plan, a plan for another spec or cluster is refused naming the fields or both ids, and a hand-edited plan is
 * refused naming the file, the action and the field. Every refusal comes before the apply Lease is taken, with no
 * request at all to the cloud and none but reads to the cluster.
 */
class SavedPlanCliTest {

  private static final String OTHER_CLUSTER = "c0123456789abcdef0123456789abcdef";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path dir;

  private Simulation simulation;
  private Environment.Factory environments;
  private Path spec;

  @BeforeEach
  void start() throws IOException {
    simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO);
    environments = (s, target) -> simulation.environment(Duration.ofSeconds(30));
    spec = spec("spec.yaml", Simulation.CLUSTER_ID, "");
  }

  @AfterEach
  void stop() {
    simulation.close();
  }

  private Path spec(String name, String clusterId, String more) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "cluster:\n  id: " + clusterId + "\n  region: " + Simulation.REGION + "\n" + more);
    return file;
  }

  private CliRun hybridcni(String... args) {
    return CliRun.run(environments, false, "", args);
  }

  private Path savedPlan(String name, String... extra) {
    Path saved = dir.resolve(name);
    String[] args = new String[5 + extra.length];
    System.arraycopy(new String[] {"plan", "-f", spec.toString(), "--out", saved.toString()}, 0, args, 0, 5);
    System.arraycopy(extra, 0, args, 5, extra.length);
    CliRun plan = hybridcni(args);
    assertThat(saved).as(plan.toString()).exists();
    return saved;
  }

  /** Runs the command after clearing both journals, and proves it wrote nothing and took no Lease. */
  private CliRun refused(String... args) {
    simulation.aliyun.clearJournal();
    MockRequests.drain(simulation.server);

    CliRun run = hybridcni(args);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).as(run.toString()).startsWith("Error: ").doesNotContain("\tat ");
    assertThat(simulation.aliyun.journal().operations()).as("Aliyun calls").isEmpty();
    assertThat(MockRequests.drain(simulation.server)).as("Kubernetes requests")
        .allMatch(r -> r.method().equals("GET")).noneMatch(r -> r.pathOnly().contains("/leases"));
    return run;
  }

  @Test
  void savedDestroyPlanIsRefusedByApply() {
    hybridcni("apply", "-f", spec.toString(), "--auto-approve");
    Path destroy = savedPlan("destroy.json", "--destroy");

    CliRun apply = refused("apply", "-f", spec.toString(), destroy.toString(), "--auto-approve");

    assertThat(apply.err()).isEqualTo("Error: " + destroy + ": kind: APPLY (a plan made by hybridcni plan, for "
        + "hybridcni apply), found a DESTROY plan, made by hybridcni plan --destroy and run only by hybridcni "
        + "destroy\n");
    assertThat(simulation.aliyun.user("ack-one-user-c5f0e4a3b2")).isPresent();
  }

  @Test
  void savedApplyPlanIsRefusedByDestroy() {
    Path apply = savedPlan("apply.json");

    CliRun destroy = refused("destroy", "-f", spec.toString(), apply.toString(), "--auto-approve");

    assertThat(destroy.err()).startsWith("Error: " + apply + ": kind: DESTROY (a plan made by hybridcni plan "
        + "--destroy, for hybridcni destroy), found an APPLY plan");
  }

  @Test
  void aSavedDestroyPlanIsRunByDestroy() {
    hybridcni("apply", "-f", spec.toString(), "--auto-approve");
    Path destroy = savedPlan("destroy.json", "--destroy");

    CliRun run = hybridcni("destroy", "-f", spec.toString(), destroy.toString(), "--auto-approve");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Destroy complete!");
    assertThat(simulation.aliyun.user("ack-one-user-c5f0e4a3b2")).isEmpty();
  }

  @Test
  void aSavedPlanGivenAnotherSpecIsRefusedNamingTheFieldsThatDiffer() throws IOException {
    Path saved = savedPlan("plan.json");
    Path changed = spec("changed.yaml", Simulation.CLUSTER_ID, "network:\n  mode: BGP\naddon:\n  version: v1.10.0\n");

    CliRun apply = refused("apply", "-f", changed.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.err()).isEqualTo("Error: " + saved + ": spec_digest: a plan made from the spec given, found one "
        + "made from a spec that differs in addon.version, network.mode (run hybridcni plan again with this spec)\n");
  }

  @Test
  void theSameSpecWrittenDifferentlyIsTheSameSpec() throws IOException {
    Path saved = savedPlan("plan.json");
    Path same = dir.resolve("same.yaml");
    Files.writeString(same, "# written another way\nsecret: {namespace: kube-system}\ncluster: {region: "
        + Simulation.REGION + ", id: " + Simulation.CLUSTER_ID + "}\nnetwork: {mode: AUTO}\n");

    CliRun apply = hybridcni("apply", "-f", same.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("Applied 7 of 7 action(s).");
  }

  /** calico-node as the API server holds it now. */
  private io.fabric8.kubernetes.api.model.apps.DaemonSet calicoNode() {
    return simulation.client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
  }

  /**
   * What a live cluster does all the time: one calico pod turns NotReady and Ready again (its readiness probe
   * flapped), and the DaemonSet controller writes the DaemonSet's status after each change, giving it a new
   * resourceVersion each time (kubernetes pkg/controller/daemon/daemon_controller.go, updateDaemonSetStatus).
   */
  private void controllerWritesStatusTwice() {
    var pods = simulation.client.pods().inNamespace("kube-system").withLabel("k8s-app", "calico-node").list()
        .getItems();
    var pod = pods.stream().filter(p -> p.getSpec().getNodeName().startsWith("onprem")).findFirst().orElseThrow();
    for (String ready : new String[] {"False", "True"}) {
      pod.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
          .forEach(c -> c.setStatus(ready));
      pod = simulation.client.pods().inNamespace("kube-system").resource(pod).updateStatus();
      io.hybridcni.testkit.kube.DaemonSetController.reconcile(simulation.client);
    }
  }

  @Test
  void aSavedPlanIsNotStaleAfterTheDaemonSetControllerWroteCalicoNodesStatus() {
    Path saved = savedPlan("plan.json");
    String planned = calicoNode().getMetadata().getResourceVersion();

    controllerWritesStatusTwice();
    assertThat(calicoNode().getMetadata().getResourceVersion()).as("after two status writes").isNotEqualTo(planned);
    assertThat(calicoNode().getSpec().getTemplate().getSpec().getAffinity()).as("the placement as planned").isNull();
    CliRun apply = hybridcni("apply", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("Applied 7 of 7 action(s).").doesNotContain("stale");
    assertThat(calicoNode().getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()).isNotEmpty();
  }

  @Test
  void theStatusWritesAloneChangeTheResourceVersionTheOldFingerprintHeld() {
    String before = calicoNode().getMetadata().getResourceVersion();

    controllerWritesStatusTwice();

    assertThat(calicoNode().getMetadata().getResourceVersion()).isNotEqualTo(before);
    assertThat(calicoNode().getSpec().getTemplate().getSpec().getAffinity()).isNull();
  }

  @Test
  void aSavedPlanIsStaleWhenCalicoNodesPlacementChangedSinceItWasMade() {
    Path saved = savedPlan("plan.json");
    var ds = calicoNode();
    ds.getSpec().getTemplate().getSpec().getNodeSelector().put("node-role.example.com/calico", "true");
    simulation.client.apps().daemonSets().inNamespace("kube-system").resource(ds).update();

    CliRun apply = hybridcni("apply", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err()).contains("Apply refused: the plan is stale: cni-exclusion (workload/DAEMON_SET/"
        + "kube-system/calico-node: was nodeSelector={kubernetes.io/os=linux};terms=[];updateStrategy=");
    assertThat(calicoNode().getSpec().getTemplate().getSpec().getAffinity()).isNull();
  }

  @Test
  void aSavedPlanIsStaleWhenCalicoNodesUpdateStrategyChangedSinceItWasMade() {
    Path saved = savedPlan("plan.json");
    var ds = calicoNode();
    ds.getSpec().setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder()
        .withType("OnDelete").build());
    simulation.client.apps().daemonSets().inNamespace("kube-system").resource(ds).update();

    CliRun apply = hybridcni("apply", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err()).contains("updateStrategy=RollingUpdate/1, now nodeSelector={kubernetes.io/os=linux};"
        + "terms=[];updateStrategy=OnDelete");
  }

  @Test
  void aSavedPlanForAnotherClusterIsRefusedNamingBothIds() throws IOException {
    Path saved = savedPlan("plan.json");
    Path other = spec("other.yaml", OTHER_CLUSTER, "");

    CliRun apply = refused("apply", "-f", other.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.err().lines()).contains("  " + saved + ": cluster_id: a plan for cluster " + OTHER_CLUSTER
        + " (the spec's cluster.id), found a plan for cluster " + Simulation.CLUSTER_ID);
    assertThat(apply.err()).contains(saved + ": spec_digest: ").contains("differs in cluster.id, ram.userName");
  }

  /**
   * The attack the issue describes: between plan and apply an operator creates the Secret by hand, and the plan's
   * fingerprint that would notice is stripped (removed, emptied, or its Secret fact dropped with the hash redone).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"removed", "emptied", "secret-fact-dropped"})
  void aPlanWhoseSecretFingerprintWasStrippedIsRefusedAndTheHandMadeSecretIsUntouched(String how) throws IOException {
    Path saved = savedPlan("plan.json");
    Secret handMade = simulation.client.secrets().inNamespace("kube-system").resource(new SecretBuilder()
        .withNewMetadata().withName("alibaba-addon-secret").withNamespace("kube-system").endMetadata()
        .withType("Opaque").withData(Map.of("access-key-id", base64("LTAI5tOperatorOwnKey"),
            "access-key-secret", base64("the operator's own secret"))).build()).create();
    strip(saved, how);

    CliRun apply = refused("apply", "-f", spec.toString(), saved.toString(), "--auto-approve");

    assertThat(apply.err().lines()).singleElement().asString()
        .startsWith("Error: " + saved + ": actions[access-key-secret].fingerprint")
        .contains(how.equals("secret-fact-dropped") ? "found it without secret/kube-system/alibaba-addon-secret"
            : "secret/kube-system/alibaba-addon-secret");
    Secret now = simulation.client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get();
    assertThat(now.getData()).isEqualTo(handMade.getData());
    assertThat(now.getMetadata().getResourceVersion()).isEqualTo(handMade.getMetadata().getResourceVersion());
    assertThat(simulation.aliyun.user("ack-one-user-c5f0e4a3b2")).isEmpty();
  }

  private static void strip(Path saved, String how) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(saved, StandardCharsets.UTF_8));
    for (var action : root.get("actions")) {
      if (action.get("id").asString().equals("access-key-secret")) {
        ObjectNode a = (ObjectNode) action;
        switch (how) {
          case "removed" -> a.remove("fingerprint");
          case "emptied" -> a.set("fingerprint", JSON.readTree(
              "{\"facts\":{},\"hash\":\"" + io.hybridcni.plan.Fingerprint.of(Map.of()).hash() + "\"}"));
          default -> {
            ObjectNode facts = (ObjectNode) a.get("fingerprint").get("facts");
            facts.remove("secret/kube-system/alibaba-addon-secret");
            Map<String, String> left = new java.util.TreeMap<>();
            facts.properties().forEach(e -> left.put(e.getKey(), e.getValue().asString()));
            ((ObjectNode) a.get("fingerprint")).put("hash", io.hybridcni.plan.Fingerprint.of(left).hash());
          }
        }
      }
    }
    Files.writeString(saved, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aPlanOfAnOlderHybridcniIsRefusedSayingToPlanAgain() throws IOException {
    Path old = dir.resolve("old.json");
    Files.writeString(old, "{\"format_version\": 1, \"cluster_id\": \"" + Simulation.CLUSTER_ID
        + "\", \"actions\": []}");

    CliRun apply = refused("apply", "-f", spec.toString(), old.toString(), "--auto-approve");

    assertThat(apply.err().lines()).singleElement().asString().isEqualTo("Error: " + old + ": format_version: "
        + "format version 2, which records the plan's kind, cluster and spec; this plan was written by an older "
        + "hybridcni (format 1): make it again with hybridcni plan --out");
  }
}
