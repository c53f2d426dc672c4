package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.plan.Scenario;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.Cni;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.NetworkObservation;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.StatusAnalyzer;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The informer cache on the fabric8 mock server in CRUD mode: its facts and its status are the live observers', a
 * no-op observation or status read costs no request, and a change of what the facts read (and only that) calls the
 * listeners.
 *
 * <p>Where the mock is not a real API server, and what the code does for the real one:
 * <ul>
 *   <li>Field selectors: the mock matches {@code metadata.name} (and namespace) on lists and watches, as a real
 *       server does; the code relies on nothing else.</li>
 *   <li>{@code resourceVersion}: the mock's is a counter shared by all objects, and its watch replays from a
 *       version loosely; a real server may answer 410 Gone for an old one, which fabric8's informer handles by
 *       listing again (a relist's adds and updates with a new version call the listeners; the controller
 *       debounces).</li>
 *   <li>Bookmarks: the mock sends none; fabric8 asks for them ({@code allowWatchBookmarks}) and a real server's
 *       bookmarks only move the version the informer resumes from, calling no handler.</li>
 *   <li>Status: the mock stores a node's status with a plain update, where a real kubelet writes the
 *       {@code status} subresource; either way the watch sees a MODIFIED node with a new version.</li>
 *   <li>Set-based label selectors: the mock ignores them on a list; the cache matches the DaemonSet's selector in
 *       memory with the API server's rules ({@link LabelSelectors}), so it is right on a real server whatever the
 *       mock lists.</li>
 * </ul>
 */
@EnableKubeApiMock
class ClusterCacheTest {

  private static final Duration SYNC = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;

