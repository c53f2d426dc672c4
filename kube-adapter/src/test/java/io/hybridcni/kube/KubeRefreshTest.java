package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.planner.Facts;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Apply's re-read before the Secret and Terway actions, on the mock API server: one GET of the Secret and one of
 * Terway's DaemonSet, whose facts then read as a whole observation reads them after both changed.
 */
@EnableKubeApiMock
class KubeRefreshTest {

  private static final HybridNetworkSpec SPEC = Specs.hostNetwork();
  private static final String SECRET_FACT = "secret/" + KubeSampleCluster.SHARED_SECRET_NAMESPACE + "/"
      + KubeSampleCluster.SHARED_SECRET_NAME;
  private static final String TERWAY_FACT = "workload/DAEMON_SET/kube-system/terway-eniip";

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void seed() {
    KubeSampleCluster.HOST_NETWORK.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    KubeSampleCluster.seedSharedAddonSecret(client, "LTAI5tRefreshKey00001", "RefreshSecretZq1Wx2Ec3Rv4", Map.of());
  }

  @Test
  void theSecretAndTerwayFactsAreReadAgainWithOneGetEachAndReadAsAWholeObservationReadsThem() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(SPEC);
      client.secrets().inNamespace(KubeSampleCluster.SHARED_SECRET_NAMESPACE)
          .withName(KubeSampleCluster.SHARED_SECRET_NAME).delete();
      client.apps().daemonSets().inNamespace("kube-system").withName("terway-eniip")
          .edit(ds -> {
            ds.getSpec().getTemplate().getSpec().getNodeSelector().put("hybridcni.io/refresh-test", "moved");
            return ds;
          });
      MockRequests.drain(server);

      KubernetesFacts refreshed = observer.refresh(SPEC, before, Facts.scope(List.of(SECRET_FACT, TERWAY_FACT)));
      List<MockRequests.Recorded> sent = MockRequests.drain(server);
      KubernetesFacts whole = observer.observe(SPEC);

      assertThat(sent).extracting(r -> r.method() + " " + r.pathOnly()).containsExactlyInAnyOrder(
          "GET /api/v1/namespaces/kube-system/secrets/alibaba-addon-secret",
          "GET /apis/apps/v1/namespaces/kube-system/daemonsets/terway-eniip");
      for (String fact : List.of(SECRET_FACT, TERWAY_FACT)) {
        assertThat(read(fact, refreshed)).as(fact).isEqualTo(read(fact, whole)).isNotEqualTo(read(fact, before));
      }
    }
  }

  @Test
  void aScopeNamingWhichNodesCarryALabelListsTheNodesAloneAndReadsThemAsAWholeObservationDoes() {
    String labelled = "nodes.labelled/alibabacloud.com/external=true";
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(SPEC);
      var node = client.nodes().withName("onprem-1").get();
      node.getMetadata().getLabels().put("alibabacloud.com/external", "true");
      client.resource(node).update();
      MockRequests.drain(server);

      KubernetesFacts refreshed = observer.refresh(SPEC, before, Facts.scope(List.of(labelled)));
      List<MockRequests.Recorded> sent = MockRequests.drain(server);
      KubernetesFacts whole = observer.observe(SPEC);

      assertThat(sent).extracting(r -> r.method() + " " + r.pathOnly()).containsExactly("GET /api/v1/nodes");
      assertThat(read(labelled, refreshed)).isEqualTo(read(labelled, whole)).isNotEqualTo(read(labelled, before))
          .contains("onprem-1");
    }
  }

  @Test
  void aScopeNamingWhereCalicoRunsOnAClusterWhereNoCalicoWasSeenIsReadByAWholeObservation() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      KubernetesFacts before = observer.observe(SPEC);
      MockRequests.drain(server);

      observer.refresh(SPEC, before, Facts.scope(List.of("nodes.running/calico")));

      assertThat(MockRequests.drain(server)).extracting(MockRequests.Recorded::pathOnly).contains("/api/v1/nodes",
          "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret");
    }
  }

  private static String read(String fact, KubernetesFacts kubernetes) {
    return Facts.read(fact, ObservedState.of(kubernetes, SampleClusters.freshHostNetwork().cloud()));
  }
}
