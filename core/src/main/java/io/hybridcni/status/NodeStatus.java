package io.hybridcni.status;

import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * One node of the running network.
 *
 * @param name the node
 * @param cloud whether it counts as a cloud node (the cloud label and an ECS {@code providerID})
 * @param why why it counts so, for people: the label it has or lacks and its provider id
 * @param pods the CNI pods bound to it
 * @param problems the codes of the problems found on it, empty when it is right
 */
public record NodeStatus(String name, boolean cloud, String why, List<CniPod> pods, List<String> problems) {

  public NodeStatus {
    Objects.requireNonNull(name, "name");
    pods = Frozen.list(pods);
    problems = Frozen.list(problems);
  }
}
