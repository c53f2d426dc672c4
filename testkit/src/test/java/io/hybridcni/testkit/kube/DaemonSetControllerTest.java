package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class DaemonSetControllerTest {

  static final String ONPREM_1 = "onprem-1";
  static final String ONPREM_2 = "onprem-2";
  static final String CLOUD = KubeSampleCluster.CLOUD_NODE;

  KubernetesClient client;

  @BeforeEach
  void seed() {
    KubeSampleCluster.CALICO_BGP.seed(client);
  }

  private DaemonSet calico() {
    return client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
  }

  private void change(Consumer<DaemonSet> edit) {
    DaemonSet ds = calico();
    edit.accept(ds);
    client.resource(ds).update();
  }

  /** A new pod template (an annotation changes), optionally with a new maxUnavailable. */
  private void newTemplate(IntOrString maxUnavailable) {
    change(ds -> {
      ds.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("test/rev", "2"));
      if (maxUnavailable != null) {
        ds.getSpec().setUpdateStrategy(new DaemonSetUpdateStrategyBuilder().withType("RollingUpdate")
            .withNewRollingUpdate().withMaxUnavailable(maxUnavailable).endRollingUpdate().build());
      }
    });
  }

  private void onDelete() {
    change(ds -> ds.getSpec().setUpdateStrategy(new DaemonSetUpdateStrategyBuilder().withType("OnDelete").build()));
  }

  private List<Pod> pods() {
    return client.pods().inNamespace("kube-system").withLabel("k8s-app", "calico-node").list().getItems();
  }

  private Pod podOn(String node) {
    return pods().stream().filter(p -> node.equals(p.getSpec().getNodeName())).findFirst().orElseThrow();
  }

  private long updatedPods() {
    String revision = DaemonSetController.revision(calico());
    return pods().stream().filter(p -> revision.equals(p.getMetadata().getLabels()
        .get(DaemonSetController.REVISION_LABEL))).count();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static ContainerStatus container(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0);
  }

  @Test
  void aRollingUpdateReplacesOnePodPerSyncWithTheDefaultMaxUnavailableOfOne() {
    DaemonSetController controller = DaemonSetController.create();
    newTemplate(null);

    controller.sync(client);
    assertThat(updatedPods()).isEqualTo(1);
    assertThat(calico().getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
    controller.sync(client);
    assertThat(updatedPods()).isEqualTo(2);
    controller.sync(client);

    assertThat(updatedPods()).isEqualTo(3);
    assertThat(calico().getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
    assertThat(calico().getStatus().getNumberUnavailable()).isZero();
  }

  @Test
  void aPercentMaxUnavailableIsRoundedUpAgainstTheDesiredPods() {
    DaemonSetController controller = DaemonSetController.create();
    newTemplate(new IntOrString("50%"));

    controller.sync(client);

    // 50% of 3 desired pods is 1.5, rounded up to 2, as intstr.GetScaledValueFromIntOrPercent(..., true) does.
    assertThat(updatedPods()).isEqualTo(2);
    assertThat(DaemonSetController.maxUnavailable(calico(), 3)).isEqualTo(2);
    assertThat(DaemonSetController.maxUnavailable(calico(), 1)).isEqualTo(1);
  }

  @Test
  void aMaxUnavailableOfZeroIsTakenAsOneAsTheRealControllerDoes() {
    DaemonSetController controller = DaemonSetController.create();
    newTemplate(new IntOrString(0));

    controller.sync(client);

    assertThat(updatedPods()).isEqualTo(1);
  }

  @Test
  void newPodsThatCrashLoopStallTheRolloutAtMaxUnavailableWithRestartsGrowing() {
    DaemonSetController controller = DaemonSetController.create().crashLoopingOn(ONPREM_1, ONPREM_2, CLOUD);
    newTemplate(null);

    for (int i = 0; i < 5; i++) {
      controller.sync(client);
    }

    // The first node (in name order) got a new pod that never became Ready; no other old pod was touched.
    assertThat(updatedPods()).isEqualTo(1);
    Pod crashing = pods().stream().filter(p -> !ready(p)).findFirst().orElseThrow();
    assertThat(pods().stream().filter(p -> !ready(p))).hasSize(1);
    assertThat(crashing.getStatus().getPhase()).isEqualTo("Running");
    assertThat(container(crashing).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(container(crashing).getRestartCount()).isEqualTo(4);
    assertThat(calico().getStatus().getNumberUnavailable()).isEqualTo(1);
    assertThat(calico().getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
  }

  @Test
  void podsOnANodeWithDelayedReadinessHoldTheRolloutUntilTheyAreReady() {
    DaemonSetController controller = DaemonSetController.create().readyAfterSyncs(2, CLOUD);
    newTemplate(null);

    controller.sync(client); // replaces the cloud node's pod (first in name order); the new one is not Ready yet
    Pod waiting = podOn(CLOUD);
    assertThat(ready(waiting)).isFalse();
    assertThat(waiting.getStatus().getPhase()).isEqualTo("Running");
    assertThat(container(waiting).getState().getRunning()).isNotNull();
    controller.sync(client);
    assertThat(updatedPods()).isEqualTo(1); // still one unavailable: nothing else replaced
    controller.sync(client); // two syncs after its creation it is Ready, and the next pod is replaced
    assertThat(ready(podOn(CLOUD))).isTrue();
    assertThat(updatedPods()).isEqualTo(2);
  }

  @Test
  void aPodThatCannotPullItsImageIsPendingWithErrImagePullThenImagePullBackOff() {
    DaemonSetController controller = DaemonSetController.create().failingImagePullOn(CLOUD);
    newTemplate(null);

    controller.sync(client);
    assertThat(podOn(CLOUD).getStatus().getPhase()).isEqualTo("Pending");
    assertThat(container(podOn(CLOUD)).getState().getWaiting().getReason()).isEqualTo("ErrImagePull");
    controller.sync(client);

    assertThat(container(podOn(CLOUD)).getState().getWaiting().getReason()).isEqualTo("ImagePullBackOff");
    assertThat(container(podOn(CLOUD)).getState().getWaiting().getMessage())
        .contains(container(podOn(CLOUD)).getImage());
  }

  @Test
  void anOldPodThatIsNotReadyIsReplacedWhateverMaxUnavailableSays() {
    DaemonSetController controller = DaemonSetController.create();
    Pod sick = podOn(ONPREM_2);
    sick.getStatus().getConditions().forEach(c -> c.setStatus("False"));
    client.pods().inNamespace("kube-system").resource(sick).updateStatus();
    newTemplate(null);

    controller.sync(client);

    // The not-Ready old pod on onprem-2 and one candidate (the cloud node's, first in name order) are replaced.
    assertThat(updatedPods()).isEqualTo(2);
    assertThat(podOn(ONPREM_2).getMetadata().getLabels().get(DaemonSetController.REVISION_LABEL))
        .isEqualTo(DaemonSetController.revision(calico()));
  }

  @Test
  void onDeleteReplacesNothingUntilAPodIsDeletedThenCreatesItFromTheNewTemplate() {
    DaemonSetController controller = DaemonSetController.create();
    onDelete();
    DaemonSetController.reconcile(client);
    newTemplate(null);

    controller.sync(client);
    controller.sync(client);
    assertThat(updatedPods()).isZero();
    assertThat(calico().getStatus().getUpdatedNumberScheduled()).isZero();

    client.pods().inNamespace("kube-system").withName(podOn(ONPREM_1).getMetadata().getName()).delete();
    controller.sync(client);

    assertThat(podOn(ONPREM_1).getMetadata().getLabels().get(DaemonSetController.REVISION_LABEL))
        .isEqualTo(DaemonSetController.revision(calico()));
    assertThat(updatedPods()).isEqualTo(1);
  }

  @Test
  void aPodOnANodeTheTemplateNoLongerAllowsIsDeletedEvenUnderOnDelete() {
    DaemonSetController controller = DaemonSetController.create();
    onDelete();
    change(ds -> ds.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("kubernetes.io/os", "linux",
        "kubernetes.io/hostname", ONPREM_1)));

    controller.sync(client);

    assertThat(pods()).extracting(p -> p.getSpec().getNodeName()).containsExactly(ONPREM_1);
  }

  @Test
  void theStaticReconcileStillReplacesEveryOldPodAtOnce() {
    newTemplate(null);

    DaemonSetController.reconcile(client);

    assertThat(updatedPods()).isEqualTo(3);
    assertThat(pods()).allMatch(DaemonSetControllerTest::ready);
  }
}
