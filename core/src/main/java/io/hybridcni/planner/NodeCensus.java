package io.hybridcni.planner;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.spec.NodeLabel;
import java.util.List;

/**
 * What one plan needs to know of every observed node, read in one pass: its name, whether Calico and Terway run
 * there, whether it carries the cloud label and whether it is a cloud node ({@link NodeClassifier#cloud}). A plan of
 * a large cluster asked these of each node in four passes (Terway's placement, the CNI exclusion, the two node-set
 * facts), and each pass walked every node's record and labels again: with 5,000 nodes those records no longer fit in
 * a core's cache, so each pass was mostly waiting for memory, and the cloud check parsed each cloud node's provider
 * id twice. Here they are read once into two flat arrays, which the later passes scan instead.
 *
 * <p>Built anew for every plan from that plan's observed nodes and dropped with it: nothing is kept between plans.
 */
final class NodeCensus {

  private static final byte CALICO = 1;
  private static final byte TERWAY = 2;
  private static final byte LABELLED_CLOUD = 4;
  private static final byte CLOUD = 8;

  private final List<NodeInfo> nodes;
  private final NodeLabel cloudLabel;
  private final String[] names;
  private final byte[] flags;
  private final boolean anyLabelledCloud;

  /** Reads {@code nodes}, classified by {@code classifier}. */
  NodeCensus(List<NodeInfo> nodes, NodeClassifier classifier) {
    this.nodes = nodes;
    this.cloudLabel = classifier.cloudLabel();
    int size = nodes.size();
    names = new String[size];
    flags = new byte[size];
    boolean labelled = false;
    for (int i = 0; i < size; i++) {
      NodeInfo node = nodes.get(i);
      names[i] = node.name();
      int f = (node.runsCalico() ? CALICO : 0) | (node.runsTerway() ? TERWAY : 0);
      if (classifier.labelledCloud(node)) {
        labelled = true;
        // The provider id is parsed only for a labelled node: an unlabelled one is on premises whatever it says.
        f |= LABELLED_CLOUD | (NodeClassifier.ecsProviderId(node.providerId()) ? CLOUD : 0);
      }
      flags[i] = (byte) f;
    }
    anyLabelledCloud = labelled;
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

  boolean runsCalico(int i) {
    return (flags[i] & CALICO) != 0;
  }

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
