package io.hybridcni.plan;

import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One field an action changes: its path and its value before and after, as JSON ({@code null} before a create or
 * after a delete). Sensitive values are never put here.
 */
public record FieldChange(String path, JsonNode before, JsonNode after) {

  public FieldChange {
    Objects.requireNonNull(path, "path");
  }
}
