package io.hybridcni.planner;

import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Builds the JSON values of field changes, in the shapes the Kubernetes API and RAM use. */
final class ChangeValues {

  static final String SENSITIVE = "(sensitive value)";
  static final String KNOWN_AFTER_APPLY = "(known after apply)";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ChangeValues() {}

  static JsonNode text(String value) {
    return value == null ? null : NODES.stringNode(value);
  }

  static JsonNode texts(List<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  /** Terms as they appear in a pod spec: empty lists omitted, as the API server returns them. */
  static JsonNode terms(List<NodeSelectorTerm> terms) {
    ArrayNode array = NODES.arrayNode();
    for (NodeSelectorTerm term : terms) {
      ObjectNode object = array.addObject();
      if (!term.matchExpressions().isEmpty()) {
        object.set("matchExpressions", requirements(term.matchExpressions()));
      }
      if (!term.matchFields().isEmpty()) {
        object.set("matchFields", requirements(term.matchFields()));
      }
    }
    return array;
  }

  private static ArrayNode requirements(List<NodeSelectorRequirement> requirements) {
    ArrayNode array = NODES.arrayNode();
    for (NodeSelectorRequirement r : requirements) {
      ObjectNode object = array.addObject();
      object.put("key", r.key());
      object.put("operator", r.operator());
      if (!r.values().isEmpty()) {
        object.set("values", texts(r.values()));
      }
    }
    return array;
  }
}
