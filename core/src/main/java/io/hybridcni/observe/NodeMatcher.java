package io.hybridcni.observe;

import java.util.List;
import java.util.Map;

/**
 * A {@link Placement}'s check made ready for a pass over every node of a cluster: the {@code nodeSelector} as two
 * arrays and the terms as one, read once. {@link Placement#allows} reads its {@code nodeSelector} through a sorted
 * map (its first key, then a lookup by that key) for every node; a plan of 5,000 nodes checks several placements
 * against each node, and those map walks were a tenth of its time. The rules are {@link Placement#allows}'s and the
 * terms match by {@link NodeSelectorTerm#matches}: a test holds the two equal.
 */
public final class NodeMatcher {

  private final String[] selectorKeys;
  private final String[] selectorValues;
  private final NodeSelectorTerm[] terms;

  NodeMatcher(Placement placement) {
    Map<String, String> selector = placement.nodeSelector();
    selectorKeys = new String[selector.size()];
    selectorValues = new String[selector.size()];
    int i = 0;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      selectorKeys[i] = e.getKey().intern(); // as NodeLabels' keys: the lookup then compares no characters
      selectorValues[i] = e.getValue();
      i++;
    }
    List<NodeSelectorTerm> required = placement.requiredTerms();
    terms = required.toArray(new NodeSelectorTerm[0]);
  }

  /**
   * This matcher over the nodes of {@code columns}: it reads each key from its column instead of each node's
   * labels (or from the labels, for a key the columns do not hold). {@link Bound#allows} is {@link #allows}.
   */
  public Bound bind(LabelColumns columns) {
    return new Bound(columns);
  }

  /** A {@link NodeMatcher} bound to the label columns of a list of nodes. */
  public final class Bound {
    private final LabelColumns columns;
    private final int[] selectorColumns;
    /** Each term's expressions and fields as arrays, and its expressions' columns: read for every node. */
    private final NodeSelectorRequirement[][] expressions;
    private final NodeSelectorRequirement[][] fields;
    private final int[][] expressionColumns;

    private Bound(LabelColumns columns) {
      this.columns = columns;
      selectorColumns = new int[selectorKeys.length];
      for (int i = 0; i < selectorKeys.length; i++) {
        selectorColumns[i] = columns.column(selectorKeys[i]);
      }
      expressions = new NodeSelectorRequirement[terms.length][];
      fields = new NodeSelectorRequirement[terms.length][];
      expressionColumns = new int[terms.length][];
      for (int t = 0; t < terms.length; t++) {
        // An empty term matches no node: it keeps no requirement here and is skipped.
        expressions[t] = terms[t].isEmpty() ? null
            : terms[t].matchExpressions().toArray(new NodeSelectorRequirement[0]);
        fields[t] = terms[t].matchFields().toArray(new NodeSelectorRequirement[0]);
        expressionColumns[t] = new int[expressions[t] == null ? 0 : expressions[t].length];
        for (int r = 0; r < expressionColumns[t].length; r++) {
          expressionColumns[t][r] = columns.column(expressions[t][r].key());
        }
      }
    }

    /** {@link NodeMatcher#allows} of the node at {@code i} of the columns. */
    public boolean allows(int i) {
      for (int s = 0; s < selectorKeys.length; s++) {
        if (!selectorValues[s].equals(columns.value(selectorColumns[s], selectorKeys[s], i))) {
          return false;
        }
      }
      if (terms.length == 0) {
        return true;
      }
      for (int t = 0; t < terms.length; t++) {
        if (expressions[t] != null && matches(t, i)) {
          return true;
        }
      }
      return false;
    }

    /** {@link NodeSelectorTerm#matches} of a term that is not empty, reading its expressions' keys from the columns. */
    private boolean matches(int t, int i) {
      NodeSelectorRequirement[] termExpressions = expressions[t];
      int[] keyColumns = expressionColumns[t];
      for (int r = 0; r < termExpressions.length; r++) {
        NodeSelectorRequirement requirement = termExpressions[r];
        if (!requirement.matchesValue(columns.value(keyColumns[r], requirement.key(), i))) {
          return false;
        }
      }
      NodeSelectorRequirement[] termFields = fields[t];
      for (NodeSelectorRequirement field : termFields) {
        if (!field.matchesFields(columns.node(i).name())) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Whether this placement is a {@code nodeSelector} of this one label and nothing else, so that it allows exactly
   * the nodes that carry it.
   */
  public boolean isExactly(String key, String value) {
    return terms.length == 0 && selectorKeys.length == 1 && selectorKeys[0].equals(key)
        && selectorValues[0].equals(value);
  }

  /** Whether the scheduler may place a pod of the placement on the node (taints aside), as {@link Placement#allows}. */
  public boolean allows(NodeInfo node) {
    Map<String, String> labels = node.labels();
    for (int i = 0; i < selectorKeys.length; i++) {
      if (!selectorValues[i].equals(labels.get(selectorKeys[i]))) {
        return false;
      }
    }
    if (terms.length == 0) {
      return true;
    }
    for (NodeSelectorTerm term : terms) {
      if (term.matches(node)) {
        return true;
      }
    }
    return false;
  }
}
