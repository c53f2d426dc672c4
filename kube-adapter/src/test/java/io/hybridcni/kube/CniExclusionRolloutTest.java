package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.Planner;
import io.hybridcni.status.Cni;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import io.hybridcni.testkit.kube.TigeraOperator;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rollout the CNI exclusion causes, followed on the mock with the testkit's DaemonSet controller (and Tigera
 * operator) playing their parts between two polls: the executor's sleeper moves a manual clock and lets them run one
 * sync. Nothing sleeps for real.
 */
class CniExclusionRolloutTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
  static final String CLOUD = KubeSampleCluster.CLOUD_NODE;
  static final Duration POLL = Duration.ofSeconds(5);

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private KubernetesClient client;
  private DaemonSetController controller = DaemonSetController.create();
  /** Renders of the Tigera operator to skip before it renders (it has not picked the change up yet). */
  private int operatorLate;
  private boolean operatorRuns = true;
  /** Runs after each sync of the DaemonSet controller, to make its status say what a test needs. */
  private Runnable afterSync = () -> { };
  private Duration slept = Duration.ZERO;
  private final List<MockRequests.Recorded> sent = new ArrayList<>();
  private final List<String> progress = new ArrayList<>();
  private final List<String> retries = new ArrayList<>();
  private final ApplyListener listener = new ApplyListener() {
    @Override
    public void waitingForRollout(Action action, String state, Duration elapsed) {
      progress.add(elapsed.toSeconds() + "s: " + state);
    }

    @Override
    public void retrying(Action action, String operation, int attempt, Duration delay, String reason) {
      retries.add(operation + ": " + reason);
    }
  };

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  /** Between two polls: time passes, the operator may render, the DaemonSet controller syncs once. */
  private void controllersRun(Duration pause) {
    slept = slept.plus(pause);
    sent.addAll(MockRequests.drain(server));
    if (operatorRuns && operatorLate-- <= 0) {
      TigeraOperator.render(client);
    }
    controller.sync(client);
    afterSync.run();
    MockRequests.drain(server);
  }

  private CniExclusionExecutor.Builder executor(KubernetesClient through) {
    return CniExclusionExecutor.builder(through).dryRunMode(DryRunMode.CLIENT).clock(CLOCK)
        .sleeper(this::controllersRun).pollInterval(POLL).watchRollout(true);
  }

  private StepResult run(CniExclusionExecutor executor, Action action) {
    MockRequests.drain(server);
    sent.clear();
    return executor.run(action, ExecutionContext.forReal(listener));
  }

  private ObservedState observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return ObservedState.of(observer.observe(Specs.auto()),
          new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
    }
  }

  private Action plannedExclusion() {
    return plannedExclusion(Specs.auto());
  }

  private Action plannedExclusion(io.hybridcni.spec.HybridNetworkSpec spec) {
    return new Planner().plan(spec, observe()).actions().stream()
        .filter(a -> a.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI).findFirst()
        .orElseThrow(() -> new AssertionError("the plan has no exclusion"));
  }

  private void changeCalico(Consumer<DaemonSet> edit) {
    DaemonSet ds = calico("kube-system");
    edit.accept(ds);
    client.resource(ds).update();
    DaemonSetController.reconcile(client);
  }

  private void onDelete() {
    changeCalico(ds -> ds.getSpec().setUpdateStrategy(new DaemonSetUpdateStrategyBuilder().withType("OnDelete")
        .build()));
  }

  private DaemonSet calico(String namespace) {
    return client.apps().daemonSets().inNamespace(namespace).withName("calico-node").get();
  }

  private List<Pod> calicoPods(String namespace) {
    return client.pods().inNamespace(namespace).withLabel("k8s-app", "calico-node").list().getItems();
  }

  private Pod podOn(String namespace, String node) {
    return calicoPods(namespace).stream().filter(p -> node.equals(p.getSpec().getNodeName())).findFirst()
        .orElse(null);
  }

  private List<MockRequests.Recorded> sentDeletes() {
    sent.addAll(MockRequests.drain(server));
    return sent.stream().filter(r -> r.method().equals("DELETE")).toList();
  }

  private void makeNotReady(Pod pod) {
    pod.getStatus().getConditions().forEach(c -> c.setStatus("False"));
    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
  }

  // ---- RollingUpdate --------------------------------------------------------------------------------------------

  @Test
  void aRollingUpdateIsFollowedToTheEndWithItsProgressReported() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();

    StepResult result = run(executor(client).build(), action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("the rollout of kube-system/DaemonSet/calico-node is done: 2 pod(s) Ready "
        + "on on-premises nodes, none on cloud nodes");
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(0)).startsWith("0s: ").contains("not yet observed");
    // The watch's events arrive a moment after the sync that caused them: a look may show an earlier sync's state,
    // so the intermediate counts are not asserted here, only that each look was reported.
    assertThat(progress).allSatisfy(p -> assertThat(p).matches("[0-9]+s: [0-9] of [0-9] updated, .*"));
    assertThat(podOn("kube-system", CLOUD)).isNull();
    String revision = DaemonSetController.revision(calico("kube-system"));
    assertThat(calicoPods("kube-system")).hasSize(2).allSatisfy(p -> {
      assertThat(p.getMetadata().getLabels()).containsEntry(DaemonSetController.REVISION_LABEL, revision);
      assertThat(KubernetesStatusObserver.pod(p, WorkloadRef.daemonSet("kube-system", "calico-node"), Cni.CALICO)
          .ready()).isTrue();
    });
    assertThat(slept).isEqualTo(POLL.multipliedBy(progress.size()));
  }

  @Test
  void theRolloutIsFollowedWithOneWatchFromTheWrittenVersionAndItsEndIsProvedFromTheStatusWithoutListingPodsOrNodes() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    String ds = "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node";

    StepResult result = run(executor(client).build(), action);
    sent.addAll(MockRequests.drain(server));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    List<MockRequests.Recorded> recorded = sent.stream().filter(r -> !r.path().contains("/events")).toList();
    List<String> calls = recorded.stream().map(r -> r.method() + " " + r.pathOnly()).toList();
    int put = calls.indexOf("PUT " + ds);
    assertThat(put).as("calls: " + recorded).isPositive();
    // Before the write: the DaemonSet once and the nodes; no calico-node pod, since every node the exclusion takes
    // Calico off is a cloud instance.
    assertThat(calls.subList(0, put)).containsExactlyInAnyOrder("GET " + ds, "GET /api/v1/nodes");
    // After it: the update's answer is the first poll (not yet observed); the rollout is followed by one watch from
    // the version the update answered, however many polls it takes, and its end is read from the status the watch
    // delivers (numberMisscheduled 0 proves calico-node left the cloud node). No GET of the DaemonSet, no listing.
    List<MockRequests.Recorded> after = recorded.subList(put + 1, recorded.size());
    assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
    assertThat(progress.get(0)).contains("not yet observed");
    assertThat(after).as("calls: " + after).hasSize(1);
    MockRequests.Recorded watch = after.get(0);
    assertThat(watch.method() + " " + watch.pathOnly()).isEqualTo("GET /apis/apps/v1/namespaces/kube-system/daemonsets");
    assertThat(watch.query("watch")).isEqualTo("true");
    assertThat(watch.query("fieldSelector")).isEqualTo("metadata.name%3Dcalico-node");
    assertThat(watch.query("resourceVersion")).isNotBlank();
    assertThat(podOn("kube-system", CLOUD)).isNull();
  }

  @Test
  void aRolloutWhoseStatusStillCountsAPodOnANodeItsTemplateNoLongerAllowsIsNotDoneUntilThatCountIsZero() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    // For three syncs the status counts one misscheduled node with every other count done, as the real controller
    // reports a calico pod on the cloud node that is being deleted but not gone yet (kubernetes
    // pkg/controller/daemon/daemon_controller.go updateDaemonSetStatus counts it until it is gone or terminal).
    int[] lingering = {3};
    afterSync = () -> {
      DaemonSet ds = calico("kube-system");
      if (lingering[0]-- > 0 && ds.getStatus() != null) {
        ds.getStatus().setNumberMisscheduled(1);
        client.apps().daemonSets().inNamespace("kube-system").resource(ds).updateStatus();
      }
    };

    StepResult result = run(executor(client).build(), action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(progress).anySatisfy(p -> assertThat(p).contains("2 of 2 updated")
        .contains("1 on nodes its template no longer allows").contains("generation 2 observed"));
    assertThat(lingering[0]).isNegative();
    assertThat(calico("kube-system").getStatus().getNumberMisscheduled()).isZero();
  }

  @Test
  void anExclusionFoundInPlaceAfterACrashStillHasItsRolloutFollowed() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    // The previous run wrote the exclusion and crashed before following the rollout: the controller has not run.
    assertThatThrownBy(() -> run(executor(client).sleeper(d -> {
      throw new IllegalStateException("crash right after the write");
    }).build(), action)).hasMessage("crash right after the write");
    progress.clear();
    assertThat(calico("kube-system").getStatus().getObservedGeneration())
        .isLessThan(calico("kube-system").getMetadata().getGeneration());

    StepResult result = run(executor(client).build(), action);

    assertThat(result.status()).isEqualTo(StepStatus.ALREADY_SATISFIED);
    assertThat(result.message()).contains("is done");
    assertThat(progress).isNotEmpty();
    assertThat(podOn("kube-system", CLOUD)).isNull();
  }

  @Test
  void newCalicoPodsCrashLoopingOnOnPremisesNodesStopTheActionAtTheGateNamingTheNodesAndTheReason() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    controller = DaemonSetController.create().crashLoopingOn("onprem-1", "onprem-2");
    // onprem-2's pod is already not Ready: the controller replaces it at once, and its new pod crash-loops too.
    makeNotReady(podOn("kube-system", "onprem-2"));

    assertThatThrownBy(() -> run(executor(client).build(), action))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("because 2 of its pods on on-premises nodes were not Ready, more than its "
            + "maxUnavailable of 1, at two polls in a row")
        .hasMessageContaining("onprem-1 (pod calico-node-")
        .hasMessageContaining("onprem-2 (pod calico-node-")
        .hasMessageContaining("CrashLoopBackOff")
        .hasMessageContaining("the Terway addon was not installed")
        .hasMessageContaining("the remove_cni_exclusion step of destroy");
    // The fault fired: both new pods crash-loop, and the gate stopped long before the stall period.
    assertThat(calicoPods("kube-system")).hasSize(2).allSatisfy(p -> assertThat(p.getStatus()
        .getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff"));
    assertThat(slept).isLessThan(CniExclusionExecutor.DEFAULT_STALL_PERIOD);
  }

  @Test
  void aRolloutStalledByACrashLoopingPodStopsAfterTheStallPeriodNamingItsRestarts() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    controller = DaemonSetController.create().crashLoopingOn("onprem-1");

    assertThatThrownBy(() -> run(executor(client).stallPeriod(Duration.ofSeconds(30)).build(), action))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("because it made no progress for 30 s")
        .hasMessageContaining("1 of 2 updated")
        .hasMessageContaining("onprem-1 (pod calico-node-")
        .hasMessageMatching("(?s).*CrashLoopBackOff, [0-9]+ restarts.*")
        .hasMessageContaining("the remove_cni_exclusion step of destroy");
    // One pod crash-loops and holds the rolling update at maxUnavailable 1: onprem-2 keeps its old, Ready pod.
    assertThat(podOn("kube-system", "onprem-1").getStatus().getContainerStatuses().get(0).getRestartCount())
        .isPositive();
    assertThat(podOn("kube-system", "onprem-2").getMetadata().getLabels().get(DaemonSetController.REVISION_LABEL))
        .isNotEqualTo(DaemonSetController.revision(calico("kube-system")));
    assertThat(slept).isGreaterThanOrEqualTo(Duration.ofSeconds(30)).isLessThan(Duration.ofSeconds(60));
  }

  // ---- the watch -------------------------------------------------------------------------------------------------

  private static final String DAEMON_SETS = "/apis/apps/v1/namespaces/kube-system/daemonsets";

  private List<MockRequests.Recorded> afterThePut() {
    sent.addAll(MockRequests.drain(server));
    List<MockRequests.Recorded> recorded = sent.stream().filter(r -> !r.path().contains("/events")).toList();
    int put = recorded.stream().map(r -> r.method() + " " + r.pathOnly()).toList()
        .indexOf("PUT " + DAEMON_SETS + "/calico-node");
    assertThat(put).as("calls: " + recorded).isPositive();
    return recorded.subList(put + 1, recorded.size());
  }

  private static boolean isWatch(MockRequests.Recorded r) {
    return r.pathOnly().equals(DAEMON_SETS) && "true".equals(r.query("watch"));
  }

  @Test
  void aWatchAnswered410GoneIsFollowedByAFreshReadAndAWatchFromItsVersionAndTheRolloutEndsDone() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    FaultDispatcher.KubeFault gone = faults.on("GET", DAEMON_SETS).reject(410, 1);

    StepResult result = run(executor(client).build(), action);

    assertThat(gone.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("is done");
    // The watch from the written version, refused; the DaemonSet read again, and watched from that read's version.
    List<MockRequests.Recorded> after = afterThePut();
    assertThat(after).as("calls: " + after).hasSize(3);
    assertThat(isWatch(after.get(0))).isTrue();
    assertThat(after.get(1).path()).isEqualTo(DAEMON_SETS + "/calico-node");
    assertThat(isWatch(after.get(2))).isTrue();
  }

  @Test
  void aWatchTheServerEndsWith410ExpiredIsFollowedByAFreshReadAndANewWatchAndTheRolloutEndsDone() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    FaultDispatcher.KubeFault expired = faults.on("GET", DAEMON_SETS).expireWatch(1);

    StepResult result = run(executor(client).build(), action);

    assertThat(expired.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("is done");
    // The watch opens and the server ends it (ERROR 410 Expired): one GET and a new watch from its version.
    List<MockRequests.Recorded> after = afterThePut();
    assertThat(after.stream().filter(CniExclusionRolloutTest::isWatch)).as("calls: " + after).hasSize(2);
    assertThat(after.stream().filter(r -> r.path().equals(DAEMON_SETS + "/calico-node"))).hasSize(1);
    assertThat(after).hasSize(3);
  }

  @Test
  void aWatchRefusedWith403IsFollowedWithAGetAfterEveryPauseAndTheRolloutEndsDone() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    FaultDispatcher.KubeFault forbidden = faults.on("GET", DAEMON_SETS).reject(403, 1);

    StepResult result = run(executor(client).build(), action);

    assertThat(forbidden.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    // A server whose RBAC grants no watch: the wait polls with GETs, as before there was a watch.
    List<MockRequests.Recorded> after = afterThePut();
    assertThat(isWatch(after.get(0))).as("calls: " + after).isTrue();
    assertThat(after.stream().filter(r -> r.path().equals(DAEMON_SETS + "/calico-node")))
        .hasSize(progress.size());
    assertThat(after.stream().filter(CniExclusionRolloutTest::isWatch)).hasSize(1);
  }

  @Test
  void aWatchAnswered503IsOpenedAgainFromTheSameVersionAndTheRolloutEndsDone() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    FaultDispatcher.KubeFault unavailable = faults.on("GET", DAEMON_SETS).reject(503, 1);

    StepResult result = run(executor(client).build(), action);

    assertThat(unavailable.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    // fabric8 opens the watch again itself (from the same version); no GET of the DaemonSet is needed.
    List<MockRequests.Recorded> after = afterThePut();
    assertThat(after).as("calls: " + after).hasSize(2);
    assertThat(after.subList(0, 2)).allSatisfy(r -> assertThat(isWatch(r)).isTrue());
  }

  // ---- destroy: the removal's rollout ----------------------------------------------------------------------------

  private Action plannedRemoval() {
    return new Planner().planDestroy(Specs.auto(), observe()).actions().stream()
        .filter(a -> a.kind() == ActionKind.REMOVE_CNI_EXCLUSION).findFirst()
        .orElseThrow(() -> new AssertionError("the destroy plan has no exclusion removal"));
  }

  private CniExclusionRemovalExecutor.Builder removal() {
    return CniExclusionRemovalExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).clock(CLOCK)
        .sleeper(this::controllersRun).pollInterval(POLL).watchRollout(true);
  }

  /** The exclusion in place and rolled out, then the removal planned; progress and time start from zero. */
  private Action excludedThenRemovalPlanned() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    assertThat(run(executor(client).build(), plannedExclusion()).status()).isEqualTo(StepStatus.APPLIED);
    assertThat(podOn("kube-system", CLOUD)).isNull();
    Action removal = plannedRemoval();
    progress.clear();
    slept = Duration.ZERO;
    MockRequests.drain(server);
    sent.clear();
    return removal;
  }

  @Test
  void theRemovalFollowsASlowRolloutUntilKubectlWouldCallItDoneAndCalicoRunsOnTheCloudNodeAgain() {
    Action removal = excludedThenRemovalPlanned();
    // Every new pod reports Ready only three syncs after it was created: the rollout takes several looks.
    controller = DaemonSetController.create().readyAfterSyncs(3, CLOUD, "onprem-1", "onprem-2");

    StepResult result = removal().build().run(removal, ExecutionContext.forReal(listener));
    List<MockRequests.Recorded> after = afterThePut();

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("the rollout of kube-system/DaemonSet/calico-node is done: 3 of 3 pod(s) "
        + "available");
    assertThat(progress.size()).as("progress: " + progress).isGreaterThanOrEqualTo(3);
    assertThat(progress.get(0)).startsWith("0s: ").contains("not yet observed");
    DaemonSet ds = calico("kube-system");
    assertThat(ds.getStatus().getObservedGeneration()).isEqualTo(ds.getMetadata().getGeneration());
    assertThat(ds.getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
    assertThat(ds.getStatus().getNumberAvailable()).isEqualTo(3);
    Pod onCloud = podOn("kube-system", CLOUD);
    assertThat(onCloud).isNotNull();
    assertThat(KubernetesStatusObserver.pod(onCloud, WorkloadRef.daemonSet("kube-system", "calico-node"),
        Cni.CALICO).ready()).isTrue();
    assertThat(slept).isEqualTo(POLL.multipliedBy(progress.size()));
    // Followed with one watch: no GET of the DaemonSet after the update, however many looks the rollout took.
    assertThat(after).as("calls: " + after).singleElement().satisfies(r -> assertThat(isWatch(r)).isTrue());
  }

  @Test
  void aRemovalWhoseRolloutOutlastsTheTimeoutFailsNamingItsCountsAndHowToCheckIt() {
    Action removal = excludedThenRemovalPlanned();
    // The cloud node's new calico-node never becomes Ready within the test.
    controller = DaemonSetController.create().readyAfterSyncs(1000, CLOUD);

    assertThatThrownBy(() -> removal().rolloutTimeout(Duration.ofSeconds(15)).build()
        .run(removal, ExecutionContext.forReal(listener)))
        .isInstanceOf(HybridCniException.class)
        .hasMessageStartingWith("cni-exclusion-removal: stopped following the rollout of "
            + "kube-system/DaemonSet/calico-node because it did not finish within PT15S: ")
        .hasMessageContaining("2 available")
        .hasMessageContaining("The exclusion is removed")
        .hasMessageContaining("kubectl -n kube-system rollout status daemonset/calico-node");
    assertThat(slept).isEqualTo(Duration.ofSeconds(15));
    // The fault fired: the cloud node has its pod, not Ready.
    Pod onCloud = podOn("kube-system", CLOUD);
    assertThat(onCloud).isNotNull();
    assertThat(KubernetesStatusObserver.pod(onCloud, WorkloadRef.daemonSet("kube-system", "calico-node"),
        Cni.CALICO).ready()).isFalse();
  }

  @Test
  void aRolloutSlowerThanTheTimeoutStopsAtTheTimeout() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = plannedExclusion();
    controller = DaemonSetController.create().readyAfterSyncs(5, "onprem-1", "onprem-2");

    assertThatThrownBy(() -> run(executor(client).rolloutTimeout(Duration.ofSeconds(15)).build(), action))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("because it did not finish within PT15S")
        .hasMessageContaining("onprem-1 (pod calico-node-")
        .hasMessageContaining("Running, not Ready");
    assertThat(slept).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void theDefaultTimeoutIsThreeMinutesPlusOneMinutePerBatchOfTheRollingUpdate() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    DaemonSet ds = calico("kube-system");
    assertThat(ds.getStatus().getDesiredNumberScheduled()).isEqualTo(3);
    assertThat(CalicoRollout.defaultTimeout(ds)).isEqualTo(Duration.ofMinutes(3 + 3));
    ds.getStatus().setDesiredNumberScheduled(200);
    ds.getSpec().getUpdateStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("5%"));
    assertThat(CalicoRollout.defaultTimeout(ds)).isEqualTo(Duration.ofMinutes(3 + 20));
    ds.getSpec().getUpdateStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("1%"));
    // 1% of 200 is 2, rounded up: 100 batches.
    assertThat(CalicoRollout.defaultTimeout(ds)).isEqualTo(Duration.ofMinutes(3 + 100));
  }

  // ---- OnDelete -------------------------------------------------------------------------------------------------

  @Test
  void onDeleteDeletesExactlyTheCloudNodesCalicoPodAndNoOnPremisesOne() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    onDelete();
    Action action = plannedExclusion();
    Pod cloudPod = podOn("kube-system", CLOUD);
    String onprem1 = podOn("kube-system", "onprem-1").getMetadata().getUid();
    String onprem2 = podOn("kube-system", "onprem-2").getMetadata().getUid();

    StepResult result = run(executor(client).build(), action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(sentDeletes()).extracting(MockRequests.Recorded::pathOnly)
        .containsExactly("/api/v1/namespaces/kube-system/pods/" + cloudPod.getMetadata().getName());
    assertThat(podOn("kube-system", CLOUD)).isNull();
    // The on-premises pods are the very same (OnDelete restarts nothing), of the old template.
    assertThat(podOn("kube-system", "onprem-1").getMetadata().getUid()).isEqualTo(onprem1);
    assertThat(podOn("kube-system", "onprem-2").getMetadata().getUid()).isEqualTo(onprem2);
    List<Event> events = client.v1().events().inNamespace("kube-system").list().getItems();
    assertThat(events).filteredOn(e -> CniExclusionExecutor.POD_DELETED_REASON.equals(e.getReason()))
        .singleElement().satisfies(e -> {
          assertThat(e.getInvolvedObject().getKind()).isEqualTo("DaemonSet");
          assertThat(e.getMessage()).contains(cloudPod.getMetadata().getName()).contains(CLOUD);
        });
  }

  @Test
  void onDeleteWithDeleteCloudNodePodsFalseDeletesNoPodItselfAndWaitsForTheDaemonSetControllerToRemoveIt() {
    // The real controller deletes a daemon pod whose node the current template no longer allows, whatever the
    // update strategy (kubernetes pkg/controller/daemon/daemon_controller.go podsShouldBeOnNode); the testkit's
    // controller does the same in its next sync, which runs inside the executor's first pause.
    KubeSampleCluster.CALICO_BGP.seed(client);
    onDelete();
    Action action = plannedExclusion(Specs.builder().deleteCloudNodePods(false).build());
    assertThat(((ActionDetail.CniExclusion) action.detail()).deletePodsOnNodes()).isEmpty();

    StepResult result = run(executor(client).build(), action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(sentDeletes()).isEmpty();
    assertThat(slept).isPositive();
    assertThat(podOn("kube-system", CLOUD)).isNull();
    assertThat(client.v1().events().inNamespace("kube-system").list().getItems())
        .noneMatch(e -> CniExclusionExecutor.POD_DELETED_REASON.equals(e.getReason()));
  }

  @Test
  void aNodeRelabelledOnPremisesRightBeforeTheDeleteKeepsItsCalicoPod() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    onDelete();
    Action action = plannedExclusion();
    String cloudPod = podOn("kube-system", CLOUD).getMetadata().getUid();
    // The node is relabelled on-premises between the executor's listing of the pods and its delete: it reads the
    // node again right before, and that read meets the new label.
    boolean[] relabelled = {false};
    Interceptor relabel = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        if (!relabelled[0] && request.method().equals("GET") && request.uri().getPath().equals("/api/v1/nodes/"
            + CLOUD)) {
          relabelled[0] = true;
          Node node = client.nodes().withName(CLOUD).get();
          node.getMetadata().getLabels().remove("alibabacloud.com/external");
          client.resource(node).update();
        }
      }
    };

    StepResult result;
    try (KubernetesClient racing = server.createClient(
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("relabel", relabel)))) {
      result = run(executor(racing).build(), action);
    }

    assertThat(relabelled[0]).isTrue();
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(sentDeletes()).isEmpty();
    assertThat(podOn("kube-system", CLOUD).getMetadata().getUid()).isEqualTo(cloudPod);
  }

  @Test
  void aDeleteWhoseAnswerWasLostIsReadBackAndNotSentAgain() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    onDelete();
    Action action = plannedExclusion();
    String path = "/api/v1/namespaces/kube-system/pods/" + podOn("kube-system", CLOUD).getMetadata().getName();
    FaultDispatcher.KubeFault lost = faults.on("DELETE", path).commitThenAnswer(503, 1);

    StepResult result = run(executor(client).build(), action);

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(sentDeletes()).extracting(MockRequests.Recorded::pathOnly).containsExactly(path);
    assertThat(retries).singleElement().asString().contains("delete pod kube-system/calico-node-")
        .contains("HTTP 503");
    assertThat(client.v1().events().inNamespace("kube-system").list().getItems())
        .filteredOn(e -> CniExclusionExecutor.POD_DELETED_REASON.equals(e.getReason())).hasSize(1);
  }

  @Test
  void aDeleteRefusedWithA503IsReadBackFoundNotTakenAndSentAgain() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    onDelete();
    Action action = plannedExclusion();
    String path = "/api/v1/namespaces/kube-system/pods/" + podOn("kube-system", CLOUD).getMetadata().getName();
    FaultDispatcher.KubeFault refused = faults.on("DELETE", path).reject(503, 1);

    StepResult result = run(executor(client).build(), action);

    assertThat(refused.fired()).isEqualTo(1);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(sentDeletes()).extracting(MockRequests.Recorded::pathOnly).containsExactly(path, path);
    assertThat(podOn("kube-system", CLOUD)).isNull();
  }

  @Test
  void aDryRunWritesAndDeletesNothingAndDescribesTheDeletions() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    onDelete();
    Action action = plannedExclusion();
    String cloudPod = podOn("kube-system", CLOUD).getMetadata().getName();
    MockRequests.drain(server);

    StepResult result = executor(client).build().run(action, ExecutionContext.dryRun(listener));

    assertThat(result.status()).isEqualTo(StepStatus.DRY_RUN);
    assertThat(result.message()).contains("updateStrategy is OnDelete").contains(cloudPod + " on " + CLOUD);
    assertThat(result.requests()).anySatisfy(r -> assertThat(r).startsWith("PUT "))
        .contains("DELETE /api/v1/namespaces/kube-system/pods/" + cloudPod);
    assertThat(MockRequests.drain(server)).allSatisfy(r -> assertThat(r.method()).isEqualTo("GET"));
    assertThat(slept).isZero();
    assertThat(podOn("kube-system", CLOUD)).isNotNull();
  }

  // ---- Tigera operator ------------------------------------------------------------------------------------------

  @Test
  void theOperatorPathWaitsForTheRenderThenFollowsCalicoSystemCalicoNode() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    Action action = plannedExclusion();
    operatorLate = 2;

    StepResult result = run(executor(client).build(), action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(progress.subList(0, 3)).allSatisfy(p -> assertThat(p)
        .contains("waiting for the Tigera operator to render the new generation of "
            + "installations.operator.tigera.io/default into calico-system/DaemonSet/calico-node"));
    assertThat(progress.subList(3, progress.size())).isNotEmpty()
        .allSatisfy(p -> assertThat(p).doesNotContain("Tigera operator"));
    assertThat(result.message()).contains("the rollout of calico-system/DaemonSet/calico-node is done");
    assertThat(podOn("calico-system", CLOUD)).isNull();
    assertThat(calicoPods("calico-system")).hasSize(2);
  }

  @Test
  void anOperatorThatNeverRendersFailsTheActionAtTheTimeout() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    Action action = plannedExclusion();
    operatorRuns = false;

    assertThatThrownBy(() -> run(executor(client).rolloutTimeout(Duration.ofSeconds(20)).build(), action))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("the Tigera operator did not render installations.operator.tigera.io/default into "
            + "calico-system/DaemonSet/calico-node within PT20S")
        .hasMessageContaining("the remove_cni_exclusion step of destroy");
    assertThat(podOn("calico-system", CLOUD)).isNotNull();
  }
}
