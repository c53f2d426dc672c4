package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample registered clusters for the fabric8 mock server in CRUD mode, each loaded from a YAML resource in
 * {@link KubeManifests#RESOURCE_DIRECTORY}: the shared {@value #NODES} (two on-premises nodes, {@code onprem-1}
 * and {@code onprem-2}, and the cloud node {@value #CLOUD_NODE} with label {@code alibabacloud.com/external=true},
 * {@code ack.aliyun.com=<cluster id>} and an ECS {@code providerID}), the shared {@value #REGISTERED} (the system
 * namespaces, ACK's agent {@code kube-system/ack-cluster-agent} and the cluster profile
 * {@code kube-system/ack-cluster-profile} naming the cluster id) plus the cluster's own file. Every sample is cluster {@value #SAMPLE_CLUSTER_ID}, unless {@link #objects(String)} makes it another. {@link #seed} creates the objects through the API and
 * then lets {@link DaemonSetController} place the DaemonSets' pods.
 */
public enum KubeSampleCluster {

  /** Manifest-installed Calico (upstream calico.yaml) in plain BGP mode: the runbook's scenario 2. */
  CALICO_BGP("calico-bgp.yaml"),
  /** Manifest-installed Calico with IPIP encapsulation: an overlay (scenario 1). */
  CALICO_IPIP("calico-ipip.yaml"),
  /** Manifest-installed Calico (upstream calico-vxlan.yaml) with VXLAN encapsulation always: an overlay. */
  CALICO_VXLAN("calico-vxlan.yaml"),
  /**
   * Manifest-installed Calico on the etcd datastore (upstream calico-etcd.yaml): its IP pools live in etcd, not in
   * the Kubernetes API, so detection cannot decide and the user must state the mode.
   */
  CALICO_ETCD("calico-etcd.yaml"),
  /** Calico installed by the Tigera operator, BGP without encapsulation: scenario 2, written to the Installation. */
  CALICO_OPERATOR("calico-operator.yaml"),
  /** Flannel VXLAN in namespace {@code kube-flannel}: an overlay. */
  FLANNEL_VXLAN("flannel-vxlan.yaml"),
  /** An older Flannel VXLAN in {@code kube-system}: an overlay. */
  FLANNEL_KUBE_SYSTEM("flannel-kube-system.yaml"),
  /** Canal (Calico's canal.yaml): Flannel VXLAN for networking, Calico for policy only: an overlay. */
  CANAL("canal.yaml"),
  /** Cilium 1.13 with {@code tunnel: vxlan}: an overlay. */
  CILIUM_1_13_VXLAN("cilium-1.13-vxlan.yaml"),
  /** Cilium 1.15 with {@code routing-mode: native}: undecided, the user must state the mode. */
  CILIUM_1_15_NATIVE("cilium-1.15-native.yaml"),
  /** On-premises pods on the host network: no CNI objects at all (scenario 3 once the spec says so). */
  HOST_NETWORK("host-network.yaml");

  /** The file of nodes every sample cluster shares. */
  public static final String NODES = "nodes.yaml";
  /** The system namespaces and ACK's registration agent every sample cluster shares. */
  public static final String REGISTERED = "registered-cluster.yaml";
  /** The ACK cluster id the samples carry (as {@code io.hybridcni.fixtures.Specs#CLUSTER_ID}). */
  public static final String SAMPLE_CLUSTER_ID = "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";
  /** The label ACK's node pools put on the cloud nodes they add: the cluster id. */
  public static final String CLUSTER_ID_LABEL = "ack.aliyun.com";
  /** ACK's registration agent's Deployment, in {@code kube-system}. */
  public static final String AGENT = "ack-cluster-agent";
  /** ACK's cluster profile ConfigMap, in {@code kube-system}, naming the cluster id. */
  public static final String PROFILE = "ack-cluster-profile";
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

  /** Every object of the cluster: the shared nodes and registration, then the cluster's file. */
  public List<HasMetadata> objects() {
    List<HasMetadata> objects = new ArrayList<>(KubeManifests.load(NODES));
    objects.addAll(KubeManifests.load(REGISTERED));
    objects.addAll(KubeManifests.load(fileName));
    return objects;
  }

  /**
   * The same cluster registered as {@code clusterId}: the cloud node's {@value #CLUSTER_ID_LABEL} label and the
   * cluster profile's {@code clusterid} name it instead of {@value #SAMPLE_CLUSTER_ID}. A kubeconfig pointed at this cluster with a
   * spec for {@value #SAMPLE_CLUSTER_ID} is pointed at another registered cluster.
   */
  public List<HasMetadata> objects(String clusterId) {
    List<HasMetadata> objects = objects();
    for (HasMetadata object : objects) {
      if (object instanceof Node node && node.getMetadata().getLabels() != null
          && node.getMetadata().getLabels().containsKey(CLUSTER_ID_LABEL)) {
        node.getMetadata().getLabels().put(CLUSTER_ID_LABEL, clusterId);
      }
      if (object instanceof ConfigMap profile && PROFILE.equals(profile.getMetadata().getName())) {
        profile.getData().put("clusterid", clusterId);
      }
    }
    return objects;
  }

  /** Creates the cluster's objects through {@code client} and places the DaemonSets' pods. */
  public void seed(KubernetesClient client) {
    seed(client, SAMPLE_CLUSTER_ID);
  }

  /** Creates the cluster, registered as {@code clusterId} (see {@link #objects(String)}), and places its pods. */
  public void seed(KubernetesClient client, String clusterId) {
    KubeManifests.create(client, objects(clusterId));
    DaemonSetController.reconcile(client);
  }

  /** The Secret the registered-cluster addons share and Terway mounts. */
  public static final String SHARED_SECRET_NAMESPACE = "kube-system";
  public static final String SHARED_SECRET_NAME = "alibaba-addon-secret";

  /**
   * Creates {@code kube-system/alibaba-addon-secret} as the runbook's console path and onectl leave it: type
   * {@code Opaque}, {@code access-key-id} and {@code access-key-secret} holding a RAM user's key (base64 in
   * {@code data}), no hybridcni label, plus whatever other keys the addons sharing it keep ({@code otherData}, plain
   * text). Runbook step 1; the keys are those Terway reads (AliyunContainerService/terway, since v1.8.0).
   */
  public static void seedSharedAddonSecret(KubernetesClient client, String accessKeyId, String accessKeySecret,
      java.util.Map<String, String> otherData) {
    java.util.Map<String, String> data = new java.util.LinkedHashMap<>();
    java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
    otherData.forEach((k, v) -> data.put(k, base64.encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    data.put("access-key-id", base64.encodeToString(accessKeyId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    data.put("access-key-secret",
        base64.encodeToString(accessKeySecret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    client.secrets().inNamespace(SHARED_SECRET_NAMESPACE).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withNamespace(SHARED_SECRET_NAMESPACE).withName(SHARED_SECRET_NAME).endMetadata()
        .withType("Opaque").withData(data).build()).create();
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
