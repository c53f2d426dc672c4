package io.hybridcni.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
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

  /** RAM's limit on the length of a policy document. */
  public static final int MAX_LENGTH = 6144;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

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
    if (text.length() > MAX_LENGTH) {
      return "a policy document of at most " + MAX_LENGTH + " characters, found " + text.length();
    }
    JsonNode root;
    try {
      root = readTree(text);
    } catch (JacksonException e) {
      return "a JSON policy document, found text that is not JSON (" + e.getOriginalMessage() + ")";
    }
    if (root == null || !root.isObject()) {
      return "a JSON object with Version and Statement";
    }
    JsonNode version = root.get("Version");
    if (version == null || !version.isString() || !"1".equals(version.asString())) {
      return "Version \"1\" in the policy document";
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
      if (effect == null || !("Allow".equals(effect.asString()) || "Deny".equals(effect.asString()))) {
        return "Effect Allow or Deny at " + where;
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

  private static Set<String> canonicalStatements(JsonNode root) {
    Set<String> result = new TreeSet<>();
    for (JsonNode s : root.get("Statement")) {
      StringBuilder key = new StringBuilder();
      key.append("Effect=").append(s.get("Effect").asString());
      key.append(";Action=").append(sortedStrings(s.get("Action")));
      key.append(";Resource=").append(sortedStrings(s.get("Resource")));
      JsonNode condition = s.get("Condition");
      key.append(";Condition=").append(condition == null ? "" : canonicalJson(condition));
      result.add(key.toString());
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

  private static String canonicalJson(JsonNode node) {
    if (node.isObject()) {
      StringBuilder b = new StringBuilder("{");
      new TreeSet<>(node.propertyNames()).forEach(name -> b.append(name).append(':')
          .append(canonicalJson(node.get(name))).append(','));
      return b.append('}').toString();
    }
    if (node.isArray()) {
      Set<String> items = new TreeSet<>();
      node.forEach(n -> items.add(canonicalJson(n)));
      return items.toString();
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
