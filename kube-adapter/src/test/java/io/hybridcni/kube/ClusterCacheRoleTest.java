package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The cache's ClusterRole ({@code hybridcni-cache-clusterrole.yaml}) grants exactly what the cache's informers ask
 * for, mapped to RBAC verbs as the API server's authorizer maps them ({@link ClusterRoleTest#permissionOf}).
 */
@EnableKubeApiMock
class ClusterCacheRoleTest {

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void theCacheRoleAllowsEveryRequestTheCacheSendsAndGrantsNothingElse() throws Exception {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    KubeSampleCluster.seedSharedAddonSecret(client, "LTAI5tCacheRoleKey01", "CacheRoleSecretZq1Wx2Ec", java.util.Map.of());
    MockRequests.drain(server);
    Set<ClusterRoleTest.Permission> used = new TreeSet<>();
    try (ClusterCache cache = ClusterCache.builder(client, Specs.auto()).build().start()) {
      assertThat(cache.awaitSynced(Duration.ofSeconds(20))).isTrue();
      cache.observer().observe(Specs.auto());
      // Synced means listed and watching: every list and watch request has been sent by now.
      for (MockRequests.Recorded r : MockRequests.drain(server)) {
        used.add(ClusterRoleTest.permissionOf(r));
      }
    }
    Set<ClusterRoleTest.Permission> granted = ClusterRoleTest.granted(role());

    assertThat(used).as("every permission the cache used is granted").isNotEmpty();
    assertThat(granted).as("every permission the cache used is granted").containsAll(used);
    assertThat(used).as("every permission the role grants was used").containsAll(granted);
  }

  private static ClusterRole role() throws Exception {
    try (InputStream in = ClusterCacheRoleTest.class.getClassLoader()
        .getResourceAsStream("io/hybridcni/kube/hybridcni-cache-clusterrole.yaml")) {
      return Serialization.unmarshal(in, ClusterRole.class);
    }
  }
}
