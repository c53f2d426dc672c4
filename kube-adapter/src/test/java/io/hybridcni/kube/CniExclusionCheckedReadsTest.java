package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.Facts;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.CheckedReads;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The exclusion's first attempt works from what the re-check just before it read (the calico-node DaemonSet, the
 * nodes, calico-node's pods), handed on through {@link CheckedReads}: no second GET of any of them, the write still
 * carries the read's resourceVersion (a change since is a 409, read again and re-planned), and the safety check
 * still runs on those reads.
 */
@EnableKubernetesMockClient(crud = true)
class CniExclusionCheckedReadsTest {

  static final NodeSelectorRequirement EXCLUSION =
      NodeSelectorRequirement.of("alibabacloud.com/external", "NotIn", "true");
  static final String CALICO_NODE = "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node";

  KubernetesMockServer server;
  KubernetesClient client;

  /** The executor's requests in order; those of the simulated DaemonSet controller are left out. */
  private final List<MockRequests.Recorded> sent = new ArrayList<>();
  private final DaemonSetController controller = DaemonSetController.create();

  private void controllersRun(Duration pause) {
    sent.addAll(MockRequests.drain(server));
    controller.sync(client);
    MockRequests.drain(server);
  }

  private List<MockRequests.Recorded> sent() {
    sent.addAll(MockRequests.drain(server));
    return List.copyOf(sent);
  }

