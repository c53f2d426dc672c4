package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.hybridcni.testkit.SecretForms;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brownfield registered cluster: the shared Secret {@code kube-system/alibaba-addon-secret} already holds another
 * RAM user's key, as onectl or another addon's setup leaves it. Through the CLI, the fabric8 mock and the fake Aliyun
 * over the real SDK (STS GetCallerIdentity signed with that key).
 */
class BrownfieldAdoptionTest {

  private static final String POLICY = "ack-one-registered-cluster-policy-terway-eniip";

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

  private Secret sharedSecret() {
    return simulation.client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get();
  }

  @Test
  void aBrownfieldClusterWhoseSecretHoldsAnotherUsersKeyConvergesWithOnlyAnAttachment() {
    FakeAliyun.IssuedAccessKey key = simulation.seedOnectlLeftovers();
    Secret before = sharedSecret();

    CliRun plan = hybridcni("plan", "-f", spec.toString(), "--no-color");
    assertThat(plan.out()).as(plan.toString())
        .contains("adopting the key of RAM user " + Simulation.BROWNFIELD_USER + " already in the Secret")
        .contains("attach_ram_policy").doesNotContain("ensure_ram_user").doesNotContain("ensure_access_key_secret");

    CliRun apply = hybridcni("apply", "-f", spec.toString(), "--auto-approve");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("Apply complete! Converged");

    FakeAliyun aliyun = simulation.aliyun();
    assertThat(aliyun.users()).extracting(u -> u.name()).containsExactly(Simulation.BROWNFIELD_USER);
    assertThat(aliyun.accessKeys(Simulation.BROWNFIELD_USER)).extracting(k -> k.id()).containsExactly(key.id());
    assertThat(aliyun.attachedPolicies(Simulation.BROWNFIELD_USER))
        .containsExactly(Simulation.BROWNFIELD_USER_POLICY, POLICY);
    assertThat(aliyun.journal()).noneMatch(e -> List.of("CreateUser", "CreateAccessKey")
        .contains(e.operation()));
    Secret after = sharedSecret();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getLabels()).isNullOrEmpty();

    CliRun again = hybridcni("plan", "-f", spec.toString(), "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
  }

  @Test
  void theAccountsOwnKeyInTheSecretBlocksAndSaysWhy() {
    simulation.aliyun().addAccessKey("LTAI5tAccountRootKey01", "AccountRootSecretQw3Er5Ty7Ui9Op");
    KubeSampleCluster.seedSharedAddonSecret(simulation.client, "LTAI5tAccountRootKey01",
        "AccountRootSecretQw3Er5Ty7Ui9Op", Map.of());

    CliRun plan = hybridcni("plan", "-f", spec.toString(), "--no-color");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.out()).contains("SECRET_HOLDS_ACCOUNT_KEY").contains("LTAI5tAccountRootKey01")
        .contains("grants everything").doesNotContain("AccountRootSecretQw3Er5Ty7Ui9Op");
  }

  @Test
  void aDisabledKeyInTheSecretBlocksNamingTheKeyId() {
    FakeAliyun.IssuedAccessKey key = simulation.aliyun().seedUserWithKey("ack-one-user-disabled01", "Inactive");
    KubeSampleCluster.seedSharedAddonSecret(simulation.client, key.id(), key.secret(), Map.of());

    CliRun plan = hybridcni("plan", "-f", spec.toString(), "--no-color");

    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(1);
    assertThat(plan.out()).contains("SECRET_KEY_REFUSED").contains(key.id())
        .contains("InvalidAccessKeyId.Inactive");
    assertThat(simulation.aliyun().journal())
        .anyMatch(e -> e.operation().equals("GetCallerIdentity") && "InvalidAccessKeyId.Inactive".equals(e.errorCode()));
  }

  @Test
  void destroyAfterAdoptionDetachesOnlyThePolicyAndKeepsTheSecretTheKeyAndTheUser() {
    FakeAliyun.IssuedAccessKey key = simulation.seedOnectlLeftovers();
    assertThat(hybridcni("apply", "-f", spec.toString(), "--auto-approve").exitCode()).isZero();
    Secret before = sharedSecret();

    CliRun destroy = hybridcni("destroy", "-f", spec.toString(), "--auto-approve");

    assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
    FakeAliyun aliyun = simulation.aliyun();
    assertThat(aliyun.user(Simulation.BROWNFIELD_USER)).isPresent();
    assertThat(aliyun.accessKeys(Simulation.BROWNFIELD_USER)).extracting(k -> k.id()).containsExactly(key.id());
    assertThat(aliyun.attachedPolicies(Simulation.BROWNFIELD_USER))
        .containsExactly(Simulation.BROWNFIELD_USER_POLICY);
    Secret after = sharedSecret();
    assertThat(after).isNotNull();
    assertThat(after.getData()).isEqualTo(before.getData());
  }

  @Test
  void theAdoptedKeysSecretAppearsInNoOutput() {
    FakeAliyun.IssuedAccessKey key = simulation.seedOnectlLeftovers();
    StringBuilder all = new StringBuilder();
    Path saved = dir.resolve("plan.json");
    Path snapshot = dir.resolve("observed.yaml");
    for (CliRun run : List.of(hybridcni("plan", "-f", spec.toString(), "--out", saved.toString()),
        hybridcni("snapshot", "-f", spec.toString(), "-o", snapshot.toString()),
        hybridcni("apply", "-f", spec.toString(), "--auto-approve", "--verbose"),
        hybridcni("plan", "-f", spec.toString(), "--format", "json"),
        hybridcni("destroy", "-f", spec.toString(), "--auto-approve", "--verbose"))) {
      all.append(run.out()).append(run.err());
    }
    all.append(read(saved)).append(read(snapshot)).append(simulation.aliyun().journal().toString())
        .append(key);
    assertThat(read(snapshot)).contains("secret_key_owner").contains(Simulation.BROWNFIELD_USER);
    assertThat(SecretForms.hits(all.toString(), key.secret())).isEmpty();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("expected " + file + " to exist", e);
    }
  }
}
