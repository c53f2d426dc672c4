package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.hybridcni.error.HybridCniException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an object's labels match a {@link LabelSelector}, as the API server decides it for a {@code labelSelector}
 * list (apimachinery {@code pkg/apis/meta/v1/helpers.go} LabelSelectorAsSelector and {@code pkg/labels/selector.go}):
 * {@code matchLabels} and {@code matchExpressions} are ANDed; {@code In} needs the key with one of the values,
 * {@code NotIn} is met by a missing key, {@code Exists}/{@code DoesNotExist} look at the key only; an empty selector
 * matches everything. A {@code null} selector matches nothing here, as the observer lists no pods for it.
 */
final class LabelSelectors {

  private LabelSelectors() {}

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> e : Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of()).entrySet()) {
      if (!e.getValue().equals(have.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
      List<String> values = Optional.ofNullable(r.getValues()).orElse(List.of());
      String value = have.get(r.getKey());
      boolean met = switch (String.valueOf(r.getOperator())) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> have.containsKey(r.getKey());
        case "DoesNotExist" -> !have.containsKey(r.getKey());
        // The API server refuses the list (400) for an operator it does not know; so does the cache.
        default -> throw new HybridCniException("Label selector operator " + r.getOperator() + " of key "
            + r.getKey() + " is not one of In, NotIn, Exists, DoesNotExist");
      };
      if (!met) {
        return false;
      }
    }
    return true;
  }
}
