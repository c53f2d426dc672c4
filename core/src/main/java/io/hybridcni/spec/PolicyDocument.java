package io.hybridcni.spec;

import io.hybridcni.text.Printable;
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

  /** The actions Terway needs, from the runbook's policy: a spec's document must allow at least one of them. */
  public static final List<String> TERWAY_ACTIONS = List.of(
      "ecs:CreateNetworkInterface", "ecs:DescribeNetworkInterfaces", "ecs:AttachNetworkInterface",
      "ecs:DetachNetworkInterface", "ecs:DeleteNetworkInterface", "ecs:DescribeInstanceAttribute",
      "ecs:AssignPrivateIpAddresses", "ecs:UnassignPrivateIpAddresses", "ecs:DescribeInstances",
      "ecs:ModifyNetworkInterfaceAttribute", "vpc:DescribeVSwitches");

  // RAM's "Policy structure and syntax": a policy is Version and Statement; a statement is Effect, Action or
  // NotAction, Resource and an optional Condition. Principal belongs to resource and trust policies only.
  private static final Set<String> TOP_LEVEL = Set.of("Version", "Statement");
  private static final Set<String> STATEMENT_KEYS = Set.of("Effect", "Action", "NotAction", "Resource", "Condition");

  // RAM's "Conditional operators": string, numeric, date and time, Boolean and IP address operators, and no others.
  private static final Set<String> CONDITION_OPERATORS = Set.of(
      "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
      "StringNotLike",
      "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
      "NumericGreaterThanEquals",
      "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
      "Bool", "IpAddress", "NotIpAddress");

  private final String text;
  private final Set<String> canonicalStatements;
  /**
   * {@link #compactText()}, made on first use: every plan digests the spec, and parsing the document again for each
   * was a tenth of a plan's time. A race only makes the same text twice.
   */
  private volatile String compactText;

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
    for (String name : root.propertyNames()) {
      if (!TOP_LEVEL.contains(name)) {
        return "only Version and Statement at the top of a RAM policy document, found \"" + name + "\"";
      }
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
      if (s.has("Principal")) {
        return "no Principal at " + where + ": a Principal makes a resource or trust policy (such as a RAM role's), "
            + "and a user's identity policy has none";
      }
      for (String name : s.propertyNames()) {
        if (!STATEMENT_KEYS.contains(name)) {
          return "only Effect, Action or NotAction, Resource and Condition at " + where + " (RAM's policy grammar), "
              + "found \"" + name + "\"";
        }
      }
      JsonNode effect = s.get("Effect");
      if (effect == null || !effect.isString()
          || !("Allow".equals(effect.asString()) || "Deny".equals(effect.asString()))) {
        return "Effect Allow or Deny at " + where + ", found " + (effect == null ? "no Effect" : effect.toString());
      }
      if (s.has("Action") == s.has("NotAction")) {
        return "exactly one of Action and NotAction at " + where + ", found " + (s.has("Action") ? "both" : "neither");
      }
      String action = s.has("Action") ? "Action" : "NotAction";
      String actions = stringsProblem(s.get(action), where + "." + action, true);
      if (actions != null) {
        return actions;
      }
      String resources = stringsProblem(s.get("Resource"), where + ".Resource", false);
      if (resources != null) {
        return resources;
      }
      if (s.has("Condition")) {
        String condition = conditionProblem(s.get("Condition"), where + ".Condition");
        if (condition != null) {
          return condition;
        }
      }
    }
    return null;
  }

  /**
   * A Condition is {@code {operator: {key: value or [values]}}}, with one of RAM's operators: string, numeric, date,
   * Bool and IP address ones (RAM's "Conditional operators" reference lists exactly these five kinds).
   */
  private static String conditionProblem(JsonNode condition, String where) {
    if (!condition.isObject() || condition.isEmpty()) {
      return "a non-empty object of condition operators at " + where;
    }
    for (String operator : condition.propertyNames()) {
      if (!CONDITION_OPERATORS.contains(operator)) {
        return "one of RAM's condition operators (" + String.join(", ", new TreeSet<>(CONDITION_OPERATORS)) + ") at "
            + where + ", found \"" + operator + "\"";
      }
      JsonNode keys = condition.get(operator);
      if (!keys.isObject() || keys.isEmpty()) {
        return "a non-empty object of condition keys at " + where + "." + operator;
      }
      for (String key : keys.propertyNames()) {
        if (key.isBlank() || Printable.hasControlCharacters(key)) {
          return "condition keys such as acs:SourceIp at " + where + "." + operator + ", found \"" + key + "\"";
        }
        JsonNode value = keys.get(key);
        List<JsonNode> values = new ArrayList<>();
        if (value.isArray() && !value.isEmpty()) {
          value.forEach(values::add);
        } else {
          values.add(value);
        }
        for (JsonNode v : values) {
          if (!(v.isString() || v.isNumber() || v.isBoolean())
              || (v.isString() && Printable.hasControlCharacters(v.asString()))) {
            return "a string, number or boolean (or a non-empty list of them) without control characters at " + where
                + "." + operator + "." + key;
          }
        }
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
      if (Printable.hasControlCharacters(item.asString())) {
        return "strings without control characters at " + where + ", found \"" + item.asString() + "\"";
      }
      if (actions && !item.asString().equals("*") && !item.asString().matches("[A-Za-z0-9-]+:[A-Za-z0-9*?]+")) {
        return "actions of the form service:Action at " + where + ", found \"" + item.asString() + "\"";
      }
    }
    return null;
  }

  /**
   * Whether the document allows at least one of these actions: an Allow statement whose Action matches one (with
   * RAM's {@code *} and {@code ?} wildcards, ignoring case as RAM does for action names), or whose NotAction leaves one
   * out. Conditions are not evaluated: a conditional allow still counts. Deny statements allow nothing.
   */
  public boolean allowsAnyOf(java.util.Collection<String> wanted) {
    for (JsonNode s : readTree(text).get("Statement")) {
      if (!"Allow".equals(s.get("Effect").asString())) {
        continue;
      }
      boolean not = s.has("NotAction");
      Set<String> patterns = sortedStrings(s.get(not ? "NotAction" : "Action"));
      for (String action : wanted) {
        boolean matched = patterns.stream().anyMatch(p -> wildcard(p).matcher(action).matches());
        if (matched != not) {
          return true;
        }
      }
    }
    return false;
  }

  private static java.util.regex.Pattern wildcard(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
    }
    return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.CASE_INSENSITIVE);
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
      boolean not = s.has("NotAction");
      List<Object> key = List.of(s.get("Effect").asString() + (not ? "/NotAction" : ""),
          sortedStrings(s.get(not ? "NotAction" : "Action")),
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
    String compact = compactText;
    if (compact == null) {
      compact = JSON.writeValueAsString(readTree(text));
      compactText = compact;
    }
    return compact;
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

  /**
   * Whether this document grants everything {@code other} grants (a superset, or the same grant): compared by
   * meaning, with RAM's action wildcards ({@code ecs:*}, {@code ecs:Describe*}), conservatively where Deny
   * statements and Conditions are involved: {@code false} unless the superset can be proven (see
   * {@link PolicyCoverage}).
   */
  public boolean grantsAllOf(PolicyDocument other) {
    return other != null && PolicyCoverage.grantsAllOf(readTree(text), readTree(other.text),
        PolicyDocument::canonicalJson);
  }

  /** Same as {@link #grantsAllOf(PolicyDocument)}, for a document as RAM returned it; {@code false} if invalid. */
  public boolean grantsAllOf(String otherText) {
    return otherText != null && problemWith(otherText) == null && grantsAllOf(parse(otherText));
  }

  /** Whether a document as RAM returned it grants everything this one grants; {@code false} if it is invalid. */
  public boolean grantedBy(String otherText) {
    return otherText != null && problemWith(otherText) == null && parse(otherText).grantsAllOf(this);
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
