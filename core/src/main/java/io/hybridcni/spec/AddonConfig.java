package io.hybridcni.spec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** An addon's {@code config}: a JSON object, kept in a canonical compact form (keys sorted). */
final class AddonConfig {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private AddonConfig() {}

  static String problemWith(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() ? null : "a JSON object, e.g. {\"IPVlan\":\"false\"}";
    } catch (JacksonException e) {
      return "a JSON object, found text that is not JSON (" + e.getOriginalMessage() + ")";
    }
  }

  static String canonical(String text) {
    JsonNode node = JSON.readTree(text);
    return JSON.writeValueAsString(JSON.treeToValue(node, java.util.TreeMap.class));
  }
}
