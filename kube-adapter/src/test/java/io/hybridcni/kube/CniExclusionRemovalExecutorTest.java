package io.hybridcni.kube;

import static io.hybridcni.kube.CniExclusionExecutorTest.DAEMON_SETS;
import static io.hybridcni.kube.CniExclusionExecutorTest.EXCLUSION;
import static io.hybridcni.kube.CniExclusionExecutorTest.INSTALLATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.Planner;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The exclusion's removal on the fabric8 mock (CRUD mode): exclude, then remove, and the object reads back as it
 * was before the exclusion, every field and term alike (only the resourceVersion and generation move on).
 */
@EnableKubernetesMockClient(crud = true)
class CniExclusionRemovalExecutorTest {

  KubernetesMockServer server;
  KubernetesClient client;

  // ---- helpers ------------------------------------------------------------------------------------------------

  private ObservedState observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return ObservedState.of(observer.observe(Specs.auto()),
          new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
    }
  }

  private static Action actionOf(Plan kind, ObservedState state) {
    var plan = kind == Plan.APPLY ? new Planner().plan(Specs.auto(), state)
        : new Planner().planDestroy(Specs.auto(), state);
    ActionKind wanted = kind == Plan.APPLY ? ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI : ActionKind.REMOVE_CNI_EXCLUSION;
    return plan.actions().stream().filter(a -> a.kind() == wanted).findFirst()
        .orElseThrow(() -> new AssertionError("the plan has no " + wanted + ": " + plan));
  }

  private enum Plan { APPLY, DESTROY }

  private void exclude() {
    CniExclusionExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).clock(CniExclusionExecutorTest.CLOCK)
        .sleeper(d -> {
          io.hybridcni.testkit.kube.TigeraOperator.render(client);
          DaemonSetController.step(client, 1);
        }).build()
        .run(actionOf(Plan.APPLY, observe()), ExecutionContext.forReal(ApplyListener.NONE));
  }

  /** An hour after the exclusion's clock: Events are named after their time, as kubectl names them. */
  static final Clock LATER = Clock.offset(CniExclusionExecutorTest.CLOCK, Duration.ofHours(1));

  private CniExclusionRemovalExecutor executor(KubernetesClient through) {
    return CniExclusionRemovalExecutor.builder(through).dryRunMode(DryRunMode.CLIENT).clock(LATER)
        .sleeper(this::controllersRun).build();
  }

  /** Between two looks at the removal's rollout: the operator renders, the DaemonSet controller syncs once. */
  private void controllersRun(Duration pause) {
    io.hybridcni.testkit.kube.TigeraOperator.render(client);
    DaemonSetController.step(client, 1);
  }

  private StepResult remove(Action action) {
    return executor(client).run(action, ExecutionContext.forReal(ApplyListener.NONE));
  }

  private GenericKubernetesResource calicoNode() {
    return client.genericKubernetesResources(DAEMON_SETS).inNamespace("kube-system").withName("calico-node").get();
  }

  private GenericKubernetesResource installation() {
    return client.genericKubernetesResources(INSTALLATIONS).withName("default").get();
  }

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

  /** The whole object as JSON, without what the server changes on every write. */
  private static JsonNode content(GenericKubernetesResource object) {
    ObjectNode tree = (ObjectNode) new KubernetesSerialization().convertValue(object, JsonNode.class);
    ObjectNode metadata = (ObjectNode) tree.get("metadata");
    metadata.remove("resourceVersion");
    metadata.remove("generation");
    tree.remove("status"); // the DaemonSet controller writes it while the exclusion follows its rollout
    return tree;
  }

  private List<NodeSelectorTerm> calicoTermsNow() {
    return observe().cni().calico().daemonSet().placement().requiredTerms();
  }

  private List<MockRequests.Recorded> writes() {
    return MockRequests.drain(server).stream().filter(r -> !r.method().equals("GET")).toList();
  }

  // ---- exclude, then remove: back to the original ------------------------------------------------------------------

  @Test
  void theTermHybridCniCreatedGoesWithTheRequiredAffinityAndTheDaemonSetIsAsBefore() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    GenericKubernetesResource original = calicoNode();
    exclude();
    assertThat(calicoTermsNow()).containsExactly(NodeSelectorTerm.of(EXCLUSION));

    StepResult result = remove(actionOf(Plan.DESTROY, observe()));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).startsWith("Remove alibabacloud.com/external NotIn [true] from 1 required node "
        + "selector term of kube-system/DaemonSet/calico-node; no required node affinity is left");
    assertThat(content(calicoNode())).isEqualTo(content(original));
  }

  @Test
  void existingTermsKeepEveryRequirementAndFieldByteForByte() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    changeCalicoNode(ds -> setTerms(ds,
        term("node-role.kubernetes.io/worker", "Exists"),
        new NodeSelectorTermBuilder()
            .addNewMatchExpression().withKey("topology.kubernetes.io/zone").withOperator("In")
            .withValues("dc1-a", "dc1-b").endMatchExpression()
            .addNewMatchField().withKey("metadata.name").withOperator("In")
            .withValues(SampleClusters.CLOUD_NODE).endMatchField()
            .build(),
        new NodeSelectorTermBuilder().addNewMatchField().withKey("metadata.name").withOperator("NotIn")
            .withValues("onprem-9").endMatchField().build(),
        new io.fabric8.kubernetes.api.model.NodeSelectorTerm()));
    GenericKubernetesResource original = calicoNode();
    exclude();

    Action removal = actionOf(Plan.DESTROY, observe());
    StepResult result = remove(removal);

    assertThat(result.message()).contains("from 3 required node selector terms");
    assertThat(((ActionDetail.CniExclusionRemoval) removal.detail()).after()).hasSize(4);
    assertThat(content(calicoNode())).isEqualTo(content(original));
  }

  @Test
  void onlyTheExactRequirementIsRemovedAndLookalikesStay() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    changeCalicoNode(ds -> setTerms(ds,
        new NodeSelectorTermBuilder()
            .addNewMatchExpression().withKey("kubernetes.io/os").withOperator("In").withValues("linux")
            .endMatchExpression()
            .addNewMatchExpression().withKey("alibabacloud.com/external").withOperator("NotIn")
            .withValues("true").endMatchExpression()
            .addNewMatchExpression().withKey("alibabacloud.com/external").withOperator("NotIn")
            .withValues("true", "maybe").endMatchExpression()
            .build(),
        term("alibabacloud.com/external", "DoesNotExist")));

    StepResult result = remove(actionOf(Plan.DESTROY, observe()));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(calicoTermsNow()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux"),
            NodeSelectorRequirement.of("alibabacloud.com/external", "NotIn", "true", "maybe")),
        NodeSelectorTerm.of(NodeSelectorRequirement.of("alibabacloud.com/external", "DoesNotExist")));
  }

  @Test
  void operatorManagedCalicoLosesTheExclusionFromTheInstallationWhichReadsAsBefore() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    GenericKubernetesResource original = installation();
    exclude();
    DaemonSet daemonSet = client.apps().daemonSets().inNamespace("calico-system").withName("calico-node").get();

    Action removal = actionOf(Plan.DESTROY, observe());
    StepResult result = remove(removal);

    assertThat(((ActionDetail.CniExclusionRemoval) removal.detail()).target().kind())
        .isEqualTo(io.hybridcni.observe.WorkloadRef.Kind.TIGERA_INSTALLATION);
    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(content(installation())).isEqualTo(content(original));
    // hybridcni writes only the Installation; the operator renders it into calico-system/calico-node, and the
    // removal follows that rollout until calico-node runs on the cloud node again.
    DaemonSet rendered = client.apps().daemonSets().inNamespace("calico-system").withName("calico-node").get();
    assertThat(rendered.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    assertThat(daemonSet.getSpec().getTemplate().getSpec().getAffinity()).isNotNull();
    assertThat(result.message()).contains("the rollout of calico-system/DaemonSet/calico-node is done: 3 of 3 "
        + "pod(s) available");
    assertThat(rendered.getStatus().getNumberAvailable()).isEqualTo(3);
  }

  // ---- already done, and concurrent writers ----------------------------------------------------------------------

  @Test
  void anExclusionSomeoneElseRemovedAfterThePlanIsAlreadySatisfiedAndNothingIsWritten() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    changeCalicoNode(ds -> ds.getSpec().getTemplate().getSpec().setAffinity(null));
    MockRequests.drain(server);

    StepResult result = remove(removal);

    assertThat(result.status()).isEqualTo(StepStatus.ALREADY_SATISFIED);
    assertThat(writes()).isEmpty();
  }

  @Test
  void aDaemonSetThatIsGoneHasNoExclusionLeftToRemove() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").delete();

    assertThat(remove(removal).status()).isEqualTo(StepStatus.ALREADY_SATISFIED);
  }

  @Test
  void aWriteThatConflictsIsReadAgainReplannedAndKeepsTheOtherWritersChange() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    Interceptor race = new Interceptor() {
      private boolean done;

      @Override
      public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
        if (!done && request.method().equals("PUT") && request.uri().getPath().endsWith("/daemonsets/calico-node")) {
          done = true;
          changeCalicoNode(ds -> setTerms(ds, new NodeSelectorTermBuilder()
              .addNewMatchExpression().withKey("kubernetes.io/arch").withOperator("In").withValues("amd64")
              .endMatchExpression()
              .addNewMatchExpression().withKey("alibabacloud.com/external").withOperator("NotIn")
              .withValues("true").endMatchExpression()
              .build()));
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
      result = executor(racing).run(removal, ExecutionContext.forReal(listener));
    }

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    assertThat(result.message()).contains("planned again");
    assertThat(retries).singleElement().asString().contains("409");
    assertThat(calicoTermsNow()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/arch", "In", "amd64")));
  }

  @Test
  void conflictsThatNeverEndGiveUpAfterTheBoundedAttempts() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    server.expect().put().withPath("/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
            .withMessage("the object has been modified; please apply your changes to the latest version").build())
        .always();

    assertThatThrownBy(() -> CniExclusionRemovalExecutor.builder(client).maxAttempts(2)
        .dryRunMode(DryRunMode.CLIENT).build().run(removal, ExecutionContext.forReal(ApplyListener.NONE)))
        .isInstanceOf(StaleActionException.class)
        .hasMessageContaining("kept changing: 2 writes in a row answered 409 Conflict");
  }

  @Test
  void aThrottledUpdateWaitsThroughTheInjectedSleeperAndIsWrittenExactlyOnceMore() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    MockRequests.drain(server);
    // The API server answers a request it sheds 429 with Retry-After, before any handler ran, so nothing was stored
    // (kubernetes staging/src/k8s.io/apiserver/pkg/server/filters/maxinflight.go, tooManyRequests; it words the
    // body as plain text, the Status body here carries the same code and message).
    server.expect().put().withPath("/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node")
        .andReturn(429, new StatusBuilder().withCode(429).withReason("TooManyRequests")
            .withMessage("Too many requests, please try again later.").build())
        .withHeader("Retry-After", "1").once();
    List<Duration> sleeps = new ArrayList<>();

    StepResult result = CniExclusionRemovalExecutor.builder(client).dryRunMode(DryRunMode.CLIENT).clock(LATER)
        .sleeper(d -> {
          sleeps.add(d);
          controllersRun(d);
        }).build().run(removal, ExecutionContext.forReal(ApplyListener.NONE));

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    // The 429 fired (one wait, from the shared Backoff, spent in the injected Sleeper, not in fabric8's retries) and
    // the update went out once more: two PUTs, the second one stored. The waits after it are the rollout's.
    assertThat(sleeps.get(0)).isEqualTo(Duration.ofMillis(200));
    assertThat(sleeps.subList(1, sleeps.size())).containsOnly(CniExclusionRemovalExecutor.DEFAULT_POLL_INTERVAL);
    assertThat(writes()).filteredOn(r -> r.method().equals("PUT") && !r.path().endsWith("/status")).hasSize(2);
    assertThat(calicoTermsNow()).isEmpty();
  }

  @Test
  void aThrottledUpdateThroughHybridcnisClientWaitsTheRetryAfterTheApiServerAskedInsteadOfTheShorterBackoff() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    MockRequests.drain(server);
    // As the API server's max-in-flight and priority-and-fairness filters answer (maxinflight.go, tooManyRequests):
    // a Retry-After header and a plain-text body, no Status.
    server.expect().put().withPath("/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node")
        .andReturn(429, "Too many requests, please try again later.\n").withHeader("Retry-After", "3").once();
    List<Duration> sleeps = new ArrayList<>();
    List<String> retries = new ArrayList<>();
    ApplyListener listener = new ApplyListener() {
      @Override
      public void retrying(Action a, String operation, int attempt, Duration delay, String reason) {
        retries.add(reason);
      }
    };

    StepResult result;
    try (KubernetesClient built = server.createClient(RetryAfter.factory(SafeHttpLogging.factory()))) {
      result = CniExclusionRemovalExecutor.builder(built).dryRunMode(DryRunMode.CLIENT).clock(LATER)
          .sleeper(d -> {
            sleeps.add(d);
            controllersRun(d);
          }).build().run(removal, ExecutionContext.forReal(listener));
    }

    assertThat(result.status()).isEqualTo(StepStatus.APPLIED);
    // The first wait is the server's 3 s, not the backoff's 200 ms; the hint is taken once, so none is left over.
    assertThat(sleeps.get(0)).isEqualTo(Duration.ofSeconds(3));
    assertThat(retries).singleElement().asString().isEqualTo("429 Too Many Requests (Retry-After 3 s)");
    assertThat(writes()).filteredOn(r -> r.method().equals("PUT") && !r.path().endsWith("/status")).hasSize(2);
    assertThat(calicoTermsNow()).isEmpty();
  }

  @Test
  void aLoneExclusionTermAddedBesideAnotherSinceThePlanWouldNarrowAndIsStale() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    changeCalicoNode(ds -> setTerms(ds,
        new NodeSelectorTermBuilder()
            .addNewMatchExpression().withKey("topology.kubernetes.io/zone").withOperator("In")
            .withValues("dc9-a").endMatchExpression()
            .addNewMatchExpression().withKey("alibabacloud.com/external").withOperator("NotIn")
            .withValues("true").endMatchExpression().build(),
        term("alibabacloud.com/external", "NotIn", "true")));
    String version = calicoNode().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> remove(removal))
        .isInstanceOf(StaleActionException.class)
        .hasMessageContaining("Calico would leave onprem-1");
    assertThat(calicoNode().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  // ---- dry run and events ----------------------------------------------------------------------------------------

  @Test
  void aClientDryRunDescribesTheExactPutAndWritesNothing() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    Action removal = actionOf(Plan.DESTROY, observe());
    GenericKubernetesResource before = calicoNode();
    MockRequests.drain(server);

    StepResult result = executor(client).run(removal, ExecutionContext.dryRun(ApplyListener.NONE));

    assertThat(result.status()).isEqualTo(StepStatus.DRY_RUN);
    assertThat(result.requests()).hasSize(2);
    assertThat(result.requests().get(0)).startsWith("PUT /apis/apps/v1/namespaces/kube-system/daemonsets/calico-node\n")
        .doesNotContain("alibabacloud.com/external").doesNotContain("requiredDuringScheduling");
    assertThat(result.requests().get(1)).contains(CniExclusionRemovalExecutor.EVENT_REASON);
    assertThat(writes()).isEmpty();
    assertThat(calicoNode()).isEqualTo(before);
  }

  @Test
  void theRemovalRecordsANormalEventOnTheDaemonSet() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    exclude();
    remove(actionOf(Plan.DESTROY, observe()));

    List<Event> events = client.v1().events().inNamespace("kube-system").list().getItems().stream()
        .filter(e -> e.getReason().equals(CniExclusionRemovalExecutor.EVENT_REASON)).toList();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getInvolvedObject().getName()).isEqualTo("calico-node");
      assertThat(e.getSource().getComponent()).isEqualTo("hybridcni");
      assertThat(e.getMessage()).contains("removed alibabacloud.com/external NotIn [true]");
    });
  }
}
