package io.hybridcni.observe;

import java.util.List;
import java.util.Map;

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
    for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
      if (!e.getValue().equals(node.labels().get(e.getKey()))) {
        return false;
      }
    }
    if (requiredTerms.isEmpty()) {
      return true;
    }
    return requiredTerms.stream().anyMatch(t -> t.matches(node));
  }

  public Placement withRequiredTerms(List<NodeSelectorTerm> terms) {
    return new Placement(nodeSelector, terms);
  }
}
