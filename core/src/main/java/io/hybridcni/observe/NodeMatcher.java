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
