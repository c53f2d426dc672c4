package io.hybridcni.testkit.aliyun;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The one place that decides what the fake never renders: any value under a name that mentions a secret, a
 * password or a token, and (as a second guard) any text equal to a secret the fake knows.
 */
final class Redactor {

  static final String MASK = "***";

  private Redactor() {}

  static boolean isSensitiveName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.contains("secret") || lower.contains("password") || lower.contains("token");
  }

  /**
   * A deep copy with every sensitive value replaced by {@link #MASK}. A string that itself holds a JSON object
   * or array (an addon {@code config}, say) is redacted inside too, and stays a string.
   */
  static JsonNode redact(JsonNode node) {
    if (node.isString()) {
      String text = node.stringValue().strip();
      if (text.startsWith("{") || text.startsWith("[")) {
        JsonNode nested = Json.parseOrNull(text);
        if (nested != null && nested.isContainer()) {
          JsonNode redacted = redact(nested);
          return redacted.equals(nested) ? node : StringNode.valueOf(Json.write(redacted));
        }
      }
      return node;
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = object.objectNode();
      object.forEachEntry((name, value) ->
          copy.set(name, isSensitiveName(name) && !value.isNull() ? StringNode.valueOf(MASK) : redact(value)));
      return copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = array.arrayNode();
      array.forEach(element -> copy.add(redact(element)));
      return copy;
    }
    return node;
  }

  static Map<String, String> redact(Map<String, String> params) {
    Map<String, String> copy = new LinkedHashMap<>();
    params.forEach((name, value) -> copy.put(name, isSensitiveName(name) ? MASK : value));
    return copy;
  }

  /** Replaces every occurrence of a known secret in already rendered text. */
  static String scrub(String text, Collection<String> secrets) {
    String out = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty() && out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }
}