  private ObservedState observe(KubernetesObserver observer) {
    return ObservedState.of(observer.observe(Specs.auto()),
        new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
  }

  private static Action exclusionOf(ObservedState state) {
    return new Planner().plan(Specs.auto(), state).actions().stream()
        .filter(a -> a.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI).findFirst()
        .orElseThrow(() -> new AssertionError("the plan has no exclusion"));
  }

  /** The re-check apply makes before the exclusion: the facts its fingerprint names, read again. */
  private static KubernetesFacts recheck(KubernetesObserver observer, ObservedState planned, Action action,
      CheckedReads checked) {
    return observer.refresh(Specs.auto(), planned.kubernetes(), Facts.scope(action.fingerprint().facts().keySet()),
        checked);
  }

  private StepResult run(KubernetesClient through, Action action, ExecutionContext context) {
    return CniExclusionExecutor.builder(through).dryRunMode(DryRunMode.CLIENT).sleeper(this::controllersRun)
        .build().run(action, context);
  }

  private List<NodeSelectorTerm> calicoTermsNow() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return observe(observer).cni().calico().daemonSet().placement().requiredTerms();
    }
  }

  private static List<MockRequests.Recorded> beforeTheFirstPut(List<MockRequests.Recorded> requests) {
    List<MockRequests.Recorded> before = new ArrayList<>();
    for (MockRequests.Recorded r : requests) {
      if (r.method().equals("PUT")) {
        return before;
      }
      before.add(r);
    }
    throw new AssertionError("no PUT among " + requests);
  }

  /** The exclusion planned from a live observation, then re-checked as apply does, its reads kept in {@code checked}. */
  private Action plannedAndRechecked(CheckedReads checked) {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      ObservedState planned = observe(observer);
      Action action = exclusionOf(planned);
      recheck(observer, planned, action, checked);
      return action;
    }
  }

  @Test
  void theFirstAttemptWritesFromTheReChecksReadsWithoutReadingTheDaemonSetNodesOrPodsAgain() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    CheckedReads checked = CheckedReads.collecting();
    Action action = plannedAndRechecked(checked);
    MockRequests.drain(server);

    StepResult result = run(client, action, ExecutionContext.forReal(ApplyListener.NONE).withChecked(checked));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    List<MockRequests.Recorded> requests = sent();
    assertThat(beforeTheFirstPut(requests)).isEmpty();
    assertThat(requests.get(0).pathOnly()).isEqualTo(CALICO_NODE);
    assertThat(calicoTermsNow()).containsExactly(NodeSelectorTerm.of(EXCLUSION));
    assertThat(checked.take(CheckedCalico.class)).as("the reads are used once").isEmpty();
  }

  @Test
  void asTheFirstActionTheExclusionWritesFromTheObservationsReadsAlike() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    CheckedReads checked = CheckedReads.collecting();
    Action action;
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      action = exclusionOf(ObservedState.of(observer.observe(Specs.auto(), checked),
          new CloudFacts(null, SampleClusters.registeredCluster(), List.of())));
    }
    MockRequests.drain(server);

    StepResult result = run(client, action, ExecutionContext.forReal(ApplyListener.NONE).withChecked(checked));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(beforeTheFirstPut(sent())).isEmpty();
    assertThat(calicoTermsNow()).containsExactly(NodeSelectorTerm.of(EXCLUSION));
  }

  @Test
  void withoutTheReChecksReadsTheExecutorReadsTheDaemonSetAndTheNodesButNoPodWhenEveryNodeItExcludesIsInTheCloud() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action;
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      action = exclusionOf(observe(observer));
    }
    MockRequests.drain(server);

    run(client, action, ExecutionContext.forReal(ApplyListener.NONE));

    assertThat(beforeTheFirstPut(sent())).extracting(MockRequests.Recorded::pathOnly).containsExactly(
        CALICO_NODE, "/api/v1/nodes");
  }

  @Test
  void aChangeBetweenTheReCheckAndTheWriteIsA409ThenReadAgainReplannedAndWritten() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    CheckedReads checked = CheckedReads.collecting();
    Action action = plannedAndRechecked(checked);
    // Another writer changes calico-node after the re-check read it: the write from that read is refused.
    changeCalicoNode(ds -> ds.getSpec().getTemplate().getSpec().setAffinity(
        new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(
                new NodeSelectorTermBuilder().addNewMatchExpression().withKey("kubernetes.io/arch")
                    .withOperator("In").withValues("amd64").endMatchExpression().build())
            .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build()));
    MockRequests.drain(server);
    List<String> retries = new ArrayList<>();
    ApplyListener listener = new ApplyListener() {
      @Override
      public void retrying(Action a, String operation, int attempt, Duration delay, String reason) {
        retries.add(operation + " #" + attempt + ": " + reason);
      }
    };

    StepResult result = run(client, action, ExecutionContext.forReal(listener).withChecked(checked));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("planned again");
    assertThat(retries).singleElement().asString().contains("update kube-system/DaemonSet/calico-node #1")
        .contains("409");
    List<MockRequests.Recorded> requests = sent();
    assertThat(requests.get(0)).hasToString("PUT " + CALICO_NODE);
    // The second attempt reads the DaemonSet and the nodes again (no pod: every node excluded is in the cloud).
    assertThat(beforeTheFirstPut(requests.subList(1, requests.size())))
        .extracting(MockRequests.Recorded::pathOnly).containsExactly(CALICO_NODE, "/api/v1/nodes");
    assertThat(calicoTermsNow()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/arch", "In", "amd64"), EXCLUSION));
  }

  @Test
  void theSafetyCheckRunsOnTheReChecksNodesReadsCalicoPodsForANodeItWouldExcludeThatLooksOnPremisesAndStops() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    CheckedReads checked = CheckedReads.collecting();
    Action action;
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      ObservedState planned = observe(observer);
      action = exclusionOf(planned);
      // Relabelled after the plan and before the re-check: the re-check's nodes show it.
      var node = client.nodes().withName("onprem-2").get();
      node.getMetadata().getLabels().put("alibabacloud.com/external", "true");
      client.resource(node).update();
      recheck(observer, planned, action, checked);
    }
    MockRequests.drain(server);

    assertThatThrownBy(() -> run(client, action, ExecutionContext.forReal(ApplyListener.NONE).withChecked(checked)))
        .isInstanceOf(StaleActionException.class)
        .hasMessageContaining("Calico would leave onprem-2 (has alibabacloud.com/external=true, no providerID)");
    // The re-check listed no pods (its fingerprint does not name where Calico runs): the relabelled node, which the
    // exclusion would take out and which is no cloud instance, makes the executor list calico-node's pods, once.
    assertThat(sent()).as("only calico-node's pods read, nothing written").extracting(MockRequests.Recorded::pathOnly)
        .containsExactly("/api/v1/namespaces/kube-system/pods");
  }

  @Test
  void theReCheckBeforeTheExclusionReadsTheCalicoNodeDaemonSetAndTheNodesAndNothingElse() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      ObservedState planned = observe(observer);
      Action action = exclusionOf(planned);
      MockRequests.drain(server);

      KubernetesFacts again = recheck(observer, planned, action, CheckedReads.collecting());

      assertThat(sent()).extracting(r -> r.method() + " " + r.pathOnly())
          .containsExactlyInAnyOrder("GET " + CALICO_NODE, "GET /api/v1/nodes");
      ObservedState now = ObservedState.of(again, planned.cloud());
      assertThat(Facts.read(action.fingerprint().facts().keySet(), now)).isEqualTo(action.fingerprint().facts());
    }
  }

  @Test
  void theReCheckOfCalicosPlacementReadsTheDaemonSetsAWholeObservationWouldChooseNextOnlyWhenTheManifestsIsGone() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      ObservedState planned = observe(observer);
      client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").delete();
      MockRequests.drain(server);

      KubernetesFacts again = observer.refresh(Specs.auto(), planned.kubernetes(),
          Facts.scope(java.util.Set.of("workload/DAEMON_SET/kube-system/calico-node")), CheckedReads.collecting());

      // The manifest's calico-node is gone: Canal's and then the operator's are what a whole observation would choose.
      assertThat(sent()).extracting(r -> r.method() + " " + r.pathOnly()).containsExactly("GET " + CALICO_NODE,
          "GET /apis/apps/v1/namespaces/kube-system/daemonsets/canal",
          "GET /apis/apps/v1/namespaces/calico-system/daemonsets/calico-node");
      assertThat(again.cni().calico().daemonSet()).isNull();
    }
  }

  @Test
  void aCachedObserversReCheckHandsNothingOnSoTheExecutorReadsTheApiServer() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    CheckedReads checked = CheckedReads.collecting();
    try (KubernetesObserver observer = KubernetesObserver.builder(client).reads(ClusterReads.live(client, 500))
        .build()) {
      ObservedState planned = observe(observer);
      recheck(observer, planned, exclusionOf(planned), checked);
    }

    assertThat(checked.take(CheckedCalico.class)).isEmpty();
  }

  private void changeCalicoNode(Consumer<DaemonSet> change) {
    DaemonSet ds = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
    change.accept(ds);
    client.resource(ds).update();
    DaemonSetController.reconcile(client);
  }
}
