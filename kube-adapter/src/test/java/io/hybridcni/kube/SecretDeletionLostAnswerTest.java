package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.testkit.kube.FaultDispatcher;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Secret's deletion when the API server's answer is lost (it deleted, then answered 503, as an apiserver behind
 * a load balancer that timed out can) and when its reads fail: the write skeleton reads back before anything else.
 */
class SecretDeletionLostAnswerTest {

  private static final String NS = SecretDeletionExecutorTest.NS;
  private static final String NAME = SecretDeletionExecutorTest.NAME;
  private static final String PATH = SecretDeletionExecutorTest.PATH;

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private KubernetesClient client;
  private final List<Duration> sleeps = new ArrayList<>();

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(NAME).withNamespace(NS)
        .withLabels(Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE)).endMetadata()
        .withType("Opaque").withData(Map.of("access-key-id", b64(SampleClusters.FIXTURE_ACCESS_KEY_ID),
            "access-key-secret", b64(SampleClusters.FIXTURE_ACCESS_KEY_SECRET))).build()).create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private StepResult delete(int maxAttempts) {
    return SecretDeletionExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).sleeper(sleeps::add)
        .maxAttempts(maxAttempts).clock(Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC))
        .build().run(SecretDeletionExecutorTest.DELETION, ExecutionContext.forReal(ApplyListener.NONE));
  }

  @Test
  void aDeleteWhoseAnswerWasLostIsReadBackAndRecordsItsEventOnce() {
    FaultDispatcher.KubeFault lost = faults.on("DELETE", PATH).commitThenAnswer(503, 1);

    StepResult result = delete(5);

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("answer was lost");
    assertThat(client.secrets().inNamespace(NS).withName(NAME).get()).isNull();
    // The deletion happened once, and so is recorded once, although its answer never arrived.
    assertThat(client.v1().events().inNamespace(NS).list().getItems()).singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo(SecretDeletionExecutor.EVENT_REASON));
    assertThat(sleeps).containsExactly(Duration.ofMillis(200));
  }

  @Test
  void aReadThatFailsIsRetriedWithBackoffAndTheSecretIsThenDeleted() {
    FaultDispatcher.KubeFault busy = faults.on("GET", PATH).reject(503, 2);

    StepResult result = delete(5);

    assertThat(busy.fired()).isEqualTo(2);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void runningOutOfAttemptsOnServerErrorsSaysTheSecretMayBeGoneAndNamesNoSecretValue() {
    FaultDispatcher.KubeFault busy = faults.on("DELETE", PATH).reject(503, 5);

    assertThatThrownBy(() -> delete(2))
        .isInstanceOfSatisfying(RemoteCallException.class, e -> {
          // A 503 may come after the change was stored: whoever handles this failure must read before compensating.
          assertThat(e.outcomeUnknown()).isTrue();
          assertThat(e.getMessage()).contains("Gave up after 2 attempts").contains("may show it done")
              .doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
        });
    assertThat(busy.fired()).isEqualTo(2);
    assertThat(client.secrets().inNamespace(NS).withName(NAME).get()).isNotNull();
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
