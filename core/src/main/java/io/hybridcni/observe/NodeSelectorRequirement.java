package io.hybridcni.observe;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Kubernetes node selector requirement ({@code key}, {@code operator}, {@code values}), as found in
 * {@code matchExpressions} or {@code matchFields}. Values keep the order they were read in.
 */
public record NodeSelectorRequirement(String key, String operator, List<String> values) {

  public static final String IN = "In";
  public static final String NOT_IN = "NotIn";
  public static final String EXISTS = "Exists";
  public static final String DOES_NOT_EXIST = "DoesNotExist";
  public static final String GT = "Gt";
  public static final String LT = "Lt";

  public NodeSelectorRequirement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    values = Frozen.list(values);
  }

  public static NodeSelectorRequirement of(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }

  /**
   * Whether a node with these labels satisfies the requirement, with the API server's semantics: {@code NotIn}
   * and {@code DoesNotExist} hold for a node that lacks the key; an unknown operator matches nothing.
   */
  public boolean matchesLabels(Map<String, String> labels) {
    String value = labels.get(key);
    switch (operator) {
      case IN:
        return value != null && values.contains(value);
      case NOT_IN:
        return value == null || !values.contains(value);
      case EXISTS:
        return value != null;
      case DOES_NOT_EXIST:
        return value == null;
      case GT:
      case LT:
        return compareNumbers(value);
      default:
        return false;
    }
  }

  private boolean compareNumbers(String value) {
    if (value == null || values.size() != 1) {
      return false;
    }
    try {
      long actual = Long.parseLong(value);
      long bound = Long.parseLong(values.get(0));
      return GT.equals(operator) ? actual > bound : actual < bound;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether this requirement, read as a {@code matchFields} entry, holds for the node's fields. */
  public boolean matchesFields(String nodeName) {
    if (!"metadata.name".equals(key)) {
      return false;
    }
    return matchesLabels(Map.of(key, nodeName));
  }

  /** True for a requirement that keeps nodes carrying {@code key=value} out. */
  public boolean excludes(String excludedKey, String excludedValue) {
    if (!key.equals(excludedKey)) {
      return false;
    }
    return DOES_NOT_EXIST.equals(operator) || (NOT_IN.equals(operator) && values.contains(excludedValue));
  }

  @Override
  public String toString() {
    return key + " " + operator + (values.isEmpty() ? "" : " " + values);
  }
}
