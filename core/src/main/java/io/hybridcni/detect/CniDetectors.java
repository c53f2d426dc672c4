package io.hybridcni.detect;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The registry of every CNI hybridcni recognises, in the order their evidence is written: a new CNI is its own
 * {@link CniDetector} plus one line here (and the adapter's reading of its objects into {@code CniFacts}).
 */
public final class CniDetectors {

  /** Every detector; Calico's two installs exclude each other, as do Flannel and Canal. */
  public static final List<CniDetector> ALL = List.of(
      new CalicoManifestDetector(),
      new TigeraOperatorDetector(),
      new CanalDetector(),
      new FlannelDetector(),
      new CiliumDetector());

  private CniDetectors() {}

  /** The union of every detector's {@link CniDetector#reads()}, each object once, in registry order. */
  public static Set<KubeObject> reads() {
    Set<KubeObject> objects = new LinkedHashSet<>();
    ALL.forEach(d -> objects.addAll(d.reads()));
    return objects;
  }

  /** The union of every detector's {@link CniDetector#workloads()}, each once, in registry order. */
  public static Set<OwnedWorkload> workloads() {
    Set<OwnedWorkload> workloads = new LinkedHashSet<>();
    ALL.forEach(d -> workloads.addAll(d.workloads()));
    return workloads;
  }
}
