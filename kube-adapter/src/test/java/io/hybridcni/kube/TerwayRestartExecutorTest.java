package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Fingerprint;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.KubeSampleCluster;
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
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TerwayRestartExecutorTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
  static final String NEW_KEY_ID = "LTAI5tRotatedKeyId0002";
  static final String DS_PATH = "/apis/apps/v1/namespaces/kube-system/daemonsets/terway-eniip";
  static final Action RESTART = new Action("terway-restart", ActionKind.RESTART_TERWAY, ChangeType.UPDATE,
      "kubernetes/kube-system/DaemonSet/terway-eniip", "test", List.of(), List.of(),
      new ActionDetail.TerwayRestart(WorkloadRef.daemonSet("kube-system", "terway-eniip"), "kube-system",
          "alibaba-addon-secret"), Fingerprint.of(new TreeMap<>()));

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private KubernetesClient client;
  private final List<String> progress = new ArrayList<>();
  private final ApplyListener listener = new ApplyListener() {
    @Override
    public void waitingForRollout(Action action, String state, Duration elapsed) {
      progress.add(elapsed.toSeconds() + "s: " + state);
    }
  };

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient base = server.createClient()) {
      Config config = new ConfigBuilder(base.getConfiguration()).withRequestTimeout(2000).build();
      client = new KubernetesClientBuilder().withConfig(config).build();
    }
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    writeSecret(SampleClusters.FIXTURE_ACCESS_KEY_ID);
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private void writeSecret(String keyId) {
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withName("alibaba-addon-secret").withNamespace("kube-system").endMetadata().withType("Opaque")
        .withData(Map.of("access-key-id", b64(keyId), "access-key-secret", b64("not-a-real-secret-0000")))
        .build()).createOr(r -> r.update());
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private DaemonSet terway() {
    return client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip").get();
  }

  private List<Pod> terwayPods() {
    return client.pods().inNamespace("kube-system").withLabel("app", "terway-eniip").list().getItems();
  }

  private TerwayRestartExecutor.Builder executor(Sleeper sleeper) {
    return TerwayRestartExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).clock(CLOCK).sleeper(sleeper)
        .pollInterval(Duration.ofSeconds(5)).timeout(Duration.ofSeconds(30));
  }

  /** Between two polls, the DaemonSet controller replaces one pod of the old template (maxUnavailable 1). */
  private Sleeper controllerStep() {
    return d -> DaemonSetController.step(client, 1);
  }

  private ObservedState observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return ObservedState.of(observer.observe(Specs.auto()),
          new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
    }
  }

  @Test
  void theObserverSeesWhichSecretsTerwayReadsAndForWhichKeyHybridcniLastRestartedIt() {
    TerwayFacts before = observe().terway();
    assertThat(before.secretNames()).containsExactly("alibaba-addon-secret");
    assertThat(before.readsSecret("kube-system", "alibaba-addon-secret")).isTrue();
    assertThat(before.restartedForKey()).isNull();

    executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener));

    assertThat(observe().terway().restartedForKey())
        .isEqualTo(ValueHash.of(SampleClusters.FIXTURE_ACCESS_KEY_ID))
        .isEqualTo(observe().secret().valueHashes().get("access-key-id"));
  }

  @Test
  void aRestartAnnotatesThePodTemplateAsKubectlDoesAndWaitsUntilEveryPodRunsTheNewTemplate() {
    writeSecret(NEW_KEY_ID);
    long generationBefore = terway().getMetadata().getGeneration();
    List<String> podsBefore = terwayPods().stream().map(p -> p.getMetadata().getUid()).toList();
    assertThat(podsBefore).isNotEmpty();

    StepResult result = executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("every pod updated and available");
    DaemonSet ds = terway();
    assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kubectl.kubernetes.io/restartedAt", "2026-12-02T08:00:00Z")
        .containsEntry(TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION, ValueHash.of(NEW_KEY_ID));
    assertThat(ds.getMetadata().getGeneration()).isGreaterThan(generationBefore);
    assertThat(ds.getStatus().getObservedGeneration()).isEqualTo(ds.getMetadata().getGeneration());
    assertThat(ds.getStatus().getUpdatedNumberScheduled()).isEqualTo(ds.getStatus().getDesiredNumberScheduled());
    // Every pod was replaced by one of the new template.
    assertThat(terwayPods()).allSatisfy(p -> assertThat(p.getMetadata().getLabels())
        .containsEntry(DaemonSetController.REVISION_LABEL, DaemonSetController.revision(ds)));
    assertThat(terwayPods()).noneMatch(p -> podsBefore.contains(p.getMetadata().getUid()));
    // The wait followed the status: the written generation was not yet observed at the first poll.
    assertThat(progress).first().asString().startsWith("0s: ").contains("not yet observed");
  }

  @Test
  void theRolloutWaitTimesOutClearlyWhenThePodsAreNotReplaced() {
    writeSecret(NEW_KEY_ID);
    List<Duration> slept = new ArrayList<>();

    // No controller plays the rollout: the status never catches up.
    assertThatThrownBy(() -> executor(slept::add).build().run(RESTART, ExecutionContext.forReal(listener)))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("the rollout of kube-system/DaemonSet/terway-eniip did not finish within PT30S")
        .hasMessageContaining("not yet observed")
        .hasMessageContaining("no old key is deleted")
        .hasMessageContaining("rollout status daemonset/terway-eniip");
    assertThat(slept).hasSize(6).containsOnly(Duration.ofSeconds(5));
    assertThat(progress).hasSize(6).last().asString().startsWith("25s: ");
    // The restart itself was written.
    assertThat(terway().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION, ValueHash.of(NEW_KEY_ID));
  }

  @Test
  void aWriteWhoseAnswerWasLostIsReadBackAndNotSentAgain() {
    writeSecret(NEW_KEY_ID);
    FaultDispatcher.KubeFault lost = faults.on("PUT", DS_PATH).commitThenAnswer(503, 1);
    List<String> puts = new ArrayList<>();
    faults.listener((method, path, fault) -> {
      if ("PUT".equals(method) && DS_PATH.equals(path.split("\\?")[0])) {
        puts.add(path);
      }
    });

    StepResult result = executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener));

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(puts).hasSize(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("answer was lost");
    assertThat(terway().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION, ValueHash.of(NEW_KEY_ID));
  }

  @Test
  void aConflictReadsTheDaemonSetAgainAndKeepsTheOtherWritersChange() {
    writeSecret(NEW_KEY_ID);
    FaultDispatcher.KubeFault conflict = faults.on("PUT", DS_PATH).reject(409, 1);

    StepResult result = executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener));

    assertThat(conflict.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
  }

  @Test
  void terwayAlreadyRestartedForTheKeyInTheSecretIsNotRestartedAgain() {
    executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener));
    String resourceVersion = terway().getMetadata().getResourceVersion();

    StepResult again = executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener));

    assertThat(again.status()).isEqualTo(StepStatus.ALREADY_SATISFIED);
    assertThat(terway().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void aClientSideDryRunDescribesTheUpdateAndChangesNothing() {
    writeSecret(NEW_KEY_ID);
    String resourceVersion = terway().getMetadata().getResourceVersion();

    StepResult result = executor(controllerStep()).build().run(RESTART, ExecutionContext.dryRun(listener));

    assertThat(result.status()).isEqualTo(StepStatus.DRY_RUN);
    assertThat(result.requests()).first().asString().startsWith("PUT " + DS_PATH)
        .contains("kubectl.kubernetes.io/restartedAt").contains(ValueHash.of(NEW_KEY_ID))
        .doesNotContain("not-a-real-secret-0000");
    assertThat(terway().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void aDaemonSetWithOnDeleteIsRefusedBeforeAnyWrite() {
    DaemonSet ds = terway();
    ds.getSpec().setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder()
        .withType("OnDelete").build());
    client.resource(ds).update();
    String resourceVersion = terway().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener)))
        .isInstanceOf(HybridCniException.class).hasMessageContaining("updateStrategy OnDelete")
        .hasMessageContaining("Nothing was written");
    assertThat(terway().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void aSecretThatIsGoneMakesTheRestartStale() {
    client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").delete();

    assertThatThrownBy(() -> executor(controllerStep()).build().run(RESTART, ExecutionContext.forReal(listener)))
        .isInstanceOf(StaleActionException.class).hasMessageContaining("no longer exists");
  }
}
