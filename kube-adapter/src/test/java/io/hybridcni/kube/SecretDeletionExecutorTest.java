package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Fingerprint;
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

/** The Secret's deletion on the fabric8 mock (CRUD mode): only a Secret hybridcni labelled is deleted. */
@EnableKubernetesMockClient(crud = true)
class SecretDeletionExecutorTest {

  static final String NS = "kube-system";
  static final String NAME = "alibaba-addon-secret";
  static final String PATH = "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret";
  static final Action DELETION = new Action("secret-deletion", ActionKind.DELETE_SECRET, ChangeType.DELETE,
      "kubernetes/kube-system/Secret/alibaba-addon-secret", "test", List.of(), List.of(),
      new ActionDetail.SecretDeletion(NS, NAME), Fingerprint.of(Map.of()));

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<Duration> sleeps = new ArrayList<>();

  private SecretDeletionExecutor executor(KubernetesClient through) {
    return SecretDeletionExecutor.builder(through).dryRunMode(DryRunMode.CLIENT).sleeper(sleeps::add)
        .clock(Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC)).build();
  }

  private StepResult delete() {
    return executor(client).run(DELETION, ExecutionContext.forReal(ApplyListener.NONE));
  }

  private void seed(String name, Map<String, String> labels) {
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withLabels(labels).endMetadata().withType("Opaque")
        .withData(Map.of("access-key-id", base64(SampleClusters.FIXTURE_ACCESS_KEY_ID),
            "access-key-secret", base64(SampleClusters.FIXTURE_ACCESS_KEY_SECRET))).build()).create();
  }

  private static Map<String, String> managed() {
    return Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE, "team", "network");
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace(NS).withName(name).get();
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private List<MockRequests.Recorded> writes() {
    return MockRequests.drain(server).stream().filter(r -> !r.method().equals("GET")).toList();
  }

  @Test
  void aSecretLabelledByHybridCniIsDeletedAndOthersAreLeftAlone() {
    seed(NAME, managed());
    seed("other-secret", managed());

    StepResult result = delete();

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).startsWith("Delete Secret kube-system/alibaba-addon-secret");
    assertThat(secret(NAME)).isNull();
    assertThat(secret("other-secret")).isNotNull();
  }

  @Test
  void theDeleteCarriesTheReadResourceVersionAsAPrecondition() {
    seed(NAME, managed());
    String version = secret(NAME).getMetadata().getResourceVersion();
    List<String> bodies = new ArrayList<>();
    Interceptor capture = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        if (request.method().equals("DELETE")) {
          bodies.add(request.bodyString());
        }
      }
    };

    try (KubernetesClient capturing = server.createClient(
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("capture", capture)))) {
      executor(capturing).run(DELETION, ExecutionContext.forReal(ApplyListener.NONE));
    }

    assertThat(bodies).singleElement().satisfies(body -> assertThat(Serialization.unmarshal(body,
        DeleteOptions.class).getPreconditions().getResourceVersion()).isEqualTo(version));
  }

  @Test
  void aSecretWithoutTheLabelIsKeptAndTheActionIsStale() {
    seed(NAME, Map.of("app.kubernetes.io/managed-by", "someone-else"));
    MockRequests.drain(server);

    assertThatThrownBy(this::delete)
        .isInstanceOf(StaleActionException.class)
        .hasMessageContaining("no longer carries app.kubernetes.io/managed-by=hybridcni");
    assertThat(secret(NAME)).isNotNull();
    assertThat(writes()).isEmpty();
  }

  @Test
  void aSecretThatIsGoneIsAlreadySatisfiedAndNothingIsDeleted() {
    MockRequests.drain(server);

    StepResult result = delete();

    assertThat(result.status()).isEqualTo(StepStatus.ALREADY_SATISFIED);
    assertThat(writes()).isEmpty();
  }

  @Test
  void aConflictReadsTheSecretAgainAndChecksTheLabelBeforeTryingOnce() {
    seed(NAME, managed());
    // The Secret changed between the read and the delete: a real API server answers 409 to the precondition.
    server.expect().delete().withPath(PATH).andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
        .withMessage("Precondition failed: UID in precondition: ..., ResourceVersion in precondition: 1").build())
        .once();
    MockRequests.drain(server);

    StepResult result = delete();

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(MockRequests.drain(server)).extracting(MockRequests.Recorded::toString)
        .containsSubsequence("GET " + PATH, "DELETE " + PATH, "GET " + PATH, "DELETE " + PATH);
    // A conflict is an answer: the Secret is read again at once, without waiting.
    assertThat(sleeps).isEmpty();
    assertThat(secret(NAME)).isNull();
  }

  @Test
  void aSecretRelabelledBeforeTheRetryIsKept() {
    seed(NAME, managed());
    server.expect().delete().withPath(PATH).andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
        .withMessage("Precondition failed").build()).once();
    Interceptor relabel = new Interceptor() {
      private boolean done;

      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        if (!done && request.method().equals("DELETE")) {
          done = true;
          Secret s = client.secrets().inNamespace(NS).withName(NAME).get();
          s.getMetadata().setLabels(Map.of("team", "network"));
          client.resource(s).update();
        }
      }
    };

    try (KubernetesClient racing = server.createClient(
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("relabel", relabel)))) {
      assertThatThrownBy(() -> executor(racing).run(DELETION, ExecutionContext.forReal(ApplyListener.NONE)))
          .isInstanceOf(StaleActionException.class);
    }
    assertThat(secret(NAME)).isNotNull();
  }

  @Test
  void serverErrorsAreRetriedWithBackoffAndGiveUpAfterTheBoundedAttempts() {
    seed(NAME, managed());
    server.expect().delete().withPath(PATH).andReturn(503, new StatusBuilder().withCode(503)
        .withReason("ServiceUnavailable").withMessage("etcd is busy").build()).always();

    assertThatThrownBy(() -> SecretDeletionExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).maxAttempts(3)
        .sleeper(sleeps::add).build().run(DELETION, ExecutionContext.forReal(ApplyListener.NONE)))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("Gave up after 3 attempts")
        .hasMessageContaining("delete on secrets kube-system/alibaba-addon-secret failed: 503");
    assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(secret(NAME)).isNotNull();
  }

  @Test
  void aClientDryRunDescribesTheDeleteWithItsPreconditionAndDeletesNothing() {
    seed(NAME, managed());
    String version = secret(NAME).getMetadata().getResourceVersion();
    MockRequests.drain(server);

    StepResult result = executor(client).run(DELETION, ExecutionContext.dryRun(ApplyListener.NONE));

    assertThat(result.status()).isEqualTo(StepStatus.DRY_RUN);
    assertThat(result.dryRunMode()).isEqualTo("client");
    assertThat(result.requests().get(0)).startsWith("DELETE " + PATH + "\n")
        .contains("\"resourceVersion\":\"" + version + "\"");
    assertThat(String.join("\n", result.requests())).doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET,
        base64(SampleClusters.FIXTURE_ACCESS_KEY_SECRET));
    assertThat(writes()).isEmpty();
    assertThat(secret(NAME)).isNotNull();
  }

  @Test
  void theDeletionRecordsANormalEventNamingTheSecret() {
    seed(NAME, managed());

    delete();

    assertThat(client.v1().events().inNamespace(NS).list().getItems()).singleElement().satisfies(e -> {
      assertThat(e.getReason()).isEqualTo(SecretDeletionExecutor.EVENT_REASON);
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Secret");
      assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
      assertThat(e.getMessage()).doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
    });
  }
}