  private ClusterCache cache;
  private KubernetesObserver live;

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
    if (live != null) {
      live.close();
    }
  }

  private ClusterCache startedCache(HybridNetworkSpec spec) {
    cache = ClusterCache.builder(client, spec).build().start();
    assertThat(cache.awaitSynced(SYNC)).as("synced").isTrue();
    return cache;
  }

  private KubernetesFacts liveFacts(HybridNetworkSpec spec) {
    if (live == null) {
      live = KubernetesObserver.builder(client).build();
    }
    return live.observe(spec);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KubeSampleCluster.class)
  void eachSampleClusterReadsTheSameFactsFromTheCacheAsFromTheApiServer(KubeSampleCluster cluster) {
    cluster.seed(client);

    startedCache(Specs.auto());

    assertThat(cache.observer().observe(Specs.auto())).isEqualTo(liveFacts(Specs.auto()));
  }

  @ParameterizedTest(name = "{0} with Terway and the shared Secret")
  @EnumSource(value = KubeSampleCluster.class, names = {"CALICO_BGP", "CALICO_OPERATOR", "HOST_NETWORK"})
  void aBrownfieldClusterWithTerwayAndTheSharedSecretReadsTheSameFactsFromTheCache(KubeSampleCluster cluster) {
    cluster.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    KubeSampleCluster.seedSharedAddonSecret(client, "LTAI5tCacheKey000001", "CacheSecretZq1Wx2Ec3Rv4", Map.of());
    HybridNetworkSpec spec = cluster == KubeSampleCluster.HOST_NETWORK ? Specs.hostNetwork() : Specs.auto();

    startedCache(spec);
    KubernetesFacts cached = cache.observer().observe(spec);

    assertThat(cached.secret().present()).isTrue();
    assertThat(cached.terway()).isNotNull();
    assertThat(cached.nodes()).anyMatch(NodeInfo::runsTerway);
    assertThat(cached).isEqualTo(liveFacts(spec));
  }

  @Test
  void aNoOpObservationFromASyncedCacheSendsNoRequestAtAll() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    startedCache(Specs.auto());
    cache.observer().observe(Specs.auto());
    MockRequests.drain(server);
    int before = server.getRequestCount();

    KubernetesFacts facts = cache.observer().observe(Specs.auto());
    cache.observer().observe(Specs.auto());

    assertThat(facts.cni().calico()).isNotNull();
    assertThat(MockRequests.drain(server)).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @Test
  void overwritingCalicoNodesAffinityAsAFreshCalicoYamlWouldFiresAChangeAndTheCachedFactsShowTheExclusionGone()
      throws InterruptedException {
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
      ds.getSpec().getTemplate().getSpec().setAffinity(new io.fabric8.kubernetes.api.model.AffinityBuilder()
          .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .withNodeSelectorTerms(new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder()
              .withKey("alibabacloud.com/external").withOperator("NotIn").withValues("true").build()).build())
          .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
      return ds;
    });
    startedCache(Specs.auto());
    assertThat(calicoAllowsCloudNode(cache.observer().observe(Specs.auto()))).as("excluded at first").isFalse();
    Semaphore changes = new Semaphore(0);
    cache.onChange(changes::release);

    // kubectl apply of calico.yaml: the whole nodeSelectorTerms list replaced by the manifest's, which has none.
    DaemonSet fresh = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
    fresh.getSpec().getTemplate().getSpec().setAffinity(null);
    client.apps().daemonSets().inNamespace("kube-system").resource(fresh).update();

    assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("a change was heard").isTrue();
    KubernetesFacts cached = cache.observer().observe(Specs.auto());
    assertThat(calicoAllowsCloudNode(cached)).as("the exclusion is gone").isTrue();
    assertThat(cached).isEqualTo(liveFacts(Specs.auto()));
  }

  @Test
  void deletingTheSecretFiresAChangeAndTheCachedFactsShowItAbsent() throws InterruptedException {
    KubeSampleCluster.HOST_NETWORK.seed(client);
    KubeSampleCluster.seedSharedAddonSecret(client, "LTAI5tCacheKey000002", "CacheSecretQq1Wx2Ec3Rv4", Map.of());
    startedCache(Specs.hostNetwork());
    assertThat(cache.observer().observe(Specs.hostNetwork()).secret().present()).isTrue();
    Semaphore changes = new Semaphore(0);
    cache.onChange(changes::release);

    client.secrets().inNamespace(KubeSampleCluster.SHARED_SECRET_NAMESPACE)
        .withName(KubeSampleCluster.SHARED_SECRET_NAME).delete();

    assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("a change was heard").isTrue();
    KubernetesFacts cached = cache.observer().observe(Specs.hostNetwork());
    assertThat(cached.secret().present()).isFalse();
    assertThat(cached).isEqualTo(liveFacts(Specs.hostNetwork()));
  }

  @Test
  void aNodeHeartbeatOnlyStatusUpdateFiresNoChangeButALabelChangeDoes() throws InterruptedException {
    KubeSampleCluster.CALICO_BGP.seed(client);
    startedCache(Specs.auto());
    AtomicInteger changes = new AtomicInteger();
    Semaphore heard = new Semaphore(0);
    cache.onChange(() -> {
      changes.incrementAndGet();
      heard.release();
    });
    String node = KubeSampleCluster.ON_PREMISES_NODES.get(0);

    for (int beat = 1; beat <= 3; beat++) {
      String time = "2026-12-03T06:00:0" + beat + "Z";
      NodeCondition ready = new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
          .withLastHeartbeatTime(time).withLastTransitionTime("2026-12-03T05:00:00Z").build();
      client.nodes().withName(node).edit(n -> {
        n.setStatus(new NodeStatusBuilder().withConditions(ready).build());
        return n;
      });
    }
    // The watch delivers a node's events in order: once the label change is heard, the heartbeats were seen before.
    client.nodes().withName(node).edit(n -> {
      n.getMetadata().getLabels().put("hybridcni.io/cache-test", "relabelled");
      return n;
    });

    assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("the label change was heard").isTrue();
    assertThat(heard.tryAcquire(300, TimeUnit.MILLISECONDS)).as("nothing else was heard").isFalse();
    assertThat(changes).hasValue(1);
  }

  @Test
  void aConfigMapThatCalicoNodesEnvironmentPointsToIsWatchedFromItsFirstReadOn() throws InterruptedException {
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.configMaps().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withNamespace("kube-system").withName("pool-settings").endMetadata()
        .withData(Map.of("ipip", "Always")).build()).create();
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
      io.fabric8.kubernetes.api.model.Container node = ds.getSpec().getTemplate().getSpec().getContainers().stream()
          .filter(c -> c.getName().equals("calico-node")).findFirst().orElseThrow();
      node.getEnv().removeIf(e -> e.getName().equals("CALICO_IPV4POOL_IPIP"));
      node.getEnv().add(new io.fabric8.kubernetes.api.model.EnvVarBuilder().withName("CALICO_IPV4POOL_IPIP")
          .withNewValueFrom().withNewConfigMapKeyRef("ipip", "pool-settings", false).endValueFrom().build());
      return ds;
    });
    startedCache(Specs.auto());
    int watchesBefore = cache.watchCount();

    KubernetesFacts first = cache.observer().observe(Specs.auto());
    MockRequests.drain(server);
    KubernetesFacts second = cache.observer().observe(Specs.auto());

    assertThat(cache.watchCount()).isEqualTo(watchesBefore + 1);
    assertThat(MockRequests.drain(server)).as("the second observation's requests").isEmpty();
    assertThat(first.cni().calico().nodeEnv()).containsEntry("CALICO_IPV4POOL_IPIP", "Always");
    assertThat(second).isEqualTo(first).isEqualTo(liveFacts(Specs.auto()));

    Semaphore changes = new Semaphore(0);
    cache.onChange(changes::release);
    client.configMaps().inNamespace("kube-system").withName("pool-settings").edit(cm -> {
      cm.getData().put("ipip", "Never");
      return cm;
    });
    assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("a change was heard").isTrue();
    assertThat(cache.observer().observe(Specs.auto()).cni().calico().nodeEnv())
        .containsEntry("CALICO_IPV4POOL_IPIP", "Never");
  }

  @Test
  void theNamedDaemonSetsAndConfigMapsOfANamespaceShareOneWatchWithoutAFieldSelector() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    MockRequests.drain(server);

    startedCache(Specs.auto());
    List<MockRequests.Recorded> watches = MockRequests.drain(server).stream()
        .filter(r -> "true".equals(r.query("watch"))).toList();

    Map<String, Long> byPath = watches.stream().filter(r -> r.pathOnly().endsWith("/daemonsets")
        || r.pathOnly().endsWith("/configmaps")).collect(java.util.stream.Collectors.groupingBy(
            MockRequests.Recorded::pathOnly, java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    assertThat(byPath).containsOnlyKeys("/apis/apps/v1/namespaces/calico-system/daemonsets",
        "/apis/apps/v1/namespaces/kube-flannel/daemonsets", "/apis/apps/v1/namespaces/kube-system/daemonsets",
        "/api/v1/namespaces/kube-flannel/configmaps", "/api/v1/namespaces/kube-system/configmaps");
    assertThat(byPath.values()).as("one watch each").containsOnly(1L);
    assertThat(watches).filteredOn(r -> r.pathOnly().endsWith("/daemonsets") || r.pathOnly().endsWith("/configmaps"))
        .allSatisfy(r -> assertThat(r.query("fieldSelector")).isNull());
    // 10 named DaemonSets and 6 named ConfigMaps in 5 watches; the Installation, IPPools, the Secret, its Namespace,
    // the nodes and the pods of 3 namespaces have one each.
    assertThat(cache.watchCount()).isEqualTo(5 + 1 + 1 + 1 + 1 + 1 + 3);
  }

  @Test
  void aDaemonSetOrConfigMapOfAWatchedNamespaceThatNoDetectorNamesIsNeitherHeldNorHeard()
      throws InterruptedException {
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.configMaps().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withNamespace("kube-system").withName("coredns").endMetadata()
        .withData(Map.of("Corefile", ".:53 {}")).build()).create();
    startedCache(Specs.auto());
    KubernetesFacts before = cache.observer().observe(Specs.auto());
    Semaphore changes = new Semaphore(0);
    cache.onChange(changes::release);

    client.configMaps().inNamespace("kube-system").withName("coredns").edit(cm -> {
      cm.getData().put("Corefile", ".:53 { forward . /etc/resolv.conf }");
      return cm;
    });
    DaemonSet proxy = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
    proxy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("kube-system")
        .withName("kube-proxy").build());
    proxy.setStatus(null);
    client.apps().daemonSets().inNamespace("kube-system").resource(proxy).create();
    client.apps().daemonSets().inNamespace("kube-system").withName("kube-proxy").delete();
    // A change of a named object after them: once it is heard, the others' events were delivered before it.
    client.configMaps().inNamespace("kube-system").withName("calico-config").edit(cm -> {
      cm.getData().put("hybridcni-cache-test", "touched");
      return cm;
    });

    assertThat(changes.tryAcquire(10, TimeUnit.SECONDS)).as("the named ConfigMap's change was heard").isTrue();
    assertThat(changes.tryAcquire(300, TimeUnit.MILLISECONDS)).as("nothing else was heard").isFalse();
    assertThat(cache.observer().observe(Specs.auto())).isEqualTo(before).isEqualTo(liveFacts(Specs.auto()));
  }

  @Test
  void aNamedItemStoreKeepsOnlyTheObjectsNamedAndAnswersADroppedOneAsNeverHeld() {
    ClusterCache.NamedItemStore<io.fabric8.kubernetes.api.model.ConfigMap> store =
        new ClusterCache.NamedItemStore<>(java.util.Set.of("calico-config"));
    io.fabric8.kubernetes.api.model.ConfigMap named = new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withNamespace("kube-system").withName("calico-config").withResourceVersion("1")
        .endMetadata().build();
    io.fabric8.kubernetes.api.model.ConfigMap other = new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withNamespace("kube-system").withName("coredns").withResourceVersion("2").endMetadata()
        .build();

    assertThat(store.put(store.getKey(named), named)).isNull();
    assertThat(store.put(store.getKey(other), other)).isNull();
    assertThat(store.put(store.getKey(other), other)).as("still never held").isNull();

    assertThat(store.keySet()).containsExactly("kube-system/calico-config");
    assertThat(store.get("kube-system/coredns")).isNull();
    assertThat(store.put(store.getKey(named), named)).isSameAs(named);
  }

  @Test
  void aSpecNamingTheTigeraInstallationReadsTheSameFactsFromTheCache() {
    KubeSampleCluster.CALICO_OPERATOR.seed(client);
    HybridNetworkSpec spec = Specs.builder()
        .onPremisesCni(io.hybridcni.observe.WorkloadRef.tigeraInstallation("default")).build();

    startedCache(spec);

    assertThat(cache.observer().observe(spec)).isEqualTo(liveFacts(spec));
  }

  @Test
  void aCalicoPodsStatusChurnFiresNoChangeButItsFailureDoes() throws InterruptedException {
    KubeSampleCluster.CALICO_BGP.seed(client);
    startedCache(Specs.auto());
    AtomicInteger changes = new AtomicInteger();
    Semaphore heard = new Semaphore(0);
    cache.onChange(() -> {
      changes.incrementAndGet();
      heard.release();
    });
    io.fabric8.kubernetes.api.model.Pod pod = client.pods().inNamespace("kube-system")
        .withLabel("k8s-app", "calico-node").list().getItems().get(0);
    String name = pod.getMetadata().getName();

    for (String phase : List.of("Pending", "Running")) {
      client.pods().inNamespace("kube-system").withName(name).edit(p -> {
        p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase)
            .addNewCondition().withType("Ready").withStatus(phase.equals("Running") ? "True" : "False").endCondition()
            .build());
        return p;
      });
    }
    client.pods().inNamespace("kube-system").withName(name).edit(p -> {
      p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed").build());
      return p;
    });

    assertThat(heard.tryAcquire(10, TimeUnit.SECONDS)).as("the failure was heard").isTrue();
    assertThat(heard.tryAcquire(300, TimeUnit.MILLISECONDS)).as("nothing else was heard").isFalse();
    assertThat(changes).hasValue(1);
    assertThat(cache.observer().observe(Specs.auto())).isEqualTo(liveFacts(Specs.auto()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(KubeSampleCluster.class)
  void eachSampleClusterReadsTheSameStatusFromTheCacheAsFromTheApiServer(KubeSampleCluster cluster)
      throws InterruptedException {
    cluster.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    // Pods with more to judge than Ready: on one node crash-looping ones (restarts, a waiting reason, its image).
    DaemonSetController kubelets = DaemonSetController.create().crashLoopingOn(TROUBLED_NODE);
    deletePodsOn(TROUBLED_NODE);
    for (int sync = 0; sync < 3; sync++) {
      kubelets.sync(client);
    }
    startedCache(Specs.auto());
    KubernetesFacts facts = cache.observer().observe(Specs.auto());
    NetworkObservation live = new KubernetesStatusObserver(client).observe(Specs.auto(), facts);

    NetworkObservation cached = awaitCachedStatus(facts, o -> o.pods().size() == live.pods().size());

    assertThat(cached.nodes()).isEqualTo(live.nodes());
    assertThat(cached.daemonSets()).isEqualTo(live.daemonSets());
    assertThat(cached.pods()).containsExactlyInAnyOrderElementsOf(live.pods());
    assertThat(analyzed(cached)).isEqualTo(analyzed(live));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = KubeSampleCluster.class, names = {"CALICO_BGP", "CALICO_OPERATOR", "FLANNEL_VXLAN", "CANAL",
      "CILIUM_1_13_VXLAN"})
  void aStatusReadFromASyncedCacheSendsNoRequestAtAll(KubeSampleCluster cluster) {
    cluster.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    startedCache(Specs.auto());
    KubernetesFacts facts = cache.observer().observe(Specs.auto());
    MockRequests.drain(server);
    int before = server.getRequestCount();

    NetworkObservation status = cache.statusObserver().observe(Specs.auto(), facts);

    assertThat(status.daemonSets()).as("the CNI's DaemonSet and Terway's").hasSize(2);
    assertThat(status.pods()).isNotEmpty();
    assertThat(MockRequests.drain(server)).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(before);
  }

  @Test
  void thePodsOfEveryCniDaemonSetOfTheRegistryAndOfTerwayAreWatched() {
    java.util.Set<String> namespaces = new java.util.TreeSet<>();
    io.hybridcni.detect.CniDetectors.workloads().stream()
        .filter(w -> w.object().kind() == io.hybridcni.detect.KubeObject.Kind.DAEMON_SET)
        .forEach(w -> namespaces.add(w.object().namespace()));
    TerwayReader.WORKLOADS.forEach(w -> namespaces.add(w.object().namespace()));

    assertThat(ClusterCache.podNamespaces(null)).containsAll(namespaces)
        .contains("kube-system", "calico-system", "kube-flannel");
  }

  @Test
  void aCrashLoopingCalicoPodShowsInTheCachedStatus() throws InterruptedException {
    KubeSampleCluster.CALICO_BGP.seed(client);
    startedCache(Specs.auto());
    KubernetesFacts facts = cache.observer().observe(Specs.auto());
    assertThat(cache.statusObserver().observe(Specs.auto(), facts).pods()).allMatch(CniPod::healthy);

    DaemonSetController kubelets = DaemonSetController.create().crashLoopingOn(TROUBLED_NODE);
    deletePodsOn(TROUBLED_NODE);
    for (int sync = 0; sync < 3; sync++) {
      kubelets.sync(client);
    }

    NetworkObservation cached = awaitCachedStatus(facts, o -> o.pods().stream()
        .anyMatch(p -> TROUBLED_NODE.equals(p.node()) && p.restarts() >= 2));
    CniPod looping = cached.pods().stream().filter(p -> TROUBLED_NODE.equals(p.node())).findFirst().orElseThrow();
    assertThat(looping.cni()).isEqualTo(Cni.CALICO);
    assertThat(looping.ready()).isFalse();
    assertThat(looping.waitingReason()).isEqualTo("CrashLoopBackOff");
    assertThat(looping.waitingImage()).isNotNull();
    assertThat(looping.restarts()).isEqualTo(2);
    assertThat(analyzed(cached).healthy()).isFalse();
    assertThat(cached.pods()).containsExactlyInAnyOrderElementsOf(
        new KubernetesStatusObserver(client).observe(Specs.auto(), facts).pods());
  }

  @Test
  void aCachedObserverRefusesASpecThatNamesOtherObjects() {
    KubeSampleCluster.HOST_NETWORK.seed(client);
    startedCache(Specs.auto());
    HybridNetworkSpec other = Specs.builder().secret("kube-system", "another-secret").build();

    assertThatThrownBy(() -> cache.observer().observe(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("build a new ClusterCache");
  }

  private static final String TROUBLED_NODE = KubeSampleCluster.ON_PREMISES_NODES.get(1);

  /** Deletes every pod bound to {@code node}, so that the next sync of a DaemonSet controller makes them anew. */
  private void deletePodsOn(String node) {
    for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
      if (node.equals(pod.getSpec().getNodeName())) {
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
      }
    }
  }

  /** The cached status once its watches delivered what {@code done} waits for (they follow the writes shortly). */
  private NetworkObservation awaitCachedStatus(KubernetesFacts facts, Predicate<NetworkObservation> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + SYNC.toNanos();
    NetworkObservation cached = cache.statusObserver().observe(Specs.auto(), facts);
    while (!done.test(cached) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      cached = cache.statusObserver().observe(Specs.auto(), facts);
    }
    return cached;
  }

  private static NetworkStatus analyzed(NetworkObservation observation) {
    return new StatusAnalyzer(Specs.auto().cloudNodeLabel()).analyze(Scenario.BGP, observation);
  }

  private static boolean calicoAllowsCloudNode(KubernetesFacts facts) {
    NodeInfo cloud = facts.nodes().stream().filter(n -> n.name().equals(KubeSampleCluster.CLOUD_NODE)).findFirst()
        .orElseThrow();
    return facts.cni().calico().daemonSet().placement().allows(cloud);
  }
}
