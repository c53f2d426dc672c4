package io.hybridcni.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.Sensitive;
import io.hybridcni.testkit.SecretForms;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each sequence of the loop's calls writes into a HybridNetwork's status on the mock API server (CRUD mode, with
 * the generated CRD installed so that {@code /status} is a subresource as on a real server).
 */
@EnableKubeApiMock
class HybridNetworkStatusWriterTest {

  /** An AccessKey secret in the shape RAM issues them (30 characters); the fixture every scan looks for. */
  static final String ACCESS_KEY_SECRET = "Hq3xV9bT2mK7pL4wZ8nR1cY6dF5gJ0";
  private static final String STATUS_PATH = "/apis/hybridcni.io/v1alpha1/namespaces/" + ResourceFixtures.NAMESPACE
      + "/hybridnetworks/" + ResourceFixtures.NAME + "/status";
  private static final Instant START = Instant.parse("2026-12-03T06:00:00Z");

  KubernetesMockServer server;
  KubernetesClient client;
  private final ManualClock clock = new ManualClock(START);
  private HybridNetworkStatusWriter writer;

  @BeforeEach
  void resource() {
    ResourceFixtures.installCrd(client);
    ResourceFixtures.createMinimal(client);
    writer = new HybridNetworkStatusWriter(client, ResourceFixtures.NAMESPACE, ResourceFixtures.NAME, "replica-a",
        clock, () -> Sensitive.of(ACCESS_KEY_SECRET), null);
    writer.leadership(true);
  }

