package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.apply.StepStatus;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.Planner;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import io.hybridcni.testkit.kube.TigeraOperator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

@EnableKubernetesMockClient(crud = true)
class CniExclusionExecutorTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T08:00:00Z"), ZoneOffset.UTC);
  static final NodeSelectorRequirement EXCLUSION =
      NodeSelectorRequirement.of("alibabacloud.com/external", "NotIn", "true");
  static final ResourceDefinitionContext DAEMON_SETS = new ResourceDefinitionContext.Builder().withGroup("apps")
      .withVersion("v1").withPlural("daemonsets").withKind("DaemonSet").withNamespaced(true).build();
  static final ResourceDefinitionContext INSTALLATIONS = new ResourceDefinitionContext.Builder()
      .withGroup("operator.tigera.io").withVersion("v1").withPlural("installations").withKind("Installation")
      .withNamespaced(false).build();
  static final List<String> DS_TERMS =
      List.of("spec", "template", "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
          "nodeSelectorTerms");
  static final List<String> INSTALLATION_TERMS = List.of("spec", "calicoNodeDaemonSet", "spec", "template", "spec",
      "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");

  KubernetesMockServer server;
  KubernetesClient client;

  // ---- helpers ------------------------------------------------------------------------------------------------

  private ObservedState observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return ObservedState.of(observer.observe(Specs.auto()),
          new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
    }
  }

  private static Action exclusionOf(ObservedState state) {
    return new Planner().plan(Specs.auto(), state).actions().stream()
        .filter(a -> a.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI).findFirst()
        .orElseThrow(() -> new AssertionError("the plan has no exclusion"));
  }

  /** Requests the executor sent; those of the simulated controllers are left out. */
  private final List<MockRequests.Recorded> sent = new ArrayList<>();
  private final DaemonSetController controller = DaemonSetController.create();

  /**
   * While the executor waits, the Tigera operator renders and the DaemonSet controller takes one sync; their own
   * requests are not counted as the executor's.
   */
  private void controllersRun(Duration pause) {
    sent.addAll(MockRequests.drain(server));
    TigeraOperator.render(client);
    controller.sync(client);
    MockRequests.drain(server);
  }

  private void forgetRequests() {
    MockRequests.drain(server);
    sent.clear();
  }

  private CniExclusionExecutor executor(KubernetesClient through, DryRunMode mode) {
    return CniExclusionExecutor.builder(through).dryRunMode(mode).clock(CLOCK).sleeper(this::controllersRun)
        .build();
  }

  private StepResult apply(Action action) {
    return executor(client, DryRunMode.CLIENT).run(action, ExecutionContext.forReal(ApplyListener.NONE));
  }

  private GenericKubernetesResource calicoNode() {
    return client.genericKubernetesResources(DAEMON_SETS).inNamespace("kube-system").withName("calico-node").get();
  }

  private GenericKubernetesResource installation() {
    return client.genericKubernetesResources(INSTALLATIONS).withName("default").get();
  }

  /** Another writer changes calico-node (a plain PUT), and the DaemonSet controller follows. */
  private void changeCalicoNode(Consumer<DaemonSet> change) {
    DaemonSet ds = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
    change.accept(ds);
    client.resource(ds).update();
    DaemonSetController.reconcile(client);
  }

  private static void setTerms(DaemonSet ds, io.fabric8.kubernetes.api.model.NodeSelectorTerm... terms) {
    ds.getSpec().getTemplate().getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
        .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .withNodeSelectorTerms(terms).endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
        .build());
  }

  private static io.fabric8.kubernetes.api.model.NodeSelectorTerm term(String key, String operator,
      String... values) {
    return new NodeSelectorTermBuilder().addNewMatchExpression().withKey(key).withOperator(operator)
        .withValues(values).endMatchExpression().build();
  }

  private List<NodeSelectorTerm> calicoTermsNow() {
    return observe().cni().calico().daemonSet().placement().requiredTerms();
  }

  /**
   * The object as JSON without what the server and controllers change (resourceVersion, generation, status) and
   * without the node selector terms (and the levels above them that only exist to hold them).
   */
  private static JsonNode withoutTerms(Object object, List<String> termsPath) {
    ObjectNode tree = (ObjectNode) new KubernetesSerialization().convertValue(object, JsonNode.class);
    ObjectNode metadata = (ObjectNode) tree.get("metadata");
    metadata.remove("resourceVersion");
    metadata.remove("generation");
    tree.remove("status"); // the DaemonSet controller writes it while the executor follows the rollout
    List<ObjectNode> parents = new ArrayList<>();
    ObjectNode current = tree;
    for (String key : termsPath.subList(0, termsPath.size() - 1)) {
      JsonNode next = current.get(key);
      if (!(next instanceof ObjectNode o)) {
        return tree;
      }
      parents.add(current);
      current = o;
    }
    current.remove(termsPath.get(termsPath.size() - 1));
    for (int i = parents.size() - 1; i >= 1 && current.isEmpty(); i--) {
      parents.get(i).remove(termsPath.get(i));
      current = parents.get(i);
    }
    return tree;
  }

  private void assertOnlyTermsChanged(GenericKubernetesResource before, GenericKubernetesResource after) {
    assertThat(withoutTerms(after, DS_TERMS)).isEqualTo(withoutTerms(before, DS_TERMS));
    assertThat(after.getMetadata().getResourceVersion()).isNotEqualTo(before.getMetadata().getResourceVersion());
  }

  private List<MockRequests.Recorded> writes() {
    sent.addAll(MockRequests.drain(server));
    List<MockRequests.Recorded> writes = sent.stream().filter(r -> !r.method().equals("GET")).toList();
    sent.clear();
    return writes;
  }

  // ---- the affinity cases -------------------------------------------------------------------------------------

  @Test
  void withoutAnyPlacementOneTermHoldingOnlyTheExclusionIsCreated() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    changeCalicoNode(ds -> ds.getSpec().getTemplate().getSpec().setNodeSelector(null));
    Action action = exclusionOf(observe());
    GenericKubernetesResource before = calicoNode();

    StepResult result = apply(action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(calicoTermsNow()).containsExactly(NodeSelectorTerm.of(EXCLUSION));
    assertOnlyTermsChanged(before, calicoNode());
  }

  @Test
  void aNodeSelectorAloneIsKeptAndOneTermHoldingTheExclusionIsAdded() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    GenericKubernetesResource before = calicoNode();

    apply(action);

    Placement placement = observe().cni().calico().daemonSet().placement();
    assertThat(placement.nodeSelector()).isEqualTo(Map.of("kubernetes.io/os", "linux"));
    assertThat(placement.requiredTerms()).containsExactly(NodeSelectorTerm.of(EXCLUSION));
    assertOnlyTermsChanged(before, calicoNode());
  }

  @Test
  void oneExistingTermGainsTheExclusionInsideItRatherThanANewTerm() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    changeCalicoNode(ds -> setTerms(ds, term("kubernetes.io/arch", "In", "amd64", "arm64")));
    Action action = exclusionOf(observe());
    GenericKubernetesResource before = calicoNode();

    apply(action);

    assertThat(calicoTermsNow()).containsExactly(NodeSelectorTerm.of(
        NodeSelectorRequirement.of("kubernetes.io/arch", "In", "amd64", "arm64"), EXCLUSION));
    assertOnlyTermsChanged(before, calicoNode());
  }

  @Test
  void twoTermsEachGainTheExclusionAndMatchFieldsStayAsTheyAre() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    changeCalicoNode(ds -> setTerms(ds,
        term("node-role.kubernetes.io/worker", "Exists"),
        new NodeSelectorTermBuilder()
            .addNewMatchExpression().withKey("topology.kubernetes.io/zone").withOperator("In")
            .withValues("dc1-a", "dc1-b").endMatchExpression()
            .addNewMatchField().withKey("metadata.name").withOperator("In")
            .withValues(SampleClusters.CLOUD_NODE).endMatchField()
            .build()));
    Action action = exclusionOf(observe());
    GenericKubernetesResource before = calicoNode();

    StepResult result = apply(action);

    assertThat(result.message()).startsWith("Add alibabacloud.com/external NotIn [true] to 2 required node "
        + "selector terms of kube-system/DaemonSet/calico-node");
    assertThat(calicoTermsNow()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("node-role.kubernetes.io/worker", "Exists"), EXCLUSION),
        new NodeSelectorTerm(
            List.of(NodeSelectorRequirement.of("topology.kubernetes.io/zone", "In", "dc1-a", "dc1-b"), EXCLUSION),
            List.of(NodeSelectorRequirement.of("metadata.name", "In", SampleClusters.CLOUD_NODE))));
    assertOnlyTermsChanged(before, calicoNode());
  }

  @Test
  void anEmptyTermStaysEmptyWhileTheOtherTermsGainTheExclusion() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    changeCalicoNode(ds -> setTerms(ds, new io.fabric8.kubernetes.api.model.NodeSelectorTerm(),
        term("kubernetes.io/os", "In", "linux")));
    Action action = exclusionOf(observe());

    apply(action);

    assertThat(calicoTermsNow()).containsExactly(new NodeSelectorTerm(List.of(), List.of()),
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux"), EXCLUSION));
  }

  @Test
  void anExclusionSomeoneElseAddedAfterThePlanIsAlreadySatisfiedAndNothingIsWritten() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    changeCalicoNode(ds -> setTerms(ds, term("alibabacloud.com/external", "DoesNotExist")));
    String version = calicoNode().getMetadata().getResourceVersion();
    forgetRequests();

    StepResult result = apply(action);

    assertThat(result.status()).isEqualTo(StepStatus.ALREADY_SATISFIED);
    assertThat(writes()).isEmpty();
    assertThat(calicoNode().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void operatorManagedCalicoIsExcludedInTheInstallationAndItsDaemonSetIsLeftAlone() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    Action action = exclusionOf(observe());
    assertThat(((ActionDetail.CniExclusion) action.detail()).target())
        .isEqualTo(WorkloadRef.tigeraInstallation("default"));
    GenericKubernetesResource before = installation();
    DaemonSet daemonSetBefore =
        client.apps().daemonSets().inNamespace("calico-system").withName("calico-node").get();
    forgetRequests();

    StepResult result = apply(action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    GenericKubernetesResource after = installation();
    assertThat(withoutTerms(after, INSTALLATION_TERMS)).isEqualTo(withoutTerms(before, INSTALLATION_TERMS));
    assertThat(observe().cni().calico().installation().calicoNodePlacement().requiredTerms())
        .containsExactly(NodeSelectorTerm.of(EXCLUSION));
    // The executor wrote only the Installation; calico-system/calico-node changed only by the operator's render.
    assertThat(writes()).filteredOn(r -> r.method().equals("PUT"))
        .allSatisfy(r -> assertThat(r.path()).contains("/installations/default"));
    assertThat(client.apps().daemonSets().inNamespace("calico-system").withName("calico-node").get()
        .getSpec().getTemplate().getSpec().getAffinity()).isNotEqualTo(
            daemonSetBefore.getSpec().getTemplate().getSpec().getAffinity());
  }

  // ---- concurrent writers ----------------------------------------------------------------------------------------

  @Test
  void aTermAnotherWriterAddedAfterThePlanIsKeptAndExcludedToo() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    changeCalicoNode(ds -> setTerms(ds, term("kubernetes.io/arch", "In", "amd64")));

    StepResult result = apply(action);

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("planned again");
    assertThat(calicoTermsNow()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/arch", "In", "amd64"), EXCLUSION));
  }

  @Test
  void aWriteThatConflictsIsReadAgainReplannedAndWrittenOverTheOtherWritersChange() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    // Another writer changes calico-node between the executor's read and its write: the write carries a stale
    // resourceVersion and the API server (the CRUD mock checks it too) answers 409.
    Interceptor race = new Interceptor() {
      private boolean done;

      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        if (!done && request.method().equals("PUT") && request.uri().getPath().endsWith("/daemonsets/calico-node")) {
          done = true;
          changeCalicoNode(ds -> setTerms(ds, term("kubernetes.io/arch", "In", "amd64")));
        }
      }
    };
    List<String> retries = new ArrayList<>();
    ApplyListener listener = new ApplyListener() {
      @Override
      public void retrying(Action a, String operation, int attempt, Duration delay, String reason) {
        retries.add(operation + " #" + attempt + ": " + reason);
      }
    };

    StepResult result;
    try (KubernetesClient racing = server.createClient(
        b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("race", race)))) {
      result = executor(racing, DryRunMode.CLIENT).run(action, ExecutionContext.forReal(listener));
    }

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(retries).singleElement().asString().contains("update kube-system/DaemonSet/calico-node #1")
        .contains("409");
    assertThat(calicoTermsNow()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/arch", "In", "amd64"), EXCLUSION));
  }

  @Test
  void conflictsThatNeverEndGiveUpAfterTheBoundedAttempts() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    server.expect().put().withPath("/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
            .withMessage("the object has been modified; please apply your changes to the latest version").build())
        .always();

    assertThatThrownBy(() -> CniExclusionExecutor.builder(client).maxAttempts(3).dryRunMode(DryRunMode.CLIENT)
        .build().run(action, ExecutionContext.forReal(ApplyListener.NONE)))
        .isInstanceOf(StaleActionException.class)
        .hasMessageContaining("kept changing: 3 writes in a row answered 409 Conflict");
  }

  @Test
  void aNodeRelabelledAsCloudSinceThePlanStopsTheActionBeforeCalicoLeavesIt() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    var node = client.nodes().withName("onprem-2").get();
    node.getMetadata().getLabels().put("alibabacloud.com/external", "true");
    client.resource(node).update();
    String version = calicoNode().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> apply(action))
        .isInstanceOf(StaleActionException.class)
        .hasMessageContaining("Calico would leave onprem-2 (has alibabacloud.com/external=true, no providerID)");
    assertThat(calicoNode().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void aReplanAfterAnotherWriterThatWouldStrandAnOnPremisesNodeIsStale() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    var node = client.nodes().withName("onprem-1").get();
    node.getMetadata().getLabels().put("alibabacloud.com/external", "true");
    client.resource(node).update();
    changeCalicoNode(ds -> setTerms(ds, term("kubernetes.io/arch", "In", "amd64")));

    assertThatThrownBy(() -> apply(action))
        .isInstanceOf(StaleActionException.class)
        .satisfies(e -> assertThat(((StaleActionException) e).changedFacts()).containsExactly(
            "kube-system/DaemonSet/calico-node changed since the plan: its required terms are now "
                + "[NodeSelectorTerm[matchExpressions=[kubernetes.io/arch In [amd64]], matchFields=[]]] "
                + "(the plan expected [])",
            "Calico would leave onprem-1 (has alibabacloud.com/external=true, no providerID)"));
  }

  // ---- dry runs and events ---------------------------------------------------------------------------------------

  @Test
  void aClientDryRunDescribesTheExactPutAndWritesNothing() {
    // The CRUD mock ignores dryRun=All and would persist the object, so tests on it use the client-side dry run.
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    GenericKubernetesResource before = calicoNode();
    forgetRequests();

    StepResult result = executor(client, DryRunMode.CLIENT).run(action, ExecutionContext.dryRun(ApplyListener.NONE));

    assertThat(result.status()).isEqualTo(StepStatus.DRY_RUN);
    assertThat(result.dryRunMode()).isEqualTo("client");
    assertThat(result.requests()).hasSize(2);
    String put = result.requests().get(0);
    assertThat(put).startsWith("PUT /apis/apps/v1/namespaces/kube-system/daemonsets/calico-node\n");
    GenericKubernetesResource body = Serialization.unmarshal(put.substring(put.indexOf('\n') + 1),
        GenericKubernetesResource.class);
    assertThat(body.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(withoutTerms(body, DS_TERMS)).isEqualTo(withoutTerms(before, DS_TERMS));
    assertThat(put).contains("\"key\":\"alibabacloud.com/external\",\"operator\":\"NotIn\",\"values\":[\"true\"]");
    assertThat(result.requests().get(1)).startsWith("POST /api/v1/namespaces/kube-system/events\n")
        .contains("CloudNodesExcluded");
    assertThat(writes()).isEmpty();
    assertThat(calicoNode()).isEqualTo(before);
  }

  @Test
  void autoDryRunIsClientSideOnTheMockWhichReportsNoServerVersion() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    forgetRequests();

    StepResult result = executor(client, DryRunMode.AUTO).run(action, ExecutionContext.dryRun(ApplyListener.NONE));

    assertThat(result.dryRunMode()).isEqualTo("client");
    assertThat(writes()).isEmpty();
  }

  @Test
  void autoDryRunAsksTheServerWithDryRunAllWhenTheServerIsRecentEnough() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("28+").build());
    forgetRequests();

    StepResult result = executor(client, DryRunMode.AUTO).run(action, ExecutionContext.dryRun(ApplyListener.NONE));

    assertThat(result.dryRunMode()).isEqualTo("server");
    // A real API server persists nothing for dryRun=All; the CRUD mock ignores the parameter, so only the request
    // is checked here.
    assertThat(writes()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.query("dryRun")).isEqualTo("All");
    });
  }

  @Test
  void autoDryRunFallsBackToClientWhenAWebhookCannotDryRun() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Action action = exclusionOf(observe());
    server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("30").build());
    server.expect().put().withPath("/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node?dryRun=All")
        .andReturn(400, new StatusBuilder().withCode(400).withReason("BadRequest").withMessage(
            "admission webhook \"policy.example.com\" does not support dry run").build())
        .always();

    StepResult result = executor(client, DryRunMode.AUTO).run(action, ExecutionContext.dryRun(ApplyListener.NONE));

    assertThat(result.dryRunMode()).isEqualTo("client");
    assertThat(result.requests().get(0)).startsWith("PUT /apis/apps/v1/namespaces/kube-system/daemonsets/calico-node\n");
  }

  @Test
  void everyWriteRecordsANormalEventFromHybridcniOnTheChangedObject() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    apply(exclusionOf(observe()));

    List<Event> events = client.v1().events().inNamespace("kube-system").list().getItems();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getReason()).isEqualTo("CloudNodesExcluded");
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getSource().getComponent()).isEqualTo("hybridcni");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("DaemonSet");
      assertThat(e.getInvolvedObject().getName()).isEqualTo("calico-node");
      assertThat(e.getInvolvedObject().getUid()).isEqualTo(calicoNode().getMetadata().getUid());
      assertThat(e.getMessage()).contains("alibabacloud.com/external NotIn [true]");
      assertThat(e.getFirstTimestamp()).isEqualTo("2026-11-20T08:00:00Z");
    });
  }

  @Test
  void theInstallationsEventGoesToTheDefaultNamespaceBecauseTheInstallationIsClusterScoped() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    apply(exclusionOf(observe()));

    assertThat(client.v1().events().inNamespace("default").list().getItems()).singleElement()
        .satisfies(e -> assertThat(e.getInvolvedObject().getKind()).isEqualTo("Installation"));
  }
}
