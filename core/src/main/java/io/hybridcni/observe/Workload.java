package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * An observed workload: which object, the {@code resourceVersion} read, its placement, its container images, and
 * the tools that own its manifest and will write it again ({@code syncedBy}: e.g. {@code Helm release calico in
 * kube-system}, {@code Argo CD (annotation argocd.argoproj.io/tracking-id)}; empty when none is known), which
 * replace any change made in the cluster on their next sync.
 */
public record Workload(WorkloadRef ref, String resourceVersion, Placement placement, List<String> images,
    List<String> syncedBy) {

  public Workload {
    Objects.requireNonNull(ref, "ref");
    placement = placement == null ? Placement.ANYWHERE : placement;
    images = Frozen.list(images);
    syncedBy = Frozen.list(syncedBy);
  }

  /** A workload no known tool syncs. */
  public Workload(WorkloadRef ref, String resourceVersion, Placement placement, List<String> images) {
    this(ref, resourceVersion, placement, images, List.of());
  }

  public Workload withPlacement(Placement newPlacement) {
    return new Workload(ref, resourceVersion, newPlacement, images, syncedBy);
  }
}
