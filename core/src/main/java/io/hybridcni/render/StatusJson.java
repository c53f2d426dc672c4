package io.hybridcni.render;

import io.hybridcni.status.NetworkStatus;
import tools.jackson.databind.node.ObjectNode;

/**
 * The machine-readable status of the running network: a JSON document with a {@code format_version}, snake_case
 * names, the scenario, every node (cloud or not and why, its CNI pods, its problems), every CNI DaemonSet's
 * rollout, the findings, {@code healthy} and the {@code exit_code} the CLI exits with (0 healthy, 1 problems).
 */
public final class StatusJson {

  /** The version of the JSON layout. */
  public static final int FORMAT_VERSION = 1;

  private StatusJson() {}

  /** The status as a JSON document ending in a newline. */
  public static String write(NetworkStatus status) {
    ObjectNode root = PlanJson.MAPPER.createObjectNode();
    root.put("format_version", FORMAT_VERSION);
    root.setAll((ObjectNode) PlanJson.MAPPER.valueToTree(status));
    root.put("healthy", status.healthy());
    root.put("exit_code", status.healthy() ? 0 : 1);
    return PlanJson.MAPPER.writeValueAsString(root) + "\n";
  }
}
