package io.hybridcni.detect;

import io.hybridcni.observe.Frozen;
import io.hybridcni.observe.Workload;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A DaemonSet as a CNI detector reads it: the {@link Workload} the planner sees, plus what a detector may need of
 * its pod template to build its facts (a container's image tag is Cilium's version; the volume a container mounts
 * its configuration from names the ConfigMap Antrea's older builds hash).
 *
 * @param configMapVolumes the pod's volumes that are ConfigMaps: volume name to ConfigMap name
 */
public record ObservedDaemonSet(Workload workload, List<Container> containers, Map<String, String> configMapVolumes) {

  public ObservedDaemonSet {
    Objects.requireNonNull(workload, "workload");
    containers = Frozen.list(containers);
    configMapVolumes = Frozen.map(configMapVolumes);
  }

  /** One container of the pod template (not an init container). */
  public record Container(String name, String image, List<Mount> mounts) {
    public Container {
      mounts = Frozen.list(mounts);
    }
  }

  /** One volume mount of a container; {@code subPath} is {@code null} when the whole volume is mounted. */
  public record Mount(String volume, String mountPath, String subPath) {}

  /** The container named {@code preferred}, else the first container, else {@code null}. */
  public Container container(String preferred) {
    return containers.stream().filter(c -> preferred.equals(c.name())).findFirst()
        .orElse(containers.isEmpty() ? null : containers.get(0));
  }
}
