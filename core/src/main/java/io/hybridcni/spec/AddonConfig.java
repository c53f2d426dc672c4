package io.hybridcni.spec;

import io.hybridcni.text.Printable;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** An addon's {@code config}: a JSON object, kept in a canonical compact form (keys sorted). */
final class AddonConfig {

  // A repeated key would silently mean its last value, and ACK would install with a setting nobody chose.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final String DUPLICATE = "Duplicate Object property";

  private AddonConfig() {}

  static String problemWith(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JacksonException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith(DUPLICATE)) {
        return "each key at most once in the addon config, found " + message.substring(DUPLICATE.length()).trim()
            + " again";
      }
      return "a JSON object, found text that is not JSON (" + message + ")";
    }
    if (node == null || !node.isObject()) {
      return "a JSON object, e.g. {\"IPVlan\":\"false\"}";
    }
    String control = controlCharacters(node, "");
    return control == null ? null : "keys and values without control characters, found some at " + control;
  }

  /** Where in the config a key or string value holds a control character; {@code null} if nowhere. */
  private static String controlCharacters(JsonNode node, String path) {
    if (node.isString()) {
      return Printable.hasControlCharacters(node.asString()) ? (path.isEmpty() ? "(the value)" : path) : null;
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (Printable.hasControlCharacters(e.getKey())) {
          return at;
        }
        String inner = controlCharacters(e.getValue(), at);
        if (inner != null) {
          return inner;
        }
      }
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String inner = controlCharacters(node.get(i), path + "[" + i + "]");
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  static String canonical(String text) {
    JsonNode node = JSON.readTree(text);
    return JSON.writeValueAsString(JSON.treeToValue(node, java.util.TreeMap.class));
  }
}
