package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.testkit.kube.FaultDispatcher;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AccessKey Secret's write when the API server stored it and its answer was lost (a 503 after the commit, as an
 * apiserver behind a load balancer that timed out can answer): read back, never written twice, recorded once.
 */
class SecretStoreLostAnswerTest {

  private static final String NS = KubernetesSecretStoreTest.NS;
  private static final String NAME = KubernetesSecretStoreTest.NAME;
  private static final String SECRETS = KubernetesSecretStoreTest.SECRETS;

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private KubernetesClient client;
  private final List<Duration> sleeps = new ArrayList<>();
  private final List<String> posts = new ArrayList<>();

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    faults.listener((method, path, fault) -> {
      if ("POST".equals(method) && path.startsWith(SECRETS)) {
        posts.add(path);
      }
    });
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private KubernetesSecretStore store(int maxAttempts) {
    return KubernetesSecretStore.builder(client).dryRunMode(DryRunMode.CLIENT).maxAttempts(maxAttempts)
        .sleeper(sleeps::add).clock(Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC)).build();
  }

  @Test
  void aCreateWhoseAnswerWasLostIsReadBackAndNotSentAgain() {
    FaultDispatcher.KubeFault lost = faults.on("POST", SECRETS).commitThenAnswer(503, 1);

    StepResult result = store(5).write(NS, NAME, KubernetesSecretStoreTest.KEY, false);

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(posts).hasSize(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("answer was lost").doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
    assertThat(client.v1().events().inNamespace(NS).list().getItems()).singleElement()
        .satisfies(e -> assertThat(e.getReason()).isEqualTo(KubernetesSecretStore.EVENT_REASON));
    assertThat(sleeps).containsExactly(Duration.ofMillis(200));
  }

  @Test
  void aLostAnswerFollowedByARefusalSaysTheSecretMayHoldTheKey() {
    // The first create loses its answer (not stored here), the second is refused for sure: the failure must still
    // say that the first may have gone through, so that the AccessKey action reads before deleting the new key.
    faults.on("POST", SECRETS).reject(503, 1);
    FaultDispatcher.KubeFault refused = faults.on("POST", SECRETS).reject(403, 1);

    assertThatThrownBy(() -> store(5).writeAccessKey(NS, NAME, KubernetesSecretStoreTest.KEY))
        .isInstanceOfSatisfying(RemoteCallException.class, e -> {
          assertThat(e.outcomeUnknown()).isTrue();
          assertThat(e.getMessage()).contains("Gave up after 2 attempts")
              .doesNotContain(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
        });
    assertThat(refused.fired()).isEqualTo(1);
  }
}
