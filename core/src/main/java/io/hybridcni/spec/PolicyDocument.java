package io.hybridcni.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A RAM policy document. Two documents are {@link #semanticallyEquals equal} when they grant the same thing:
 * statement order, action and resource order, a single string versus a one-element list and whitespace do not
 * matter, because RAM may reformat a document it stores.
 */
public final class PolicyDocument {

  /** The runbook's custom policy for {@code terway-eniip}, exactly as the vendor publishes it. */
  public static final String TERWAY_ENIIP_TEXT = """
      {
        "Version": "1",
        "Statement": [
          {
            "Action": [
              "ecs:CreateNetworkInterface", "ecs:DescribeNetworkInterfaces", "ecs:AttachNetworkInterface",
              "ecs:DetachNetworkInterface", "ecs:DeleteNetworkInterface", "ecs:DescribeInstanceAttribute",
              "ecs:AssignPrivateIpAddresses", "ecs:UnassignPrivateIpAddresses", "ecs:DescribeInstances",
              "ecs:ModifyNetworkInterfaceAttribute"
            ],
            "Resource": ["*"],
            "Effect": "Allow"
          },
          {
            "Action": ["vpc:DescribeVSwitches"],
            "Resource": ["*"],
            "Effect": "Allow"
          }
        ]
      }
      """;

  /** RAM's limit on the length of a policy document, applied to the {@link #compactText() compact form} sent. */
  public static final int MAX_LENGTH = 6144;

  // A repeated key (two "Effect"s) would silently mean the last one; in a grant that must be an error.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final String DUPLICATE = "Duplicate Object property";

  private final String text;
  private final Set<String> canonicalStatements;

  private PolicyDocument(String text, Set<String> canonicalStatements) {
    this.text = text;
    this.canonicalStatements = canonicalStatements;
  }

  public static PolicyDocument terwayEniip() {
    return parse(TERWAY_ENIIP_TEXT);
  }

  /**
   * Parses and checks a document.
   *
   * @throws IllegalArgumentException naming what is wrong, when the text is not a RAM policy document
   */
  public static PolicyDocument parse(String text) {
    Objects.requireNonNull(text, "text");
    String problem = problemWith(text);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new PolicyDocument(text, canonicalStatements(readTree(text)));
  }

  /** What is wrong with the text as a RAM policy document, or {@code null} when it is one. */
  public static String problemWith(String text) {
    JsonNode root;
    try {
      root = readTree(text);
    } catch (JacksonException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith(DUPLICATE)) {
        return "each key at most once in the policy document, found " + message.substring(DUPLICATE.length()).trim()
            + " again";
      }
      return "a JSON policy document, found text that is not JSON (" + message + ")";
    }
    if (root == null || !root.isObject()) {
      return "a JSON object with Version and Statement";
    }
    // RAM counts the document it receives, which is the compact form: indentation does not count.
    int length = JSON.writeValueAsString(root).length();
    if (length > MAX_LENGTH) {
      return "a policy document of at most " + MAX_LENGTH + " characters in compact JSON, found " + length;
    }
    JsonNode version = root.get("Version");
    if (version == null || !version.isString() || !"1".equals(version.asString())) {
      return "Version \"1\" in the policy document, found " + (version == null ? "no Version" : version.toString());
    }
    JsonNode statements = root.get("Statement");
    if (statements == null || !statements.isArray() || statements.isEmpty()) {
      return "a non-empty Statement list in the policy document";
    }
    for (int i = 0; i < statements.size(); i++) {
      String where = "Statement[" + i + "]";
      JsonNode s = statements.get(i);
      if (!s.isObject()) {
        return "an object at " + where;
      }
      JsonNode effect = s.get("Effect");
      if (effect == null || !effect.isString()
          || !("Allow".equals(effect.asString()) || "Deny".equals(effect.asString()))) {
        return "Effect Allow or Deny at " + where + ", found " + (effect == null ? "no Effect" : effect.toString());
      }
      String actions = stringsProblem(s.get("Action"), where + ".Action", true);
      if (actions != null) {
        return actions;
      }
      String resources = stringsProblem(s.get("Resource"), where + ".Resource", false);
      if (resources != null) {
        return resources;
      }
    }
    return null;
  }

  private static String stringsProblem(JsonNode node, String where, boolean actions) {
    List<JsonNode> items = new ArrayList<>();
    if (node == null) {
      return "a string or a list of strings at " + where;
    } else if (node.isString()) {
      items.add(node);
    } else if (node.isArray() && !node.isEmpty()) {
      node.forEach(items::add);
    } else {
      return "a string or a non-empty list of strings at " + where;
    }
    for (JsonNode item : items) {
      if (!item.isString() || item.asString().isBlank()) {
        return "non-empty strings at " + where;
      }
      if (actions && !item.asString().equals("*") && !item.asString().matches("[A-Za-z0-9-]+:[A-Za-z0-9*]+")) {
        return "actions of the form service:Action at " + where + ", found \"" + item.asString() + "\"";
      }
    }
    return null;
  }

  private static JsonNode readTree(String text) {
    return JSON.readTree(text);
  }

  /**
   * One JSON string per statement: [effect, sorted actions, sorted resources, canonical condition]. JSON quoting
   * keeps values with separators in them from colliding with another statement's key.
   */
  private static Set<String> canonicalStatements(JsonNode root) {
    Set<String> result = new TreeSet<>();
    for (JsonNode s : root.get("Statement")) {
      JsonNode condition = s.get("Condition");
      List<Object> key = List.of(s.get("Effect").asString(), sortedStrings(s.get("Action")),
          sortedStrings(s.get("Resource")), condition == null ? "" : canonicalJson(condition));
      result.add(JSON.writeValueAsString(key));
    }
    return result;
  }

  private static Set<String> sortedStrings(JsonNode node) {
    Set<String> result = new TreeSet<>();
    if (node.isString()) {
      result.add(node.asString());
    } else {
      node.forEach(n -> result.add(n.asString()));
    }
    return result;
  }

  /** JSON with object keys sorted and array items sorted (condition values are sets). */
  private static String canonicalJson(JsonNode node) {
    if (node.isObject()) {
      StringBuilder b = new StringBuilder("{");
      for (String name : new TreeSet<>(node.propertyNames())) {
        b.append(b.length() > 1 ? "," : "").append(JSON.writeValueAsString(name)).append(':')
            .append(canonicalJson(node.get(name)));
      }
      return b.append('}').toString();
    }
    if (node.isArray()) {
      Set<String> items = new TreeSet<>();
      node.forEach(n -> items.add(canonicalJson(n)));
      return "[" + String.join(",", items) + "]";
    }
    return node.toString();
  }

  /** The document as written. */
  public String text() {
    return text;
  }

  /** The document in compact JSON, as sent to RAM. */
  public String compactText() {
    return JSON.writeValueAsString(readTree(text));
  }

  /** Whether both documents grant exactly the same statements, ignoring order and formatting. */
  public boolean semanticallyEquals(PolicyDocument other) {
    return other != null && canonicalStatements.equals(other.canonicalStatements);
  }

  /** Same as {@link #semanticallyEquals(PolicyDocument)}, for a document as RAM returned it. */
  public boolean semanticallyEquals(String otherText) {
    return otherText != null && problemWith(otherText) == null
        && canonicalStatements.equals(canonicalStatements(readTree(otherText)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PolicyDocument other && semanticallyEquals(other);
  }

  @Override
  public int hashCode() {
    return canonicalStatements.hashCode();
  }

  @Override
  public String toString() {
    return compactText();
  }
}
