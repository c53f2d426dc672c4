package io.hybridcni.observe;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The values of a few label keys on every node of a list, read in one pass and held key by key: {@code value(k, i)}
 * is the value of key {@code k} on node {@code i}, or {@code null} when the node lacks it. A plan checks several
 * placements against each node of a large cluster, and each check looked its keys up in every node's labels again;
 * with thousands of nodes those labels no longer fit in a core's cache, so the lookups mostly waited for memory.
 * Read once into flat arrays, the later checks ({@link NodeMatcher#bind}) scan those instead. Built for one pass
 * over one list of nodes and dropped with it; a key not held here is looked up in the node's labels as before.
 */
public final class LabelColumns {

  private final List<NodeInfo> nodes;
  private final String[] keys;
  private final String[][] values;

  private LabelColumns(List<NodeInfo> nodes, String[] keys) {
    this.nodes = nodes;
    this.keys = keys;
    this.values = new String[keys.length][nodes.size()];
  }

  /** The values of {@code keys} on each of {@code nodes}. */
  public static LabelColumns of(List<NodeInfo> nodes, Collection<String> keys) {
    LabelColumns columns = unread(nodes, keys);
    for (int i = 0, size = nodes.size(); i < size; i++) {
      columns.read(i);
    }
    return columns;
  }

  /**
   * Columns of {@code keys} for {@code nodes} that hold nothing yet: {@link #read} fills them node by node, so that
   * a pass that reads each node for other reasons too touches its record once.
   */
  public static LabelColumns unread(List<NodeInfo> nodes, Collection<String> keys) {
    Set<String> distinct = new LinkedHashSet<>();
    for (String key : keys) {
      distinct.add(key.intern()); // as NodeLabels' keys: NodeLabels.copyValues compares them by identity
    }
    return new LabelColumns(nodes, distinct.toArray(new String[0]));
  }

  /** Reads the values of node {@code i} into the columns: once per node, before any value of it is asked for. */
  public void read(int i) {
    // NodeInfo's constructor makes every node's labels a NodeLabels.
    ((NodeLabels) nodes.get(i).labels()).copyValues(keys, values, i);
  }

  /** How many nodes there are. */
  public int size() {
    return nodes.size();
  }

  /** The node at {@code i}. */
  public NodeInfo node(int i) {
    return nodes.get(i);
  }

  /** The column of {@code key}, or -1 when this holds no column of it. */
  public int column(String key) {
    for (int k = 0; k < keys.length; k++) {
      if (keys[k].equals(key)) {
        return k;
      }
    }
    return -1;
  }

  /** The value of the key of {@code column} on node {@code i}, or {@code null} when the node lacks it. */
  public String value(int column, int i) {
    return values[column][i];
  }

  /** The value of {@code key} on node {@code i} through its column, or its labels when there is none. */
  String value(int column, String key, int i) {
    return column >= 0 ? values[column][i] : nodes.get(i).labels().get(key);
  }
}
