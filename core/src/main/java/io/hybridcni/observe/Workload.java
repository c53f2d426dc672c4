package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * An observed workload: which object, the {@code resourceVersion} read, its placement and its container images.
 */
public record Workload(WorkloadRef ref, String resourceVersion, Placement placement, List<String> images) {

  public Workload {
    Objects.requireNonNull(ref, "ref");
    placement = placement == null ? Placement.ANYWHERE : placement;
    images = Frozen.list(images);
  }

  public Workload withPlacement(Placement newPlacement) {
    return new Workload(ref, resourceVersion, newPlacement, images);
  }
}
