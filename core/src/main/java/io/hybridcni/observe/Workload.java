package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * An observed workload: which object, the {@code resourceVersion} read, its placement, its container images, the
 * tools that own its manifest and will write it again ({@code syncedBy}: e.g. {@code Helm release calico in
 * kube-system}, {@code Argo CD (annotation argocd.argoproj.io/tracking-id)}; empty when none is known), which
 * replace any change made in the cluster on their next sync, its {@link UpdateStrategy} (default
 * {@link UpdateStrategy#DEFAULT}, as the API server defaults it) and its pod selector in {@code kubectl -l} syntax
 * ({@code k8s-app=calico-node}; {@code null} when not read).
 */
public record Workload(WorkloadRef ref, String resourceVersion, Placement placement, List<String> images,
    List<String> syncedBy, UpdateStrategy updateStrategy, String selector) {

  public Workload {
    Objects.requireNonNull(ref, "ref");
    placement = placement == null ? Placement.ANYWHERE : placement;
    images = Frozen.list(images);
    syncedBy = Frozen.list(syncedBy);
    updateStrategy = updateStrategy == null ? UpdateStrategy.DEFAULT : updateStrategy;
  }

  /** A workload with the API server's default update strategy and no selector read. */
  public Workload(WorkloadRef ref, String resourceVersion, Placement placement, List<String> images,
      List<String> syncedBy) {
    this(ref, resourceVersion, placement, images, syncedBy, null, null);
  }

  /** A workload no known tool syncs. */
  public Workload(WorkloadRef ref, String resourceVersion, Placement placement, List<String> images) {
    this(ref, resourceVersion, placement, images, List.of());
  }

  public Workload withPlacement(Placement newPlacement) {
    return new Workload(ref, resourceVersion, newPlacement, images, syncedBy, updateStrategy, selector);
  }

  public Workload withUpdateStrategy(UpdateStrategy value) {
    return new Workload(ref, resourceVersion, placement, images, syncedBy, value, selector);
  }

  public Workload withSelector(String value) {
    return new Workload(ref, resourceVersion, placement, images, syncedBy, updateStrategy, value);
  }
}
