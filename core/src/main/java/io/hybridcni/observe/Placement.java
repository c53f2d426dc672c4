package io.hybridcni.observe;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Where a workload's pods may schedule: its {@code nodeSelector} and its required node affinity terms. Both must
 * hold; the terms are ORed. An empty term list means the workload has no required node affinity.
 */
public record Placement(Map<String, String> nodeSelector, List<NodeSelectorTerm> requiredTerms) {

  public static final Placement ANYWHERE = new Placement(Map.of(), List.of());

  public Placement {
    nodeSelector = Frozen.map(nodeSelector);
    requiredTerms = Frozen.list(requiredTerms);
  }

  public static Placement nodeSelector(Map<String, String> nodeSelector) {
    return new Placement(nodeSelector, List.of());
  }

  public static Placement terms(NodeSelectorTerm... terms) {
    return new Placement(Map.of(), List.of(terms));
  }

  /** Whether the scheduler may place a pod of this workload on the node (taints aside). */
  public boolean allows(NodeInfo node) {
    // Called for every node by several checks of one plan: plain loops, so that it allocates nothing.
    int selectors = nodeSelector.size();
    if (selectors == 1) {
      // The usual nodeSelector (kubernetes.io/os: linux), read without an entry iterator; the constructor made it
      // a SortedMap (Frozen.map).
      String key = ((SortedMap<String, String>) nodeSelector).firstKey();
      if (!nodeSelector.get(key).equals(node.labels().get(key))) {
        return false;
      }
    } else if (selectors > 1) {
      for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
        if (!e.getValue().equals(node.labels().get(e.getKey()))) {
          return false;
        }
      }
    }
    int terms = requiredTerms.size();
    if (terms == 0) {
      return true;
    }
    for (int i = 0; i < terms; i++) {
      if (requiredTerms.get(i).matches(node)) {
        return true;
      }
    }
    return false;
  }

  /** This placement's {@link #allows} made ready for a pass over many nodes: build it once per pass. */
  public NodeMatcher matcher() {
    return new NodeMatcher(this);
  }

  public Placement withRequiredTerms(List<NodeSelectorTerm> terms) {
    return new Placement(nodeSelector, terms);
  }
}
