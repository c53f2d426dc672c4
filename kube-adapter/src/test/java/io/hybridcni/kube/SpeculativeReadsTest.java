package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The observer reads every candidate object at once and decides afterwards: no reader waits for a read nobody
 * started, a refused read no decision needs is no error, and one a decision needs fails as it always did.
 */
@EnableKubeApiMock
class SpeculativeReadsTest {

  private static final String FORBIDDEN = "is forbidden: User \"system:serviceaccount:ops:hybridcni\" cannot get";

  KubernetesMockServer server;
  KubernetesClient client;

  private KubernetesObserver observer;

  @AfterEach
  void closeObserver() {
    if (observer != null) {
      observer.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KubeSampleCluster.class)
  void everyObjectTheReadersLookAtWasReadBeforeAnyDecision(KubeSampleCluster cluster) {
    cluster.seed(client);
    observer = KubernetesObserver.builder(client).build();

    observer.observe(Specs.auto());

    assertThat(observer.lastSpeculationMisses()).isZero();
  }

  @Test
  void aRefusedReadNoDecisionNeedsIsNoError() {
    KubeSampleCluster.FLANNEL_VXLAN.seed(client);
    // Flannel is found in kube-flannel, so the older kube-system ConfigMap is read (speculatively), never looked at.
    String older = "/api/v1/namespaces/kube-system/configmaps/kube-flannel-cfg";
    server.expect().get().withPath(older).andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
        .withMessage("configmaps \"kube-flannel-cfg\" " + FORBIDDEN).build()).once();
    observer = KubernetesObserver.builder(client).build();

    KubernetesFacts facts = observer.observe(Specs.auto());

    assertThat(facts.cni().flannel().namespace()).isEqualTo("kube-flannel");
    // The refusal was served to the observer: the expectation is used up, so the CRUD store answers now.
    assertThat(client.configMaps().inNamespace("kube-system").withName("kube-flannel-cfg").get()).isNull();
  }

  @Test
  void aRefusedReadADecisionNeedsFailsNamingTheVerbResourceAndNamespace() {
    KubeSampleCluster.FLANNEL_VXLAN.seed(client);
    server.expect().get().withPath("/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
            .withMessage("configmaps \"kube-flannel-cfg\" " + FORBIDDEN).build()).always();
    observer = KubernetesObserver.builder(client).build();

    assertThatThrownBy(() -> observer.observe(Specs.auto()))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("not permitted to get configmaps in namespace kube-flannel")
        .hasMessageContaining("403 Forbidden");
  }

  @Test
  void theObserverStaysUsableAfterAFailedObservation() {
    KubeSampleCluster.FLANNEL_VXLAN.seed(client);
    server.expect().get().withPath("/api/v1/namespaces/kube-flannel/configmaps/kube-flannel-cfg")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
            .withMessage("configmaps \"kube-flannel-cfg\" " + FORBIDDEN).build()).once();
    observer = KubernetesObserver.builder(client).parallelism(1).build();

    assertThatThrownBy(() -> observer.observe(Specs.auto())).isInstanceOf(HybridCniException.class);
    assertThat(observer.observe(Specs.auto()).nodes()).isNotEmpty();
  }
}
