package io.hybridcni.observe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Observed states for snapshot tests: one that uses every part of the model, with realistic values. */
final class ObservedStates {

  static final String EXTERNAL_LABEL = "alibabacloud.com/external";

  private ObservedStates() {}

  /** A registered cluster with two on-premises nodes and one ECS node, Calico by the Tigera operator. */
  static ObservedState full() {
    NodeSelectorRequirement notExternal = NodeSelectorRequirement.of(EXTERNAL_LABEL, NodeSelectorRequirement.NOT_IN,
        "true");
    NodeSelectorTerm linuxOnPremises = new NodeSelectorTerm(
        List.of(NodeSelectorRequirement.of("kubernetes.io/os", NodeSelectorRequirement.IN, "linux"), notExternal),
        List.of());
    NodeSelectorTerm byName = new NodeSelectorTerm(List.of(),
        List.of(NodeSelectorRequirement.of("metadata.name", NodeSelectorRequirement.IN, "idc-node-2")));

    Workload calicoNode = new Workload(WorkloadRef.daemonSet("calico-system", "calico-node"), "48213",
        new Placement(Map.of("kubernetes.io/os", "linux"), List.of(linuxOnPremises, byName)),
        List.of("docker.io/calico/node:v3.27.3"), List.of(), new UpdateStrategy("RollingUpdate", "10%"),
        "k8s-app=calico-node");
    TigeraInstallation installation = new TigeraInstallation("default", "48101", "Enabled",
        List.of(new TigeraInstallation.Pool("10.244.0.0/16", "IPIPCrossSubnet"),
            new TigeraInstallation.Pool("fd00:10:244::/56", "None")),
        Placement.terms(linuxOnPremises), new UpdateStrategy("RollingUpdate", "2"));
    Map<String, String> nodeEnv = new LinkedHashMap<>();
    nodeEnv.put("CALICO_IPV4POOL_IPIP", "CrossSubnet");
    nodeEnv.put("CALICO_IPV4POOL_VXLAN", "Never");
    nodeEnv.put("CALICO_NETWORKING_BACKEND", "bird");
    nodeEnv.put("FELIX_IPINIPMTU", "1440");
    CalicoFacts calico = new CalicoFacts(
        List.of(new IpPool("default-ipv4-ippool", "10.244.0.0/16", IpPool.CROSS_SUBNET, null, false),
            new IpPool("legacy-pool", "10.96.0.0/16", "", IpPool.NEVER, true)),
        "bird", nodeEnv, calicoNode, installation);

    FlannelFacts flannel = new FlannelFacts("kube-flannel",
        "{\n  \"Network\": \"10.244.0.0/16\",\n  \"Backend\": {\n    \"Type\": \"vxlan\"\n  }\n}\n",
        new Workload(WorkloadRef.daemonSet("kube-flannel", "kube-flannel-ds"), "1201", Placement.ANYWHERE,
            List.of("docker.io/flannel/flannel:v0.25.1", "docker.io/flannel/flannel-cni-plugin:v1.4.0-flannel1"),
            List.of(), UpdateStrategy.onDelete(), "app=flannel,tier=node"));
    CiliumFacts cilium = new CiliumFacts("1.15.4",
        Map.of("routing-mode", "tunnel", "tunnel-protocol", "vxlan", "enable-ipv4", "true"),
        new Workload(WorkloadRef.daemonSet("kube-system", "cilium"), null, null,
            List.of("quay.io/cilium/cilium:v1.15.4")));

    TerwayFacts terway = new TerwayFacts(new Workload(WorkloadRef.daemonSet("kube-system", "terway-eniip"), "50077",
        Placement.nodeSelector(Map.of(EXTERNAL_LABEL, "true")),
        List.of("registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/terway:v1.9.0")),
        List.of("alibaba-addon-secret"), ValueHash.of("LTAI5tExampleKeyId00000"));

    SecretFacts secret = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "50012",
        Map.of("access-key-id", ValueHash.of("LTAI5tExampleKeyId00000"),
            "access-key-secret", ValueHash.of("exampleSecretValueNotReal0000000")),
        Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE));

    RamFacts ram = new RamFacts(
        new RamFacts.User("ack-one-user-c5f0e4a3b2", "216739012345678901", RamFacts.User.HYBRIDCNI_COMMENTS),
        new RamFacts.Policy("ack-one-registered-cluster-policy-terway-eniip", "Custom", "v2",
            List.of(new RamFacts.PolicyVersion("v1", false, "2024-03-01T08:00:00Z"),
                new RamFacts.PolicyVersion("v2", true, "2024-05-20T10:30:00Z")),
            "{\"Version\":\"1\",\"Statement\":[{\"Action\":[\"ecs:CreateNetworkInterface\","
                + "\"ecs:DescribeNetworkInterfaces\"],\"Resource\":[\"*\"],\"Effect\":\"Allow\"}]}", 1,
            List.of(new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER, "ack-one-user-c5f0e4a3b2"))),
        List.of(new RamFacts.AttachedPolicy("ack-one-registered-cluster-policy-terway-eniip", "Custom"),
            new RamFacts.AttachedPolicy("AliyunVPCReadOnlyAccess", "System")),
        List.of(new RamFacts.AccessKey("LTAI5tExampleKeyId00000", "Active", "2024-05-20T10:31:07Z"),
            new RamFacts.AccessKey("LTAI5tOrphanKeyId000000", "Inactive", "2023-11-02T02:00:00Z")));

    return ObservedState.builder()
        .node(new NodeInfo("idc-node-1", Map.of("kubernetes.io/hostname", "idc-node-1", "kubernetes.io/os", "linux",
            "node-role.kubernetes.io/control-plane", ""), null, true, false))
        .node(new NodeInfo("idc-node-2", Map.of("kubernetes.io/hostname", "idc-node-2", "kubernetes.io/os", "linux"),
            null, true, false))
        .node(new NodeInfo("cn-hangzhou.i-bp1example0001", Map.of(EXTERNAL_LABEL, "true",
            "kubernetes.io/os", "linux", "topology.kubernetes.io/zone", "cn-hangzhou-h",
            ClusterIdentity.NODE_LABEL, "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b"),
            "cn-hangzhou.i-bp1example0001", false, true))
        .calico(calico)
        .flannel(flannel)
        .cilium(cilium)
        .terway(terway)
        .secret(secret)
        .ram(ram)
        .cluster(new ClusterFacts("c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b", ClusterFacts.REGISTERED_TYPE, "running",
            "cn-hangzhou"))
        .addon(new AddonInstance("terway-eniip", "v1.9.0", AddonInstance.ACTIVE))
        .addon(new AddonInstance("logtail-ds", null, "updating"))
        .identity(new ClusterIdentity(true, List.of(
            new IdentitySignal(IdentitySignal.Kind.NODE_LABEL, "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b",
                "label ack.aliyun.com on 1 node(s): cn-hangzhou.i-bp1example0001"),
            new IdentitySignal(IdentitySignal.Kind.CLUSTER_PROFILE, "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b",
                "data.clusterid of ConfigMap kube-system/ack-cluster-profile"))))
        .secretNamespace(new NamespaceFacts("kube-system", true))
        .build();
  }
}
