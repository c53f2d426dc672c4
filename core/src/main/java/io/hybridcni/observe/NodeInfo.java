package io.hybridcni.observe;

import java.util.Map;
import java.util.Objects;

/**
 * What the planner needs of one node: its name, labels, {@code spec.providerID} (may be {@code null}) and whether
 * Calico or Terway pods run there now.
 */
public record NodeInfo(String name, Map<String, String> labels, String providerId, boolean runsCalico,
    boolean runsTerway) {

  public NodeInfo {
    Objects.requireNonNull(name, "name");
    labels = NodeLabels.of(labels);
  }

  public boolean hasLabel(String key, String value) {
    return value.equals(labels.get(key));
  }

  public NodeInfo withRunsCalico(boolean value) {
    return new NodeInfo(name, labels, providerId, value, runsTerway);
  }

  public NodeInfo withRunsTerway(boolean value) {
    return new NodeInfo(name, labels, providerId, runsCalico, value);
  }
}
