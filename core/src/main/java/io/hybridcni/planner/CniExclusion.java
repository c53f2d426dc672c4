package io.hybridcni.planner;

import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.List;

/**
 * The node affinity change that keeps a workload off nodes labelled {@code key=value}. Terms are ORed, so the
 * exclusion {@code key NotIn [value]} goes into every non-empty term; a new term of its own would widen
 * scheduling. An empty term matches nothing and stays as it is. With no terms at all, one term holding only the
 * exclusion is created. A term that already excludes the label ({@code NotIn} containing the value, or
 * {@code DoesNotExist}) is left alone.
 */
public final class CniExclusion {

  private CniExclusion() {}

  /** The terms after the exclusion; equal to {@code terms} when nothing needs to change. */
  public static List<NodeSelectorTerm> exclude(List<NodeSelectorTerm> terms, NodeLabel label) {
    NodeSelectorRequirement exclusion =
        NodeSelectorRequirement.of(label.key(), NodeSelectorRequirement.NOT_IN, label.value());
    if (terms.isEmpty()) {
      return List.of(NodeSelectorTerm.of(exclusion));
    }
    List<NodeSelectorTerm> result = new ArrayList<>(terms.size());
    for (NodeSelectorTerm term : terms) {
      if (term.isEmpty() || term.excludes(label.key(), label.value())) {
        result.add(term);
      } else {
        result.add(term.withExpression(exclusion));
      }
    }
    return List.copyOf(result);
  }
}
