package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.detect.ScenarioDetector;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.TigeraInstallation;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Scenario;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder;
import io.hybridcni.observe.UpdateStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@EnableKubeApiMock
class KubernetesObserverTest {

  KubernetesMockServer server;
  KubernetesClient client;

  private KubernetesObserver observer;

  @AfterEach
  void closeObserver() {
    if (observer != null) {
      observer.close();
    }
  }

  private KubernetesFacts observe(KubeSampleCluster cluster) {
    cluster.seed(client);
    observer = KubernetesObserver.builder(client).build();
    return observer.observe(Specs.auto());
  }

  private static ObservedState state(KubernetesFacts facts) {
    return ObservedState.of(facts, new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
  }

  @ParameterizedTest(name = "{0} is detected as {1}")
  @CsvSource({
      "CALICO_BGP, BGP",
      "CALICO_IPIP, OVERLAY",
      "CALICO_VXLAN, OVERLAY",
      "CALICO_ETCD, UNKNOWN",
      "CALICO_OPERATOR, BGP",
      "FLANNEL_VXLAN, OVERLAY",
      "FLANNEL_KUBE_SYSTEM, OVERLAY",
      "CANAL, OVERLAY",
      "CILIUM_1_13_VXLAN, OVERLAY",
      "CILIUM_1_15_NATIVE, UNKNOWN",
      "HOST_NETWORK, UNKNOWN"
  })
  void eachSampleClusterIsDetectedAsItsScenario(KubeSampleCluster cluster, Scenario expected) {
    KubernetesFacts facts = observe(cluster);

    assertThat(new ScenarioDetector().detect(state(facts)).scenario()).isEqualTo(expected);
  }

  @Test
  void calicoBgpClusterYieldsPoolsBackendResolvedEnvAndWhereCalicoRuns() {
    KubernetesFacts facts = observe(KubeSampleCluster.CALICO_BGP);

    assertThat(facts.cni().flannel()).isNull();
    assertThat(facts.cni().cilium()).isNull();
    assertThat(facts.cni().calico().ipPools())
        .containsExactly(new IpPool("default-ipv4-ippool", "10.244.0.0/16", "Never", "Never", false));
    assertThat(facts.cni().calico().calicoBackend()).isEqualTo("bird");
    // CALICO_NETWORKING_BACKEND comes from calico-config through configMapKeyRef.
    assertThat(facts.cni().calico().nodeEnv()).isEqualTo(Map.of("CALICO_IPV4POOL_IPIP", "Never",
        "CALICO_IPV4POOL_VXLAN", "Never", "CALICO_NETWORKING_BACKEND", "bird", "DATASTORE_TYPE", "kubernetes"));
    assertThat(facts.cni().calico().installation()).isNull();
    assertThat(facts.cni().calico().daemonSet().ref()).isEqualTo(WorkloadRef.daemonSet("kube-system", "calico-node"));
    assertThat(facts.cni().calico().daemonSet().placement()).isEqualTo(SampleClusters.linuxOnly());
    assertThat(facts.cni().calico().daemonSet().resourceVersion()).isNotBlank();
    assertThat(facts.cni().calico().daemonSet().images())
        .containsExactly(SampleClusters.CALICO_IMAGE, "docker.io/calico/cni:v3.27.3");
    assertThat(facts.nodes()).extracting(NodeInfo::name)
        .containsExactly(SampleClusters.CLOUD_NODE, "onprem-1", "onprem-2");
    assertThat(facts.nodes()).allMatch(NodeInfo::runsCalico).noneMatch(NodeInfo::runsTerway);
    assertThat(facts.terway()).isNull();
    assertThat(facts.secret().present()).isFalse();
  }

  @Test
  void calicoVxlanClusterIsAVxlanOverlayFromItsPoolOnTheKubernetesDatastore() {
    KubernetesFacts facts = observe(KubeSampleCluster.CALICO_VXLAN);

    assertThat(facts.cni().calico().ipPools())
        .containsExactly(new IpPool("default-ipv4-ippool", "10.244.0.0/16", "Never", "Always", false));
    assertThat(facts.cni().calico().calicoBackend()).isEqualTo("vxlan");
    assertThat(facts.cni().calico().nodeEnv()).containsEntry("DATASTORE_TYPE", "kubernetes")
        .containsEntry("CALICO_IPV4POOL_VXLAN", "Always").containsEntry("CALICO_NETWORKING_BACKEND", "vxlan");

    var detection = new ScenarioDetector().detect(state(facts));
    assertThat(detection.scenario()).isEqualTo(Scenario.OVERLAY);
    assertThat(detection.summary()).isEqualTo("Calico VXLAN overlay");
    assertThat(detection.cniWorkload()).isEqualTo(WorkloadRef.daemonSet("kube-system", "calico-node"));
  }

  @Test
  void calicoEtcdClusterIsUndecidedNamingTheEtcdDatastoreAndOnlyHintingFromTheEnv() {
    KubernetesFacts facts = observe(KubeSampleCluster.CALICO_ETCD);

    assertThat(facts.cni().calico().ipPools()).isEmpty();
    assertThat(facts.cni().calico().nodeEnv()).doesNotContainKey("DATASTORE_TYPE")
        .containsEntry("ETCD_ENDPOINTS", "https://10.0.0.21:2379,https://10.0.0.22:2379,https://10.0.0.23:2379")
        .containsEntry("CALICO_IPV4POOL_IPIP", "Always");

    var detection = new ScenarioDetector().detect(state(facts));
    assertThat(detection.scenario()).isEqualTo(Scenario.UNKNOWN);
    assertThat(detection.cniWorkload()).isEqualTo(WorkloadRef.daemonSet("kube-system", "calico-node"));
    assertThat(detection.findings()).singleElement().satisfies(f -> {
      assertThat(f.code()).isEqualTo(ScenarioDetector.UNDECIDED);
      assertThat(f.message()).contains("etcd datastore").contains("suggest an IPIP overlay")
          .contains("calicoctl get ippool -o yaml").contains("Set network.mode");
    });
  }

  @Test
  void nodesKeepTheirProviderIdAndOnlyTheLabelsAPlacementCanLookAt() {
    KubernetesFacts facts = observe(KubeSampleCluster.CALICO_BGP);

    NodeInfo cloud = facts.nodes().get(0);
    assertThat(cloud.providerId()).isEqualTo("cn-hangzhou.i-bp1cloudnode0001");
    // The cloud label, the cluster id label and the keys calico-node's placement uses; instance type, zone and
    // pool id are dropped.
    assertThat(cloud.labels()).isEqualTo(Map.of("alibabacloud.com/external", "true", "ack.aliyun.com",
        KubeSampleCluster.SAMPLE_CLUSTER_ID, "kubernetes.io/hostname", SampleClusters.CLOUD_NODE,
        "kubernetes.io/os", "linux"));
    assertThat(facts.nodes().get(1)).isEqualTo(SampleClusters.onPremNode("onprem-1", true));
  }

  @Test
  void canalIsReadAsFlannelFromCanalConfigWithCalicoPolicyOnlyInTheSameDaemonSet() {
    KubernetesFacts facts = observe(KubeSampleCluster.CANAL);

    WorkloadRef canal = WorkloadRef.daemonSet("kube-system", "canal");
    assertThat(facts.cni().flannel().configMap()).isEqualTo("canal-config");
    assertThat(facts.cni().flannel().canal()).isTrue();
    assertThat(facts.cni().flannel().netConfJson()).contains("\"Type\": \"vxlan\"");
    assertThat(facts.cni().flannel().daemonSet().ref()).isEqualTo(canal);
    assertThat(facts.cni().calico().daemonSet().ref()).isEqualTo(canal);
    assertThat(facts.cni().calico().nodeEnv()).containsEntry("CALICO_NETWORKING_BACKEND", "none");
    assertThat(facts.nodes()).allMatch(NodeInfo::runsCalico);

    var detection = new ScenarioDetector().detect(state(facts));
    assertThat(detection.scenario()).isEqualTo(Scenario.OVERLAY);
    assertThat(detection.cni()).isEqualTo("canal");
    assertThat(detection.cniWorkload()).isEqualTo(canal);
  }

  @Test
  void aCalicoNodeThatHelmOrArgoOrFluxWritesSaysWhichToolSyncsIt() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
      ds.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "Helm");
      ds.getMetadata().getLabels().put("kustomize.toolkit.fluxcd.io/name", "infra");
      ds.getMetadata().getLabels().put("kustomize.toolkit.fluxcd.io/namespace", "flux-system");
      ds.getMetadata().setAnnotations(Map.of("meta.helm.sh/release-name", "calico",
          "meta.helm.sh/release-namespace", "tigera", "argocd.argoproj.io/tracking-id",
          "network:apps/DaemonSet:kube-system/calico-node"));
      return ds;
    });
    observer = KubernetesObserver.builder(client).build();

    KubernetesFacts facts = observer.observe(Specs.auto());

    assertThat(facts.cni().calico().daemonSet().syncedBy()).containsExactly("Helm release calico in tigera",
        "Argo CD application network", "Flux Kustomization flux-system/infra");
  }

  @Test
  void calicoNodesUpdateStrategyAndSelectorAreReadAsTheManifestWritesThem() {
    KubernetesFacts facts = observe(KubeSampleCluster.CALICO_BGP);

    assertThat(facts.cni().calico().daemonSet().updateStrategy()).isEqualTo(new UpdateStrategy("RollingUpdate", "1"));
    assertThat(facts.cni().calico().daemonSet().selector()).isEqualTo("k8s-app=calico-node");
  }

  @Test
  void anOnDeleteCalicoNodeIsReadAsOnDeleteAndAPercentMaxUnavailableAsWritten() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
      ds.getSpec().setUpdateStrategy(new DaemonSetUpdateStrategyBuilder().withType("OnDelete").build());
      return ds;
    });
    client.apps().daemonSets().inNamespace("kube-flannel").resource(new DaemonSetBuilder().withNewMetadata()
        .withName("kube-flannel-ds").withNamespace("kube-flannel").endMetadata().withNewSpec()
        .withNewSelector().addToMatchLabels("app", "flannel").addNewMatchExpression().withKey("tier")
        .withOperator("In").withValues("node", "edge").endMatchExpression().endSelector()
        .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString("25%")).endRollingUpdate().endUpdateStrategy()
        .withNewTemplate().withNewSpec().addNewContainer().withName("kube-flannel").withImage("flannel:v0.25.1")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
    observer = KubernetesObserver.builder(client).build();

    var ds = observer.observe(Specs.auto()).cni().calico().daemonSet();
    var flannel = DaemonSets.workload(client.apps().daemonSets().inNamespace("kube-flannel")
        .withName("kube-flannel-ds").get());

    assertThat(ds.updateStrategy()).isEqualTo(UpdateStrategy.onDelete());
    assertThat(ds.updateStrategy().maxUnavailable()).isNull();
    assertThat(flannel.updateStrategy()).isEqualTo(new UpdateStrategy("RollingUpdate", "25%"));
    assertThat(flannel.selector()).isEqualTo("app=flannel,tier in (node,edge)");
  }

  @Test
  void aDaemonSetWrittenWithoutAnUpdateStrategyReadsAsTheApiServerDefaultsIt() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
      ds.getSpec().setUpdateStrategy(null);
      return ds;
    });
    observer = KubernetesObserver.builder(client).build();

    assertThat(observer.observe(Specs.auto()).cni().calico().daemonSet().updateStrategy())
        .isEqualTo(UpdateStrategy.DEFAULT).isEqualTo(new UpdateStrategy("RollingUpdate", "1"));
  }

  @Test
  void theInstallationsNodeUpdateStrategyIsReadAndItsAbsenceIsTheOperatorsRollingUpdateDefault() {
    KubernetesFacts defaults = observe(KubeSampleCluster.CALICO_OPERATOR);
    assertThat(defaults.cni().calico().installation().nodeUpdateStrategy()).isEqualTo(UpdateStrategy.DEFAULT);
    observer.close();

    client.genericKubernetesResources(Resources.TIGERA_INSTALLATIONS).withName("default").edit(r -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
      spec.put("nodeUpdateStrategy", Map.of("type", "OnDelete"));
      return r;
    });
    observer = KubernetesObserver.builder(client).build();

    assertThat(observer.observe(Specs.auto()).cni().calico().installation().nodeUpdateStrategy())
        .isEqualTo(UpdateStrategy.onDelete());
  }

  @Test
  void aCalicoNodeNoToolOwnsIsSyncedByNone() {
    assertThat(observe(KubeSampleCluster.CALICO_BGP).cni().calico().daemonSet().syncedBy()).isEmpty();
  }

  @Test
  void operatorCalicoIsReadFromTheInstallationAndCalicoSystem() {
    KubernetesFacts facts = observe(KubeSampleCluster.CALICO_OPERATOR);

    TigeraInstallation installation = facts.cni().calico().installation();
    assertThat(installation.name()).isEqualTo("default");
    assertThat(installation.bgp()).isEqualTo("Enabled");
    assertThat(installation.pools()).containsExactly(new TigeraInstallation.Pool("10.244.0.0/16", "None"));
    assertThat(installation.calicoNodePlacement()).isEqualTo(Placement.ANYWHERE);
    assertThat(installation.resourceVersion()).isNotBlank();
    assertThat(facts.cni().calico().daemonSet().ref())
        .isEqualTo(WorkloadRef.daemonSet("calico-system", "calico-node"));
    assertThat(facts.cni().calico().calicoBackend()).isNull();
    assertThat(facts.nodes()).allMatch(NodeInfo::runsCalico);
    assertThat(new ScenarioDetector().detect(state(facts)).cniWorkload())
        .isEqualTo(WorkloadRef.tigeraInstallation("default"));
  }

  @Test
  void flannelIsFoundInKubeFlannelWithItsAffinityAndInKubeSystemWhenOlder() {
    KubernetesFacts current = observe(KubeSampleCluster.FLANNEL_VXLAN);
    assertThat(current.cni().flannel().namespace()).isEqualTo("kube-flannel");
    assertThat(current.cni().flannel().netConfJson()).contains("\"Type\": \"vxlan\"");
    assertThat(current.cni().flannel().daemonSet().placement().requiredTerms()).containsExactly(
        NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux")));
    assertThat(current.cni().calico()).isNull();

    server.reset();
    observer.close();
    KubernetesFacts older = observe(KubeSampleCluster.FLANNEL_KUBE_SYSTEM);
    assertThat(older.cni().flannel().namespace()).isEqualTo("kube-system");
    assertThat(older.cni().flannel().daemonSet().ref())
        .isEqualTo(WorkloadRef.daemonSet("kube-system", "kube-flannel-ds-amd64"));
    assertThat(older.nodes().get(1).labels()).containsEntry("beta.kubernetes.io/arch", "amd64");
  }

  @Test
  void aCalicoDaemonSetTheSpecNamesIsTheOneObservedAndItsPlacementKeysAreKeptOnNodes() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    DaemonSet copy = client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get();
    copy.getMetadata().setName("calico-node-workers");
    copy.getMetadata().setResourceVersion(null);
    copy.getMetadata().setUid(null);
    copy.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("node-role.kubernetes.io/worker", ""));
    client.resource(copy).create();
    observer = KubernetesObserver.builder(client).build();

    KubernetesFacts facts = observer.observe(Specs.builder()
        .onPremisesCni(WorkloadRef.daemonSet("kube-system", "calico-node-workers")).build());

    assertThat(facts.cni().calico().daemonSet().ref())
        .isEqualTo(WorkloadRef.daemonSet("kube-system", "calico-node-workers"));
    assertThat(facts.nodes().get(1).labels()).containsEntry("node-role.kubernetes.io/worker", "");
  }

  @Test
  void ciliumVersionIsTheAgentImageTagAndTheWholeConfigIsKept() {
    KubernetesFacts facts = observe(KubeSampleCluster.CILIUM_1_13_VXLAN);

    assertThat(facts.cni().cilium().version()).isEqualTo("v1.13.4");
    assertThat(facts.cni().cilium().config()).containsEntry("tunnel", "vxlan").containsEntry("ipam", "cluster-pool");
    assertThat(facts.cni().cilium().daemonSet().ref()).isEqualTo(WorkloadRef.daemonSet("kube-system", "cilium"));
  }

  @Test
  void hostNetworkClusterHasNoCniFacts() {
    KubernetesFacts facts = observe(KubeSampleCluster.HOST_NETWORK);

    assertThat(facts.cni().calico()).isNull();
    assertThat(facts.cni().flannel()).isNull();
    assertThat(facts.cni().cilium()).isNull();
    assertThat(facts.nodes()).hasSize(3).noneMatch(NodeInfo::runsCalico);
  }

  @Test
  void terwayPlacementAndPodsAreObserved() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    KubeSampleCluster.installTerwayAddon(client);
    observer = KubernetesObserver.builder(client).build();

    KubernetesFacts facts = observer.observe(Specs.auto());

    assertThat(facts.terway().daemonSet().ref()).isEqualTo(WorkloadRef.daemonSet("kube-system", "terway-eniip"));
    assertThat(facts.terway().daemonSet().placement())
        .isEqualTo(Placement.nodeSelector(Map.of("alibabacloud.com/external", "true")));
    assertThat(facts.nodes()).filteredOn(NodeInfo::runsTerway).extracting(NodeInfo::name)
        .containsExactly(SampleClusters.CLOUD_NODE);
  }

  @Test
  void anObserverFromAKubeconfigContextReadsThatContextsClusterAndClosesItsClient(@TempDir Path dir)
      throws Exception {
    KubeSampleCluster.CALICO_BGP.seed(client);
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "current-context: elsewhere",
        "clusters:",
        "- name: mock",
        "  cluster:",
        "    server: " + server.url("/"),
        "    insecure-skip-tls-verify: true",
        "- name: unreachable",
        "  cluster:",
        "    server: https://127.0.0.1:1",
        "contexts:",
        "- name: hybrid",
        "  context: {cluster: mock, user: ops}",
        "- name: elsewhere",
        "  context: {cluster: unreachable, user: ops}",
        "users:",
        "- name: ops",
        "  user: {token: not-a-real-token}",
        ""));

    try (KubernetesObserver fromFile = KubernetesObserver.fromKubeconfig(kubeconfig, "hybrid")) {
      assertThat(fromFile.observe(Specs.auto()).nodes()).hasSize(3);
    }
    // fabric8 alone would silently use the current context instead of a missing one.
    assertThatThrownBy(() -> KubeconfigClients.create(kubeconfig, "hybird"))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("has no context hybird; it has [elsewhere, hybrid]");
  }

  @Test
  void aKubeconfigThatCannotBeReadIsAnErrorNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing-kubeconfig");

    assertThatThrownBy(() -> KubeconfigClients.create(missing, null))
        .isInstanceOf(io.hybridcni.error.InvalidInputException.class)
        .hasMessage(missing + ": (document): a kubeconfig, found nothing at this path");
  }

  @Test
  void aMissingCalicoCrdReadsAsNoPools() {
    KubeSampleCluster.FLANNEL_VXLAN.seed(client);
    server.expect().get().withPath("/apis/crd.projectcalico.org/v1/ippools")
        .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound")
            .withMessage("the server could not find the requested resource").build())
        .always();
    observer = KubernetesObserver.builder(client).build();

    KubernetesFacts facts = observer.observe(Specs.auto());

    assertThat(facts.cni().calico()).isNull();
    assertThat(facts.cni().flannel()).isNotNull();
  }

  @Test
  void aRefusedPermissionNamesTheVerbResourceAndNamespace() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    server.expect().get().withPath("/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(
            "secrets \"alibaba-addon-secret\" is forbidden: User \"system:serviceaccount:ops:hybridcni\" cannot "
                + "get resource \"secrets\" in API group \"\" in the namespace \"kube-system\"").build())
        .always();
    observer = KubernetesObserver.builder(client).build();

    assertThatThrownBy(() -> observer.observe(Specs.auto()))
        .isInstanceOf(HybridCniException.class)
        .hasMessageContaining("not permitted to get secrets in namespace kube-system")
        .hasMessageContaining("403 Forbidden");
  }
}
