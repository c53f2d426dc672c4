package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The informer cache when the API server refuses a list: RBAC's 403 as the API server words it (the
 * {@link FaultDispatcher} answers it for the list and the watch of {@code /api/v1/nodes}, as a real server does
 * for a ServiceAccount without {@code list}/{@code watch} on nodes).
 */
class ClusterCacheFaultsTest {

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private KubernetesClient client;
  private ClusterCache cache;

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    KubeSampleCluster.CALICO_BGP.seed(client);
  }

  @AfterEach
  void stop() {
    if (cache != null) {
      cache.close();
    }
    client.close();
    server.destroy();
  }

  @Test
  void aRefusedNodeListLeavesTheCacheUnsyncedWithinTheTimeoutAndObserveNamesThePermission() {
    FaultDispatcher.KubeFault refused = faults.on("GET", "/api/v1/nodes").reject(403, 1_000);
    cache = ClusterCache.builder(client, Specs.auto()).build().start();

    long startedAt = System.nanoTime();
    boolean synced = cache.awaitSynced(Duration.ofMillis(1500));
    Duration waited = Duration.ofNanos(System.nanoTime() - startedAt);

    assertThat(synced).isFalse();
    assertThat(waited).isLessThan(Duration.ofSeconds(5));
    assertThat(refused.fired()).isPositive();
    assertThatThrownBy(() -> cache.observer().observe(Specs.auto())).isInstanceOf(RemoteCallException.class)
        .hasMessageContaining("403 Forbidden")
        .hasMessageContaining("hybridcni is not permitted to list nodes cluster-wide");
  }

  @Test
  void aMissingIpPoolCrdCountsAsSyncedWithNoPoolsAsTheLiveObserverReadsIt() {
    // A real API server answers 404 for the resource of a CRD that is not installed; the CRUD mock would list none.
    FaultDispatcher.KubeFault missing = faults.on("GET", "/apis/crd.projectcalico.org/v1/ippools").reject(404, 1_000);
    cache = ClusterCache.builder(client, Specs.auto()).build().start();

    assertThat(cache.awaitSynced(Duration.ofSeconds(20))).isTrue();
    KubernetesFacts cached = cache.observer().observe(Specs.auto());

    assertThat(missing.fired()).isPositive();
    assertThat(cached.cni().calico().ipPools()).isEmpty();
    try (KubernetesObserver live = KubernetesObserver.builder(client).build()) {
      assertThat(cached).isEqualTo(live.observe(Specs.auto()));
    }
  }

  @Test
  void aNodeListRefusedOnceIsRetriedAndTheCacheSyncsOnceItIsAllowed() {
    FaultDispatcher.KubeFault refused = faults.on("GET", "/api/v1/nodes").reject(403, 1);
    cache = ClusterCache.builder(client, Specs.auto()).build().start();

    assertThat(cache.awaitSynced(Duration.ofSeconds(20))).isTrue();

    assertThat(refused.fired()).isEqualTo(1);
    assertThat(cache.observer().observe(Specs.auto()).nodes()).hasSize(3);
  }
}
