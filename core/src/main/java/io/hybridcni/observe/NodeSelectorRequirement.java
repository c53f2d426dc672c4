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
    // Interned, so that looking the key up among a node's labels (interned by NodeLabels) and switching on the
    // operator find the same object and compare no characters: this runs for every node and term of a plan.
    key = Objects.requireNonNull(key, "key").intern();
    operator = Objects.requireNonNull(operator, "operator").intern();
    values = Frozen.list(values);
  }

  public static NodeSelectorRequirement of(String key, String operator, String... values) {
    return new NodeSelectorRequirement(key, operator, List.of(values));
  }

  /**
   * Whether a node with these labels satisfies the requirement, with the API server's semantics: {@code NotIn}
   * and {@code DoesNotExist} hold for a node that lacks the key; {@code Gt} and {@code Lt} compare the label as a
   * 64-bit integer and fail for a node that lacks it. A requirement the scheduler would reject matches nothing: an
   * unknown operator, {@code In}/{@code NotIn} without values, {@code Exists}/{@code DoesNotExist} with values,
   * {@code Gt}/{@code Lt} without exactly one integer value.
   */
  public boolean matchesLabels(Map<String, String> labels) {
    return matchesValue(labels.get(key));
  }

  /**
   * {@link #matchesLabels} of a node on which this requirement's key has {@code value} ({@code null} when the node
   * lacks the key).
   */
  public boolean matchesValue(String value) {
    switch (operator) {
      case IN:
        return !values.isEmpty() && value != null && values.contains(value);
      case NOT_IN:
        return !values.isEmpty() && (value == null || !values.contains(value));
      case EXISTS:
        return values.isEmpty() && value != null;
      case DOES_NOT_EXIST:
        return values.isEmpty() && value == null;
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

  /**
   * Whether this requirement, read as a {@code matchFields} entry, holds for the node's fields. As in the
   * scheduler, the only field is {@code metadata.name} and the only operators are {@code In} and {@code NotIn}
   * with exactly one value; any other requirement matches nothing.
   */
  public boolean matchesFields(String nodeName) {
    if (!"metadata.name".equals(key) || values.size() != 1) {
      return false;
    }
    switch (operator) {
      case IN:
        return values.get(0).equals(nodeName);
      case NOT_IN:
        return !values.get(0).equals(nodeName);
      default:
        return false;
    }
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
