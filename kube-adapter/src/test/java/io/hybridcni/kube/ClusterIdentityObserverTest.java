package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.IdentitySignal;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NamespaceFacts;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeManifests;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The observer reads which ACK cluster the cluster is (the {@code ack.aliyun.com} label of the nodes it lists
 * anyway, and one GET of ACK's cluster profile ConfigMap) and whether the Secret's namespace exists (one GET of the
 * Namespace), and nothing more.
 */
@EnableKubeApiMock
class ClusterIdentityObserverTest {

  static final String OTHER_CLUSTER = "cd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6";

  KubernetesMockServer server;
  KubernetesClient client;

  private KubernetesFacts observe(HybridNetworkSpec spec) {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return observer.observe(spec);
    }
  }

  @Test
  void aSampleClusterCarriesItsIdOnTheCloudNodeAndInAcksClusterProfile() {
    KubeSampleCluster.CALICO_BGP.seed(client);

    ClusterIdentity identity = observe(Specs.auto()).identity();

    assertThat(identity.profilePresent()).isTrue();
    assertThat(identity.clusterIds()).containsExactly(KubeSampleCluster.SAMPLE_CLUSTER_ID);
    assertThat(identity.signals()).containsExactly(
        new IdentitySignal(IdentitySignal.Kind.NODE_LABEL, KubeSampleCluster.SAMPLE_CLUSTER_ID,
            "label ack.aliyun.com on 1 node(s): " + KubeSampleCluster.CLOUD_NODE),
        new IdentitySignal(IdentitySignal.Kind.CLUSTER_PROFILE, KubeSampleCluster.SAMPLE_CLUSTER_ID,
            SampleClusters.PROFILE_ID_PLACE));
  }

  @Test
  void aClusterRegisteredAsAnotherIdSaysSo() {
    KubeSampleCluster.CALICO_BGP.seed(client, OTHER_CLUSTER);

    assertThat(observe(Specs.auto()).identity().clusterIds()).containsExactly(OTHER_CLUSTER);
  }

  @Test
  void aClusterWithoutTheProfileAndWithoutCloudNodesCarriesNoId() {
    List<HasMetadata> objects = KubeSampleCluster.CALICO_BGP.objects().stream()
        .filter(o -> !(o instanceof ConfigMap c && c.getMetadata().getName().equals(KubeSampleCluster.PROFILE)))
        .filter(o -> !(o instanceof Node n && n.getMetadata().getName().equals(KubeSampleCluster.CLOUD_NODE)))
        .toList();
    KubeManifests.create(client, objects);
    DaemonSetController.reconcile(client);

    ClusterIdentity identity = observe(Specs.auto()).identity();

    assertThat(identity.profilePresent()).isFalse();
    assertThat(identity.signals()).isEmpty();
  }

  @Test
  void onlyTheProfilesClusterIdKeyCountsAndABlankOneNamesNoCluster() {
    ConfigMap profile = new ConfigMapBuilder().withNewMetadata().withNamespace("kube-system")
        .withName("ack-cluster-profile").endMetadata()
        .addToData("clusterid", " " + OTHER_CLUSTER + " ").addToData("uid", "5123456789012345")
        .addToData("cluster-id", "not-the-key-addons-read").build();
    ConfigMap blank = new ConfigMapBuilder(profile).withData(java.util.Map.of("clusterid", " ")).build();

    assertThat(ClusterIdentityReader.profileSignals(profile)).containsExactly(new IdentitySignal(
        IdentitySignal.Kind.CLUSTER_PROFILE, OTHER_CLUSTER, "data.clusterid of ConfigMap kube-system/ack-cluster-profile"));
    assertThat(ClusterIdentityReader.profileSignals(blank)).isEmpty();
    assertThat(ClusterIdentityReader.identity(blank, List.of()).profilePresent()).isTrue();
  }

  @Test
  void theAgentsDeploymentNamesNoClusterWhateverItsEnvSays() {
    List<HasMetadata> objects = KubeSampleCluster.CALICO_BGP.objects().stream()
        .filter(o -> !(o instanceof ConfigMap c && c.getMetadata().getName().equals(KubeSampleCluster.PROFILE)))
        .filter(o -> !(o instanceof Node n && n.getMetadata().getName().equals(KubeSampleCluster.CLOUD_NODE)))
        .map(o -> o instanceof Deployment d && d.getMetadata().getName().equals(KubeSampleCluster.AGENT)
            ? new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
                .addNewEnv().withName("CLUSTER_ID").withValue(OTHER_CLUSTER).endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build() : o)
        .toList();
    KubeManifests.create(client, objects);
    DaemonSetController.reconcile(client);

    assertThat(observe(Specs.auto()).identity().signals()).isEmpty();
  }

  @Test
  void theSecretsNamespaceIsObservedWithOneGet() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    MockRequests.drain(server);

    KubernetesFacts facts = observe(Specs.builder().secret("terway-creds", "alibaba-addon-secret").build());

    assertThat(facts.secretNamespace()).isEqualTo(new NamespaceFacts("terway-creds", false));
    assertThat(observe(Specs.auto()).secretNamespace()).isEqualTo(new NamespaceFacts("kube-system", true));
  }

  @Test
  void onlyTheProfileAndTheNamespaceAreReadBeyondWhatTheObserverReadAlready() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    MockRequests.drain(server);

    observe(Specs.auto());

    List<String> paths = MockRequests.drain(server).stream().map(MockRequests.Recorded::pathOnly).toList();
    assertThat(paths).contains("/api/v1/namespaces/kube-system/configmaps/ack-cluster-profile",
        "/api/v1/namespaces/kube-system");
    assertThat(paths).noneMatch(p -> p.contains("/deployments") || p.endsWith("/configmaps")
        || p.endsWith("/configmaps/ack-agent-config") || p.endsWith("/namespaces"));
  }

  @Test
  void aRefusedNamespaceReadNamesTheVerbAndResource() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    server.expect().get().withPath("/api/v1/namespaces/kube-system")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(
            "namespaces \"kube-system\" is forbidden: User \"system:serviceaccount:ops:hybridcni\" cannot get "
                + "resource \"namespaces\" in API group \"\" at the cluster scope").build())
        .always();

    assertThatThrownBy(() -> observe(Specs.auto())).isInstanceOf(HybridCniException.class)
        .hasMessageContaining("not permitted to get namespaces cluster-wide")
        .hasMessageContaining("403 Forbidden");
  }

  @Test
  void aRefusedProfileReadNamesTheVerbResourceAndNamespace() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    server.expect().get().withPath("/api/v1/namespaces/kube-system/configmaps/ack-cluster-profile")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(
            "configmaps \"ack-cluster-profile\" is forbidden").build())
        .always();

    assertThatThrownBy(() -> observe(Specs.auto())).isInstanceOf(HybridCniException.class)
        .hasMessageContaining("not permitted to get configmaps in namespace kube-system")
        .hasMessageContaining("403 Forbidden");
  }
}
