package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.kube.MockRequests;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesSecretStoreTest {

  static final String NS = "kube-system";
  static final String NAME = "alibaba-addon-secret";
  static final String SECRETS = "/api/v1/namespaces/kube-system/secrets";
  static final AccessKeyCredential KEY = new AccessKeyCredential(SampleClusters.FIXTURE_ACCESS_KEY_ID,
      SecretValue.of(SampleClusters.FIXTURE_ACCESS_KEY_SECRET));

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<Duration> sleeps = new ArrayList<>();

  private KubernetesSecretStore store(DryRunMode mode) {
    return KubernetesSecretStore.builder(client).dryRunMode(mode).sleeper(sleeps::add)
        .clock(Clock.fixed(Instant.parse("2026-11-20T08:00:00Z"), ZoneOffset.UTC)).build();
  }

  private Secret secret() {
    return client.secrets().inNamespace(NS).withName(NAME).get();
  }

  private static String decode(String value) {
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private void seedSecret(String type, Map<String, String> data, Map<String, String> labels) {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(NAME).withNamespace(NS)
        .withLabels(labels).endMetadata().withType(type).withData(data).build()).create();
  }

  private static io.fabric8.kubernetes.api.model.Status status(int code, String reason, String message) {
    return new StatusBuilder().withCode(code).withReason(reason).withMessage(message).build();
  }

  @Test
  void aMissingSecretIsCreatedOpaqueWithBothKeysInDataAndTheManagedByLabel() {
    store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY);

    Secret written = secret();
    assertThat(written.getType()).isEqualTo("Opaque");
    assertThat(written.getStringData()).isNullOrEmpty();
    assertThat(written.getData()).containsOnlyKeys("access-key-id", "access-key-secret");
    assertThat(decode(written.getData().get("access-key-id"))).isEqualTo(SampleClusters.FIXTURE_ACCESS_KEY_ID);
    assertThat(decode(written.getData().get("access-key-secret")))
        .isEqualTo(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
    assertThat(written.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "hybridcni");
    SecretFacts facts = new SecretReader(client).read(NS, NAME);
    assertThat(facts.holds("access-key-id", SampleClusters.FIXTURE_ACCESS_KEY_ID)).isTrue();
    assertThat(facts.managedByHybridCni()).isTrue();
  }

  @Test
  void anExistingSecretKeepsItsOtherKeysAndLabelsAndIsUpdatedInPlace() {
    seedSecret("Opaque", Map.of("access-key-id", base64("LTAI5tOldKey"), "region", base64("cn-hangzhou")),
        Map.of("team", "network"));
    String version = secret().getMetadata().getResourceVersion();
    MockRequests.drain(server);

    StepResult result = store(DryRunMode.CLIENT).write(NS, NAME, KEY, false);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    Secret written = secret();
    assertThat(written.getData()).containsOnlyKeys("access-key-id", "access-key-secret", "region");
    assertThat(decode(written.getData().get("region"))).isEqualTo("cn-hangzhou");
    assertThat(decode(written.getData().get("access-key-id"))).isEqualTo(SampleClusters.FIXTURE_ACCESS_KEY_ID);
    assertThat(written.getMetadata().getLabels()).containsEntry("team", "network")
        .containsEntry("app.kubernetes.io/managed-by", "hybridcni");
    assertThat(written.getMetadata().getResourceVersion()).isNotEqualTo(version);
    List<MockRequests.Recorded> writes = MockRequests.drain(server).stream()
        .filter(r -> r.pathOnly().startsWith(SECRETS) && !r.method().equals("GET")).toList();
    assertThat(writes).singleElement().hasToString("PUT " + SECRETS + "/" + NAME);
  }

  @Test
  void serverErrorsAreRetriedWithCappedExponentialBackoffUntilTheWriteSucceeds() {
    server.expect().post().withPath(SECRETS).andReturn(503, status(503, "ServiceUnavailable", "etcd leader change"))
        .times(2);

    store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY);

    assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(secret()).isNotNull();
  }

  @Test
  void aServerErrorOnTheReadIsRetriedToo() {
    server.expect().get().withPath(SECRETS + "/" + NAME)
        .andReturn(500, status(500, "InternalError", "etcdserver: request timed out")).once();

    store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY);

    assertThat(sleeps).containsExactly(Duration.ofMillis(200));
    assertThat(secret()).isNotNull();
  }

  @Test
  void aConflictIsReadAgainAndWritten() {
    seedSecret("Opaque", Map.of("access-key-id", base64("LTAI5tOldKey")), Map.of());
    server.expect().put().withPath(SECRETS + "/" + NAME)
        .andReturn(409, status(409, "Conflict", "the object has been modified")).once();

    store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY);

    // A conflict is an answer: the Secret is read again and written at once, without waiting.
    assertThat(sleeps).isEmpty();
    assertThat(decode(secret().getData().get("access-key-id"))).isEqualTo(SampleClusters.FIXTURE_ACCESS_KEY_ID);
  }

  @Test
  void aWriteThatKeepsFailingGivesUpAfterTheBoundedAttempts() {
    server.expect().post().withPath(SECRETS).andReturn(500, status(500, "InternalError", "etcdserver: timeout"))
        .always();
    KubernetesSecretStore store = KubernetesSecretStore.builder(client).maxAttempts(3).sleeper(sleeps::add)
        .dryRunMode(DryRunMode.CLIENT).build();

    assertThatThrownBy(() -> store.writeAccessKey(NS, NAME, KEY))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("Gave up after 3 attempts")
        .hasMessageContaining("create on secrets kube-system/alibaba-addon-secret failed: 500 InternalError");
    assertThat(sleeps).hasSize(2);
    assertThat(MockRequests.drain(server).stream().filter(r -> r.method().equals("POST"))).hasSize(3);
  }

  @Test
  void aRejectedWriteFailsAtOnceAndTheMessageNeverCarriesTheSecret() {
    // A validation error that echoes the value back, as some admission webhooks do.
    server.expect().post().withPath(SECRETS).andReturn(422, status(422, "Invalid", "data[access-key-secret]: "
        + "Invalid value: \"" + base64(SampleClusters.FIXTURE_ACCESS_KEY_SECRET) + "\" (decoded "
        + SampleClusters.FIXTURE_ACCESS_KEY_SECRET + ") is rejected by policy")).always();

    assertThatThrownBy(() -> store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("422 Invalid")
        .hasMessageContaining(SecretValue.MASK)
        .hasMessageNotContaining(SampleClusters.FIXTURE_ACCESS_KEY_SECRET)
        .hasMessageNotContaining(base64(SampleClusters.FIXTURE_ACCESS_KEY_SECRET))
        // fabric8's exception stays in the chain for --verbose, as a masked copy that holds no secret.
        .cause().isInstanceOf(io.hybridcni.error.RedactedCause.class)
        .hasMessageContaining(SecretValue.MASK)
        .hasMessageNotContaining(SampleClusters.FIXTURE_ACCESS_KEY_SECRET)
        .hasMessageNotContaining(base64(SampleClusters.FIXTURE_ACCESS_KEY_SECRET));
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aSecretOfAnotherTypeIsRefusedBecauseATypeCannotChange() {
    seedSecret("kubernetes.io/basic-auth", Map.of("username", base64("ops")), Map.of());

    assertThatThrownBy(() -> store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("has type kubernetes.io/basic-auth")
        .hasMessageContaining("cannot be changed");
  }

  @Test
  void aClientDryRunDescribesTheCreateWithEveryValueMaskedAndWritesNothing() {
    MockRequests.drain(server);

    StepResult result = store(DryRunMode.CLIENT).write(NS, NAME, KEY, true);

    assertThat(result.status()).isEqualTo(StepStatus.DRY_RUN);
    assertThat(result.dryRunMode()).isEqualTo("client");
    assertThat(result.requests().get(0)).startsWith("POST " + SECRETS + "\n")
        .contains("\"access-key-id\":\"" + SecretValue.MASK + "\"")
        .contains("\"access-key-secret\":\"" + SecretValue.MASK + "\"")
        .contains("\"app.kubernetes.io/managed-by\":\"hybridcni\"")
        .contains("\"type\":\"Opaque\"");
    assertThat(result.requests().get(1)).startsWith("POST /api/v1/namespaces/kube-system/events\n");
    assertThat(MockRequests.drain(server)).allMatch(r -> r.method().equals("GET"));
    assertThat(secret()).isNull();
  }

  @Test
  void aServerDryRunSendsTheWriteWithDryRunAll() {
    MockRequests.drain(server);

    StepResult result = store(DryRunMode.SERVER).write(NS, NAME, KEY, true);

    assertThat(result.dryRunMode()).isEqualTo("server");
    // The CRUD mock ignores dryRun=All (a real API server persists nothing), so only the request is checked.
    assertThat(MockRequests.drain(server)).filteredOn(r -> r.method().equals("POST")).singleElement()
        .satisfies(r -> assertThat(r.query("dryRun")).isEqualTo("All"));
  }

  @Test
  void everyWriteRecordsAnEventOnTheSecretThatNamesTheKeyIdOnly() {
    store(DryRunMode.CLIENT).writeAccessKey(NS, NAME, KEY);

    List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getReason()).isEqualTo("AccessKeySecretWritten");
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getSource().getComponent()).isEqualTo("hybridcni");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Secret");
      assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
      assertThat(e.getMessage()).isEqualTo("hybridcni wrote AccessKey " + SampleClusters.FIXTURE_ACCESS_KEY_ID
          + " to keys access-key-id and access-key-secret");
    });
  }
}
