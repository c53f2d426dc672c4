package io.hybridcni.planner;

import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.LabelColumns;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.Workload;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one plan needs to know of every observed node, read in one pass: its name, whether Calico and Terway run
 * there, whether it carries the cloud label and whether it is a cloud node ({@link NodeClassifier#cloud}). A plan of
 * a large cluster asked these of each node in four passes (Terway's placement, the CNI exclusion, the two node-set
 * facts), and each pass walked every node's record and labels again: with 5,000 nodes those records no longer fit in
 * a core's cache, so each pass was mostly waiting for memory, and the cloud check parsed each cloud node's provider
 * id twice. Here they are read once into flat arrays (names, flags and the {@link LabelColumns} of the keys the
 * placements select on), which the later passes scan instead.
 *
 * <p>Built anew for every plan from that plan's observed nodes and dropped with it: nothing is kept between plans.
 */
final class NodeCensus {

  /** The flags of {@link #has}: Calico runs there, Terway runs there, the cloud label, a cloud node. */
  static final int CALICO = 1;
  static final int TERWAY = 2;
  static final int LABELLED_CLOUD = 4;
  static final int CLOUD = 8;

  private final List<NodeInfo> nodes;
  private final NodeLabel cloudLabel;
  private final String[] names;
  private final byte[] flags;
  private final boolean anyLabelledCloud;
  private final List<String> columnKeys;
  private LabelColumns labels;
  private Boolean namesInOrder;

  /**
   * Reads the nodes of {@code state}, classified by {@code classifier}, with the label keys that the placements of
   * its workloads (and of the Terway addon) select on, in the same pass when {@code readColumns}.
   */
  static NodeCensus of(ObservedState state, NodeClassifier classifier, boolean readColumns) {
    Set<String> keys = new LinkedHashSet<>();
    keys.add(Planner.TERWAY_ADDON_NODE_SELECTOR.key());
    for (Workload w : Workloads.all(state)) {
      addKeys(w.placement(), keys);
    }
    CalicoFacts calico = state.cni().calico();
    if (calico != null && calico.installation() != null) {
      addKeys(calico.installation().calicoNodePlacement(), keys);
    }
    return new NodeCensus(state.nodes(), classifier, keys, readColumns);
  }

  private static void addKeys(Placement placement, Set<String> keys) {
    keys.addAll(placement.nodeSelector().keySet());
    for (NodeSelectorTerm term : placement.requiredTerms()) {
      for (NodeSelectorRequirement r : term.matchExpressions()) {
        keys.add(r.key());
      }
    }
  }

  /**
   * Reads {@code nodes}, classified by {@code classifier}, with the values of the cloud label's key and of
   * {@code keys} (a placement with another key still matches: it looks that key up in the node's labels): in the
   * same pass when {@code readColumns}, else at the first call of {@link #labels}.
   */
  NodeCensus(List<NodeInfo> nodes, NodeClassifier classifier, Collection<String> keys, boolean readColumns) {
    this.nodes = nodes;
    this.cloudLabel = classifier.cloudLabel();
    this.columnKeys = new ArrayList<>();
    columnKeys.add(cloudLabel.key());
    columnKeys.addAll(keys);
    // Read with the flags, in the same pass, when the plan is going to match placements against every node.
    labels = readColumns ? LabelColumns.unread(nodes, columnKeys) : null;
    int cloudColumn = labels == null ? -1 : labels.column(cloudLabel.key());
    String cloudValue = cloudLabel.value();
    int size = nodes.size();
    names = new String[size];
    flags = new byte[size];
    boolean labelled = false;
    // Room for a provider id of the usual length; a longer one gets an array of its own.
    char[] scratch = new char[64];
    for (int i = 0; i < size; i++) {
      NodeInfo node = nodes.get(i);
      names[i] = node.name();
      int f = (node.runsCalico() ? CALICO : 0) | (node.runsTerway() ? TERWAY : 0);
      boolean labelledCloud;
      if (labels != null) {
        labels.read(i);
        // As NodeClassifier.labelledCloud, from the column.
        labelledCloud = cloudValue.equals(labels.value(cloudColumn, i));
      } else {
        labelledCloud = classifier.labelledCloud(node);
      }
      if (labelledCloud) {
        labelled = true;
        // The provider id is parsed only for a labelled node: an unlabelled one is on premises whatever it says.
        f |= LABELLED_CLOUD | (NodeClassifier.ecsProviderId(node.providerId(), scratch) ? CLOUD : 0);
      }
      flags[i] = (byte) f;
    }
    anyLabelledCloud = labelled;
  }

  /**
   * Whether the names are in order ({@link String#compareTo}, each no greater than the next), as the API server lists
   * nodes; the first call compares them. Then every subset of the nodes is in name order too, and the passes that
   * keep or hash the names of some of them need not compare names again.
   */
  boolean namesInOrder() {
    if (namesInOrder == null) {
      boolean sorted = true;
      for (int i = 1; i < names.length && sorted; i++) {
        sorted = names[i - 1].compareTo(names[i]) <= 0;
      }
      namesInOrder = sorted;
    }
    return namesInOrder;
  }

  /**
   * The values of the label keys this census was made with, node by node; the first call reads them. A plan that
   * matches no placement against every node (a converged one: Terway's nodeSelector is the cloud label, which the
   * flags hold) reads no label column.
   */
  LabelColumns labels() {
    if (labels == null) {
      labels = LabelColumns.of(nodes, columnKeys);
    }
    return labels;
  }

  /** How many nodes there are. */
  int size() {
    return flags.length;
  }

  /** The node at {@code i}, in the observed order. */
  NodeInfo node(int i) {
    return nodes.get(i);
  }

  /** The name of the node at {@code i}. */
  String name(int i) {
    return names[i];
  }

  /** The label that marks cloud nodes, by which this census was made. */
  NodeLabel cloudLabel() {
    return cloudLabel;
  }

  /** Whether the node at {@code i} has {@code flag} ({@link #CALICO}, ...). */
  boolean has(int i, int flag) {
    return (flags[i] & flag) != 0;
  }

  /** Whether Calico runs on the node at {@code i}. */
  boolean runsCalico(int i) {
    return (flags[i] & CALICO) != 0;
  }

  /** Whether Terway runs on the node at {@code i}. */
  boolean runsTerway(int i) {
    return (flags[i] & TERWAY) != 0;
  }

  /** As {@link NodeClassifier#labelledCloud}. */
  boolean labelledCloud(int i) {
    return (flags[i] & LABELLED_CLOUD) != 0;
  }

  /** As {@link NodeClassifier#cloud}. */
  boolean cloud(int i) {
    return (flags[i] & CLOUD) != 0;
  }

  /** Whether some node carries the cloud label. */
  boolean anyLabelledCloud() {
    return anyLabelledCloud;
  }
}
