package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.files.SnapshotFile;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.spec.PolicyDocument;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hybridcni plan --destroy} against snapshots: the destroy plan, with Terraform's exit codes. */
class PlanCommandDestroyTest {

  static final String CLUSTER = "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";
  static final String USER = "ack-one-user-c5f0e4a3b2";
  static final String POLICY = "ack-one-registered-cluster-policy-terway-eniip";

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(ObservedState state, String... extra) throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + CLUSTER + "\n  region: cn-hangzhou\nnetwork:\n  mode: HOST_NETWORK\n");
    Path observed = dir.resolve("observed.yaml");
    SnapshotFile.write(state, observed);
    String[] args = new String[5 + extra.length];
    System.arraycopy(new String[] {"plan", "-f", spec.toString(), "--observed", observed.toString()}, 0, args, 0, 5);
    System.arraycopy(extra, 0, args, 5, extra.length);
    return Main.run(args, new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false, (s, t) -> {
          throw new AssertionError("an offline plan must not open an environment");
        });
  }

  /** A host-network cluster as hybridcni leaves it; ACK's cluster profile names the cluster. */
  private static ObservedState converged() {
    return ObservedState.builder()
        .cluster(new ClusterFacts(CLUSTER, ClusterFacts.REGISTERED_TYPE, "running", "cn-hangzhou"))
        .identity(new io.hybridcni.observe.ClusterIdentity(true, List.of(new io.hybridcni.observe.IdentitySignal(
            io.hybridcni.observe.IdentitySignal.Kind.CLUSTER_PROFILE, CLUSTER,
            "data.clusterid of ConfigMap kube-system/ack-cluster-profile"))))
        .secretNamespace(new io.hybridcni.observe.NamespaceFacts("kube-system", true))
        .addon(new AddonInstance("terway-eniip", "v1.9.0", AddonInstance.ACTIVE))
        .secret(new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "1",
            Map.of("access-key-id", ValueHash.of("LTAI5tCliKey"), "access-key-secret", ValueHash.of("s")),
            Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE)))
        .ram(new RamFacts(new RamFacts.User(USER, "1", RamFacts.User.HYBRIDCNI_COMMENTS),
            new RamFacts.Policy(POLICY, "Custom", "v1", List.of(new RamFacts.PolicyVersion("v1", true, null)),
                PolicyDocument.TERWAY_ENIIP_TEXT, 1),
            List.of(new RamFacts.AttachedPolicy(POLICY, "Custom")),
            List.of(new RamFacts.AccessKey("LTAI5tCliKey", "Active", null))))
        .build();
  }

  @Test
  void destroyPrintsTheDestroyPlanAndExitsTwoWithChanges() throws Exception {
    int code = run(converged(), "--destroy", "--detailed-exitcode");

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(2);
    assertThat(text).contains("- uninstall_addon \"addon-uninstall\"", "- delete_ram_user \"ram-user-deletion\"")
        .contains("Plan: 0 to add, 0 to change, 6 to destroy, 1 to wait for.");
  }

  @Test
  void withoutDestroyTheConvergedClusterHasNoChanges() throws Exception {
    assertThat(run(converged(), "--detailed-exitcode")).isZero();
  }

  @Test
  void destroyingACleanClusterHasNoChanges() throws Exception {
    ObservedState clean = ObservedState.builder()
        .cluster(new ClusterFacts(CLUSTER, ClusterFacts.REGISTERED_TYPE, "running", "cn-hangzhou")).build();

    int code = run(clean, "--destroy", "--detailed-exitcode");

    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("No changes. Nothing hybridcni manages is left");
  }

  @Test
  void aDestroyPlanSavedAsJsonSaysSo() throws Exception {
    run(converged(), "--destroy", "--format", "json");

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\" : \"DESTROY\"");
  }
}
