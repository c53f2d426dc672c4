package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample registered clusters for the fabric8 mock server in CRUD mode, each loaded from a YAML resource in
 * {@link KubeManifests#RESOURCE_DIRECTORY}: the shared {@value #NODES} (two on-premises nodes, {@code onprem-1}
 * and {@code onprem-2}, and the cloud node {@value #CLOUD_NODE} with label {@code alibabacloud.com/external=true}
 * and an ECS {@code providerID}) plus the cluster's own file. {@link #seed} creates the objects through the API and
 * then lets {@link DaemonSetController} place the DaemonSets' pods.
 */
public enum KubeSampleCluster {

  /** Manifest-installed Calico (upstream calico.yaml) in plain BGP mode: the runbook's scenario 2. */
  CALICO_BGP("calico-bgp.yaml"),
  /** Manifest-installed Calico with IPIP encapsulation: an overlay (scenario 1). */
  CALICO_IPIP("calico-ipip.yaml"),
  /** Calico installed by the Tigera operator, BGP without encapsulation: scenario 2, written to the Installation. */
  CALICO_OPERATOR("calico-operator.yaml"),
  /** Flannel VXLAN in namespace {@code kube-flannel}: an overlay. */
  FLANNEL_VXLAN("flannel-vxlan.yaml"),
  /** An older Flannel VXLAN in {@code kube-system}: an overlay. */
  FLANNEL_KUBE_SYSTEM("flannel-kube-system.yaml"),
  /** Cilium 1.13 with {@code tunnel: vxlan}: an overlay. */
  CILIUM_1_13_VXLAN("cilium-1.13-vxlan.yaml"),
  /** Cilium 1.15 with {@code routing-mode: native}: undecided, the user must state the mode. */
  CILIUM_1_15_NATIVE("cilium-1.15-native.yaml"),
  /** On-premises pods on the host network: no CNI objects at all (scenario 3 once the spec says so). */
  HOST_NETWORK("host-network.yaml");

  /** The file of nodes every sample cluster shares. */
  public static final String NODES = "nodes.yaml";
  /** The cloud node's name, as in {@code io.hybridcni.fixtures.SampleClusters#CLOUD_NODE}. */
  public static final String CLOUD_NODE = "cn-hangzhou.i-bp1cloudnode0001";
  /** The on-premises nodes' names. */
  public static final List<String> ON_PREMISES_NODES = List.of("onprem-1", "onprem-2");
  /** The Terway addon's DaemonSet as ACK installs it ({@code kube-system/terway-eniip}). */
  public static final String TERWAY_ADDON = "terway-eniip.yaml";

  private final String fileName;

  KubeSampleCluster(String fileName) {
    this.fileName = fileName;
  }

  /** The cluster's own YAML file name. */
  public String fileName() {
    return fileName;
  }

  /** Every object of the cluster: the shared nodes, then the cluster's file. */
  public List<HasMetadata> objects() {
    List<HasMetadata> objects = new ArrayList<>(KubeManifests.load(NODES));
    objects.addAll(KubeManifests.load(fileName));
    return objects;
  }

  /** Creates the cluster's objects through {@code client} and places the DaemonSets' pods. */
  public void seed(KubernetesClient client) {
    KubeManifests.create(client, objects());
    DaemonSetController.reconcile(client);
  }

  /**
   * Installs the Terway addon's DaemonSet as ACK would (the mock runs no addon manager) and places its pods on the
   * nodes its nodeSelector allows.
   */
  public static void installTerwayAddon(KubernetesClient client) {
    KubeManifests.create(client, KubeManifests.load(TERWAY_ADDON));
    DaemonSetController.reconcile(client);
  }
}
