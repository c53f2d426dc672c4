package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    // Indexed loops: this runs for every node and term of a plan, and an iterator per call adds up.
    Map<String, String> labels = node.labels();
    for (int i = 0, n = matchExpressions.size(); i < n; i++) {
      if (!matchExpressions.get(i).matchesLabels(labels)) {
        return false;
      }
    }
    for (int i = 0, n = matchFields.size(); i < n; i++) {
      if (!matchFields.get(i).matchesFields(node.name())) {
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
