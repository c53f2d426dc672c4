package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code nodeSelectorTerms} entry. Its requirements are ANDed; an empty term (neither expressions nor
 * fields) matches no node at all.
 */
public record NodeSelectorTerm(List<NodeSelectorRequirement> matchExpressions,
    List<NodeSelectorRequirement> matchFields) {

  public NodeSelectorTerm {
    matchExpressions = Frozen.list(matchExpressions);
    matchFields = Frozen.list(matchFields);
  }

  public static NodeSelectorTerm of(NodeSelectorRequirement... expressions) {
    return new NodeSelectorTerm(List.of(expressions), List.of());
  }

  @JsonIgnore
  public boolean isEmpty() {
    return matchExpressions.isEmpty() && matchFields.isEmpty();
  }

  public boolean matches(NodeInfo node) {
    if (isEmpty()) {
      return false;
    }
    for (NodeSelectorRequirement r : matchExpressions) {
      if (!r.matchesLabels(node.labels())) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : matchFields) {
      if (!r.matchesFields(node.name())) {
        return false;
      }
    }
    return true;
  }

  /** Whether some expression of this term already keeps nodes labelled {@code key=value} out. */
  public boolean excludes(String key, String value) {
    return matchExpressions.stream().anyMatch(r -> r.excludes(key, value));
  }

  /** This term with one more expression appended; fields and existing expressions are kept as they are. */
  public NodeSelectorTerm withExpression(NodeSelectorRequirement requirement) {
    List<NodeSelectorRequirement> expressions = new ArrayList<>(matchExpressions);
    expressions.add(requirement);
    return new NodeSelectorTerm(expressions, matchFields);
  }
}
