package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the cluster itself says about which ACK cluster it is, so that a kubeconfig pointed at another cluster is
 * caught before anything is written.
 *
 * <p>Two signals are read. ACK keeps a cluster's profile in ConfigMap {@value #PROFILE_NAMESPACE}/{@value
 * #PROFILE_NAME}, whose key {@value #PROFILE_CLUSTER_ID_KEY} is the cluster id: ACK's own addons read the id from
 * exactly there (kubernetes-sigs/alibaba-cloud-csi-driver, {@code pkg/cloud/metadata/ack_cluster_profile.go} maps
 * ClusterID to {@code clusterid} and AccountID to {@code uid}; {@code pkg/ens/ens.go} fails to start without it),
 * and the registration agent is granted {@code create} on ConfigMaps in {@code kube-system} to write it (Alibaba
 * Cloud, "RBAC permissions required by the ack-cluster-agent component"). Cloud nodes that ACK's node pools add
 * carry the label {@value #NODE_LABEL} with the cluster id (ACK's "create a script to add nodes" guide lists it in
 * {@code ALIBABA_CLOUD_LABELS}; ACK's Karpenter provider writes {@code ack.aliyun.com=<clusterID>} into the nodes
 * it registers), but a cluster may have no cloud node yet. Nothing else is read: only the profile's
 * {@value #PROFILE_CLUSTER_ID_KEY} is kept (the profile also holds the account id and network details, which
 * hybridcni has no use for), and no id is ever guessed from anything else.
 *
 * @param profilePresent whether the profile ConfigMap exists
 * @param signals every cluster id found and where, sorted by kind, id and place
 */
public record ClusterIdentity(boolean profilePresent, List<IdentitySignal> signals) {

  /** The node label that names the ACK cluster of a cloud node. */
  public static final String NODE_LABEL = "ack.aliyun.com";
  /** The namespace of ACK's cluster profile. */
  public static final String PROFILE_NAMESPACE = "kube-system";
  /** The ConfigMap of ACK's cluster profile. */
  public static final String PROFILE_NAME = "ack-cluster-profile";
  /** The key of the profile that holds the cluster id. */
  public static final String PROFILE_CLUSTER_ID_KEY = "clusterid";
  /** How many node names a node-label signal lists before it only counts. */
  static final int NODES_LISTED = 3;

  public ClusterIdentity {
    signals = Frozen.list(signals == null ? null : signals.stream()
        .sorted(Comparator.comparing(IdentitySignal::kind).thenComparing(IdentitySignal::clusterId)
            .thenComparing(IdentitySignal::where)).toList());
  }

  /** The distinct cluster ids the signals name, sorted. */
  @JsonIgnore
  public SortedSet<String> clusterIds() {
    SortedSet<String> ids = new TreeSet<>();
    signals.forEach(s -> ids.add(s.clusterId()));
    return ids;
  }

  /** Where the profile's cluster id is read, for people. */
  public static String profilePlace() {
    return "data." + PROFILE_CLUSTER_ID_KEY + " of ConfigMap " + PROFILE_NAMESPACE + "/" + PROFILE_NAME;
  }

  /** One signal per distinct value of {@value #NODE_LABEL} among {@code nodes}, naming the nodes that carry it. */
  public static List<IdentitySignal> fromNodeLabels(List<NodeInfo> nodes) {
    Map<String, List<String>> byId = new TreeMap<>();
    for (NodeInfo node : nodes) {
      String id = node.labels().get(NODE_LABEL);
      if (id != null && !id.isEmpty()) {
        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(node.name());
      }
    }
    List<IdentitySignal> signals = new ArrayList<>();
    byId.forEach((id, names) -> {
      List<String> sorted = names.stream().sorted().toList();
      String listed = String.join(", ", sorted.subList(0, Math.min(NODES_LISTED, sorted.size())))
          + (sorted.size() > NODES_LISTED ? " and " + (sorted.size() - NODES_LISTED) + " more" : "");
      signals.add(new IdentitySignal(IdentitySignal.Kind.NODE_LABEL, id,
          "label " + NODE_LABEL + " on " + sorted.size() + " node(s): " + listed));
    });
    return signals;
  }
}
