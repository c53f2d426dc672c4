package io.hybridcni.detect;

import io.hybridcni.observe.CniPart;
import io.hybridcni.observe.CniPartTypes;
import io.hybridcni.observe.WorkloadRef;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of every CNI hybridcni recognises, in the order their evidence is written: a new CNI is its own
 * {@link CniDetector} (with its facts, {@link CniDetector#facts()}) plus one line here. Everything that lists CNIs
 * (the observer's reads, the facts it builds, the planner's workloads, the DaemonSets {@code status} shows, the
 * "no CNI found" message) is derived from this list.
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

  /**
   * The objects of the detectors whose workloads run calico-node (Calico's installs and Canal), each once: what a
   * re-check of Calico's placement reads.
   */
  public static Set<KubeObject> calicoNodeReads() {
    Set<KubeObject> objects = new LinkedHashSet<>();
    ALL.stream().filter(d -> d.workloads().stream().anyMatch(OwnedWorkload::runsCalicoNode))
        .forEach(d -> objects.addAll(d.reads()));
    return objects;
  }

  /** The union of every detector's {@link CniDetector#workloads()}, each once, in registry order. */
  public static Set<OwnedWorkload> workloads() {
    Set<OwnedWorkload> workloads = new LinkedHashSet<>();
    ALL.forEach(d -> workloads.addAll(d.workloads()));
    return workloads;
  }

  /** Every kind of facts a detector reads other than Calico's, each once (Flannel and Canal share one). */
  public static List<CniFactsKind<?>> factsKinds() {
    Map<String, CniFactsKind<?>> kinds = new LinkedHashMap<>();
    for (CniDetector d : ALL) {
      d.facts().ifPresent(kind -> {
        CniFactsKind<?> other = kinds.putIfAbsent(kind.key(), kind);
        if (other != null && !other.equals(kind)) {
          throw new IllegalStateException("two kinds of CNI facts under the key " + kind.key() + ": "
              + other.type().getSimpleName() + " and " + kind.type().getSimpleName());
        }
      });
    }
    return List.copyOf(kinds.values());
  }

  /** Every other CNI's facts built from {@code objects}, by key in registry order; a CNI without a trace is left out. */
  public static Map<String, CniPart> facts(ObservedObjects objects) {
    Map<String, CniPart> parts = new LinkedHashMap<>();
    for (CniFactsKind<?> kind : factsKinds()) {
      CniPart part = kind.read(objects);
      if (part != null) {
        parts.put(kind.key(), part);
      }
    }
    return parts;
  }

  /**
   * The name of the detector that owns the DaemonSet {@code ref} (as in {@link CniDetector#workloads()}), e.g.
   * {@code canal} for {@code kube-system/canal}; empty when no detector names it.
   */
  public static Optional<String> owner(WorkloadRef ref) {
    if (ref.kind() != WorkloadRef.Kind.DAEMON_SET) {
      return Optional.empty();
    }
    KubeObject object = KubeObject.daemonSet(ref.namespace(), ref.name());
    return ALL.stream().filter(d -> d.workloads().stream().anyMatch(w -> w.object().equals(object)))
        .map(CniDetector::name).findFirst();
  }

  /** The names of the CNIs, each once, in registry order: {@code calico, canal, flannel, cilium}. */
  public static List<String> names() {
    return List.copyOf(new LinkedHashSet<>(ALL.stream().map(CniDetector::name).toList()));
  }

  /**
   * The facts records of {@link #factsKinds()} by key, for {@code observe.Snapshots}, which finds this through
   * {@link java.util.ServiceLoader} ({@code META-INF/services}) because the registry depends on its package.
   */
  public static final class PartTypes implements CniPartTypes {

    @Override
    public Map<String, Class<? extends CniPart>> types() {
      Map<String, Class<? extends CniPart>> types = new LinkedHashMap<>();
      factsKinds().forEach(k -> types.put(k.key(), k.type()));
      return types;
    }
  }
}