  @Test
  void anEmptyPlanOnAHealthyNetworkIsReadyAndNotDrifted() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Ready, "True", "Converged");
    assertCondition(status, ConditionType.Drifted, "False", "NoChanges");
    assertCondition(status, ConditionType.Blocked, "False", "NotBlocked");
    assertCondition(status, ConditionType.Degraded, "False", "RoundSucceeded");
    assertThat(status.getScenario()).isEqualTo("BGP");
    assertThat(status.getLeader()).isEqualTo("replica-a");
    assertThat(status.getNodes().getTotal()).isEqualTo(2);
    assertThat(status.getNodes().getCloud()).isEqualTo(1);
    assertThat(status.getNodes().getOnPremises()).isEqualTo(1);
    assertThat(status.getNodes().getWithProblems()).isZero();
    assertThat(status.getNodes().isHealthy()).isTrue();
  }

  @Test
  void anEmptyPlanOnAnUnhealthyNetworkIsNotReadyAndSaysWhy() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.unhealthy());

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Ready, "False", "NetworkUnhealthy");
    assertThat(status.condition(ConditionType.Ready).getMessage()).contains("CLOUD_NODE_WITHOUT_TERWAY");
    assertThat(status.getNodes().getWithProblems()).isEqualTo(1);
    assertThat(status.getNodes().getProblems()).containsExactly("CLOUD_NODE_WITHOUT_TERWAY");
  }

  @Test
  void aPlanWithChangesThatIsHeldIsDriftedAndBlockedByPolicy() {
    writer.planned(ResourceFixtures.secretRepair(), ResourceFixtures.healthy());
    writer.held(ResourceFixtures.secretRepair(), "controller.autoApply does not include ENSURE_ACCESS_KEY_SECRET");

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Drifted, "True", "PlanHasChanges");
    assertThat(status.condition(ConditionType.Drifted).getMessage())
        .isEqualTo("The plan has 1 to add, 0 to change, 0 to destroy: ENSURE_ACCESS_KEY_SECRET.");
    assertCondition(status, ConditionType.Blocked, "True", "HeldByPolicy");
    assertThat(status.condition(ConditionType.Blocked).getMessage()).contains("controller.autoApply");
    assertCondition(status, ConditionType.Ready, "False", "HeldByPolicy");
    assertThat(status.getLastPlan().getAdd()).isEqualTo(1);
    assertThat(status.getLastPlan().getActionKinds()).containsExactly("ENSURE_ACCESS_KEY_SECRET");
  }

  @Test
  void aHeldPlanWithABlockerIsBlockedWithTheBlockerAndNotReady() {
    writer.planned(ResourceFixtures.blocked("the key LTAI5tExample is disabled"), ResourceFixtures.healthy());
    writer.held(ResourceFixtures.blocked("the key LTAI5tExample is disabled"), "the plan has a blocker");

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Blocked, "True", "PlanBlocked");
    assertThat(status.condition(ConditionType.Blocked).getMessage())
        .isEqualTo("ACCESS_KEY_REFUSED: the key LTAI5tExample is disabled");
    assertCondition(status, ConditionType.Ready, "False", "PlanBlocked");
    assertThat(status.getLastPlan().getBlockers()).containsExactly("ACCESS_KEY_REFUSED");
  }

  @Test
  void aConvergedRepairIsReadyWithItsPlanRecorded() {
    writer.planned(ResourceFixtures.secretRepair(), ResourceFixtures.healthy());
    writer.reconciled(new ReconcileResult(ResourceFixtures.secretRepair(), new ApplyResult(List.of(), false, null),
        ResourceFixtures.emptyPlan(), true, null, ResourceFixtures.healthy()));

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Ready, "True", "Converged");
    assertCondition(status, ConditionType.Drifted, "False", "Repaired");
    assertCondition(status, ConditionType.Blocked, "False", "NotBlocked");
    assertCondition(status, ConditionType.Degraded, "False", "RoundSucceeded");
    HybridNetworkResourceStatus.LastPlan plan = status.getLastPlan();
    assertThat(plan.getActionKinds()).containsExactly("ENSURE_ACCESS_KEY_SECRET");
    assertThat(plan.getTotal()).isEqualTo(1);
    assertThat(plan.getTime()).isEqualTo("2026-12-03T06:00:00Z");
    assertThat(plan.getSpecDigest()).isEqualTo(ResourceFixtures.secretRepair().specDigest().digest())
        .startsWith("sha256:");
  }

  @Test
  void aRepairThatDidNotConvergeIsDegraded() {
    writer.planned(ResourceFixtures.secretRepair(), ResourceFixtures.healthy());
    writer.reconciled(new ReconcileResult(ResourceFixtures.secretRepair(), new ApplyResult(List.of(), false, null),
        ResourceFixtures.secretRepair(), false, "the Secret is still missing after the apply"));

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Degraded, "True", "RepairFailed");
    assertCondition(status, ConditionType.Ready, "False", "RepairFailed");
    assertThat(status.condition(ConditionType.Degraded).getMessage())
        .isEqualTo("the Secret is still missing after the apply");
  }

  @Test
  void aFailedRoundIsDegradedAndLeavesReadyAsTheLastRoundFoundIt() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    writer.failed(new IllegalStateException("the API server did not answer within 10s"));

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Degraded, "True", "RoundFailed");
    assertThat(status.condition(ConditionType.Degraded).getMessage())
        .isEqualTo("the API server did not answer within 10s");
    assertCondition(status, ConditionType.Ready, "True", "Converged");
  }

  @Test
  void anInvalidSpecIsDegradedAndNotReadyNamingTheField() {
    writer.failed(new InvalidInputException("HybridNetwork hybridcni/registered", "spec.cluster.id",
        "an ACK cluster id"));

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Degraded, "True", "InvalidSpec");
    assertCondition(status, ConditionType.Ready, "False", "InvalidSpec");
    assertThat(status.condition(ConditionType.Ready).getMessage())
        .isEqualTo("HybridNetwork hybridcni/registered: spec.cluster.id: an ACK cluster id");
  }

  @Test
  void lastTransitionTimeMovesOnlyForAConditionWhoseStatusChanged() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    clock.advance(Duration.ofMinutes(5));
    writer.failed(new IllegalStateException("the API server did not answer"));
    clock.advance(Duration.ofMinutes(5));
    writer.failed(new IllegalStateException("the API server refused the connection"));

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertThat(status.condition(ConditionType.Ready).getLastTransitionTime()).isEqualTo("2026-12-03T06:00:00Z");
    Condition degraded = status.condition(ConditionType.Degraded);
    assertThat(degraded.getLastTransitionTime()).as("False to True at 06:05; only its message changed at 06:10")
        .isEqualTo("2026-12-03T06:05:00Z");
    assertThat(degraded.getMessage()).isEqualTo("the API server refused the connection");
  }

  @Test
  void theSameEmptyPlanRoundAfterRoundIsWrittenOnce() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    MockRequests.drain(server);

    for (int round = 0; round < 5; round++) {
      clock.advance(Duration.ofSeconds(30));
      writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    }

    assertThat(MockRequests.drain(server)).as("a steady cluster reads nothing and writes nothing").isEmpty();
    assertThat(ResourceFixtures.get(client).getStatus().getLastPlan().getTime())
        .as("the same plan made again keeps its time").isEqualTo("2026-12-03T06:00:00Z");
  }

  @Test
  void theSameHeldPlanRoundAfterRoundIsWrittenOnce() {
    MockRequests.drain(server);
    for (int round = 0; round < 4; round++) {
      clock.advance(Duration.ofSeconds(30));
      writer.planned(ResourceFixtures.secretRepair(), ResourceFixtures.healthy());
      writer.held(ResourceFixtures.secretRepair(), "controller.autoApply does not include ENSURE_ACCESS_KEY_SECRET");
    }

    assertThat(statusWrites(MockRequests.drain(server))).hasSize(1);
  }

  @Test
  void aFailingRepairRoundAfterRoundIsWrittenOnce() {
    MockRequests.drain(server);
    for (int round = 0; round < 4; round++) {
      clock.advance(Duration.ofSeconds(30));
      writer.planned(ResourceFixtures.secretRepair(), ResourceFixtures.healthy());
      writer.reconciled(new ReconcileResult(ResourceFixtures.secretRepair(), new ApplyResult(List.of(), false, null),
          ResourceFixtures.secretRepair(), false, "the Secret is still missing"));
    }

    assertThat(statusWrites(MockRequests.drain(server))).hasSize(1);
  }

  @Test
  void observedGenerationFollowsTheGenerationOfTheSpecPlannedWith() throws Exception {
    try (HybridNetworkSource source = HybridNetworkSource.unstarted(client, ResourceFixtures.NAMESPACE,
        ResourceFixtures.NAME)) {
      // Heard only once the watch holds generation 2: the handler runs after the informer's store took the event, and
      // the first add (delivered on the informer's thread, maybe late) must not count as the edit.
      CountDownLatch heard = new CountDownLatch(1);
      source.subscribe(() -> {
        if (source.resource().map(r -> r.getMetadata().getGeneration()).orElse(0L) == 2L) {
          heard.countDown();
        }
      });
      source.startWatching().toCompletableFuture().get(10, TimeUnit.SECONDS);
      HybridNetworkStatusWriter following = new HybridNetworkStatusWriter(client, ResourceFixtures.NAMESPACE,
          ResourceFixtures.NAME, "replica-a", clock, () -> Sensitive.NONE, source::generation);
      following.leadership(true);
      source.spec();
      following.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
      assertThat(ResourceFixtures.get(client).getStatus().getObservedGeneration()).isEqualTo(1L);

      HybridNetwork edited = ResourceFixtures.get(client);
      edited.getSpec().setNetwork(Map.of("mode", "BGP"));
      client.resource(edited).update();
      assertThat(ResourceFixtures.get(client).getMetadata().getGeneration()).as("the API server bumps it")
          .isEqualTo(2L);
      assertThat(heard.await(10, TimeUnit.SECONDS)).as("the source heard the new generation").isTrue();
      source.spec();
      following.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());

      HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
      assertThat(status.getObservedGeneration()).isEqualTo(2L);
      assertThat(status.getConditions()).extracting(Condition::getObservedGeneration).containsOnly(2L);
    }
  }

  @Test
  void withoutASourceTheResourcesOwnGenerationIsObserved() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());

    assertThat(ResourceFixtures.get(client).getStatus().getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void aConflictReadsTheResourceAgainAndWritesOnTopOfIt() {
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    HybridNetwork edited = ResourceFixtures.get(client);
    edited.getSpec().setNetwork(Map.of("mode", "BGP"));
    client.resource(edited).update();
    // A real API server answers a PUT of /status whose resourceVersion is not the stored one with 409 Conflict ("the
    // object has been modified; please apply your changes to the latest version and try again",
    // k8s.io/apiserver/pkg/registry/generic/registry/store.go, Update). The mock's CRUD mode does not check the
    // resourceVersion of a /status PUT, so the test answers the first one with that 409 itself.
    server.expect().put().withPath(STATUS_PATH).andReturn(409, new StatusBuilder().withStatus("Failure")
        .withReason("Conflict").withCode(409).withMessage("Operation cannot be fulfilled on hybridnetworks.hybridcni.io "
            + "\"registered\": the object has been modified; please apply your changes to the latest version and "
            + "try again").build()).once();
    MockRequests.drain(server);

    writer.failed(new IllegalStateException("the API server did not answer"));

    List<MockRequests.Recorded> requests = MockRequests.drain(server);
    assertThat(requests).as("%s", requests).extracting(MockRequests.Recorded::method)
        .containsExactly("PUT", "GET", "PUT");
    HybridNetwork now = ResourceFixtures.get(client);
    assertCondition(now.getStatus(), ConditionType.Degraded, "True", "RoundFailed");
    assertThat(now.getSpec().getNetwork()).as("the status write kept the new spec").isEqualTo(Map.of("mode", "BGP"));
  }

  @Test
  void aFailedWriteNeverReachesTheLoopAndIsTriedAgainNextRound() {
    client.resources(HybridNetwork.class).inNamespace(ResourceFixtures.NAMESPACE).withName(ResourceFixtures.NAME)
        .delete();

    assertThatCode(() -> writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy()))
        .doesNotThrowAnyException();

    ResourceFixtures.createMinimal(client);
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    assertCondition(ResourceFixtures.get(client).getStatus(), ConditionType.Ready, "True", "Converged");
  }

  @Test
  void aNewLeaderNamesItselfButClaimsNoGenerationBeforeItHasPlanned() {
    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();

    assertThat(status.getLeader()).isEqualTo("replica-a");
    assertThat(status.getObservedGeneration()).isNull();
    assertThat(status.getConditions()).isEmpty();
  }

  @Test
  void aRefusedWriteIsLoggedWithoutTheSecretTheServerEchoed() {
    // An admission webhook or the API server's validation may quote what it refused, answering 422 Invalid (a 5xx
    // would be retried by the fabric8 client itself and reach the CRUD store on the retry).
    server.expect().put().withPath(STATUS_PATH).andReturn(422, new StatusBuilder().withStatus("Failure")
        .withReason("Invalid").withCode(422).withMessage("webhook refused status with " + ACCESS_KEY_SECRET).build())
        .once();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
    try {
      assertThatCode(() -> writer.failed(new IllegalStateException("the API server did not answer")))
          .doesNotThrowAnyException();
    } finally {
      System.setErr(originalErr);
    }

    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).as(logged).contains("Could not write the status of HybridNetwork hybridcni/registered")
        .contains("webhook refused status with " + Sensitive.MASK);
    assertThat(SecretForms.hits(logged, ACCESS_KEY_SECRET)).isEmpty();
    writer.failed(new IllegalStateException("the API server did not answer"));
    assertCondition(ResourceFixtures.get(client).getStatus(), ConditionType.Degraded, "True", "RoundFailed");
  }

  @Test
  void anEmptyPlanWithoutANetworkStatusIsReadyWithoutNodeCounts() {
    writer.planned(ResourceFixtures.emptyPlan(), null);

    HybridNetworkResourceStatus status = ResourceFixtures.get(client).getStatus();
    assertCondition(status, ConditionType.Ready, "True", "Converged");
    assertThat(status.getNodes()).isNull();
  }

  @Test
  void aReplicaThatDoesNotLeadWritesNothing() {
    writer.leadership(false);
    MockRequests.drain(server);

    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    writer.failed(new IllegalStateException("the API server did not answer"));

    assertThat(MockRequests.drain(server)).isEmpty();
  }

  @Test
  void noStatusWrittenCarriesTheSecretInAnyForm() {
    Map<String, String> echoes = SecretForms.echoes(ACCESS_KEY_SECRET);
    int written = 0;
    for (Map.Entry<String, String> echo : echoes.entrySet()) {
      String leak = "the server answered with " + echo.getValue() + " (" + echo.getKey() + ")";
      clock.advance(Duration.ofMinutes(1));
      writer.planned(ResourceFixtures.blocked(leak), ResourceFixtures.healthy());
      written += scan();
      writer.held(ResourceFixtures.blocked(leak), leak);
      written += scan();
      writer.planned(ResourceFixtures.secretRepair(), ResourceFixtures.healthy());
      writer.held(ResourceFixtures.secretRepair(), leak);
      written += scan();
      writer.reconciled(new ReconcileResult(ResourceFixtures.secretRepair(), new ApplyResult(List.of(), false, null),
          ResourceFixtures.secretRepair(), false, leak));
      written += scan();
      writer.failed(new IllegalStateException(leak));
      written += scan();
      writer.failed(new InvalidInputException("HybridNetwork hybridcni/registered", "spec.ram.userName", leak));
      written += scan();
    }
    assertThat(written).as("statuses scanned").isGreaterThanOrEqualTo(echoes.size() * 5);
  }

  /** Scans the stored status for the secret; 1 when it holds a masked value (so a write happened), else 0. */
  private int scan() {
    String json = client.getKubernetesSerialization().asJson(ResourceFixtures.get(client).getStatus());
    assertThat(SecretForms.hits(json, ACCESS_KEY_SECRET)).as("the secret in the written status").isEmpty();
    return json.contains(Sensitive.MASK) ? 1 : 0;
  }

  private static List<MockRequests.Recorded> statusWrites(List<MockRequests.Recorded> requests) {
    return requests.stream().filter(r -> r.method().equals("PUT") || r.method().equals("PATCH"))
        .filter(r -> r.pathOnly().endsWith("/status")).toList();
  }

  private static void assertCondition(HybridNetworkResourceStatus status, ConditionType type, String value,
      String reason) {
    Condition condition = status.condition(type);
    assertThat(condition).as("condition %s", type).isNotNull();
    assertThat(condition.getStatus()).as("%s status", type).isEqualTo(value);
    assertThat(condition.getReason()).as("%s reason", type).isEqualTo(reason);
  }
}
