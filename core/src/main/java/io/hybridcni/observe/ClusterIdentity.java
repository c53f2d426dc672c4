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
 * <p>Two signals are read. Cloud nodes that ACK's node pools add carry the label {@value #NODE_LABEL} with the
 * cluster id (ACK's "create a script to add nodes" guide lists it in {@code ALIBABA_CLOUD_LABELS}; ACK's
 * Karpenter provider writes {@code ack.aliyun.com=<clusterID>} into the nodes it registers), but a cluster may have
 * no cloud node yet. ACK's registration agent, Deployment {@value #AGENT_NAMESPACE}/{@value #AGENT_NAME}, is in
 * every registered cluster; where it keeps its cluster id is not in ACK's public documentation (its ConfigMap
 * {@code ack-agent-config} holds {@code addNodeScriptPath}, {@code enableNodepool} and {@code isInit}, no id), so
 * the observer reads a cluster id from the agent's container env or args only where it is named as one (see
 * {@link #agentClusterIdName}), and never guesses one from anything else.
 *
 * @param agentPresent whether the agent's Deployment exists
 * @param signals every cluster id found and where, sorted by kind, id and place
 */
public record ClusterIdentity(boolean agentPresent, List<IdentitySignal> signals) {

  /** The node label that names the ACK cluster of a cloud node. */
  public static final String NODE_LABEL = "ack.aliyun.com";
  /** The namespace of ACK's registration agent. */
  public static final String AGENT_NAMESPACE = "kube-system";
  /** The Deployment of ACK's registration agent. */
  public static final String AGENT_NAME = "ack-cluster-agent";
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

  /**
   * Whether an env var or flag of the agent names a cluster id: its name, upper-cased and without {@code -} and
   * {@code _}, is {@code CLUSTERID} or ends with it ({@code CLUSTER_ID}, {@code ACK_CLUSTER_ID},
   * {@code --cluster-id}).
   */
  public static boolean agentClusterIdName(String name) {
    if (name == null) {
      return false;
    }
    String squashed = name.replace("-", "").replace("_", "").toUpperCase(java.util.Locale.ROOT);
    return squashed.endsWith("CLUSTERID");
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
