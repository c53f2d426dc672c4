package io.hybridcni.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The on-premises CNI signals: Calico's facts typed (the CNI hybridcni changes; {@code null} when Calico left no
 * trace) and every other CNI's facts by key, in the order they were observed ({@code flannel}, {@code cilium},
 * ...; a CNI that left no trace has no entry). A new CNI adds an entry, not a field: its detector names the key
 * and the record, and {@link Snapshots} writes each under its key as before.
 */
public record CniFacts(CalicoFacts calico, Map<String, CniPart> parts) {

  /** The key of Flannel's (and Canal's) facts. */
  public static final String FLANNEL = "flannel";
  /** The key of Cilium's facts. */
  public static final String CILIUM = "cilium";
  /** The key of Calico's facts in snapshots; not a key of {@link #parts}. */
  public static final String CALICO = "calico";

  public static final CniFacts NONE = new CniFacts(null, Map.of());

  public CniFacts {
    Map<String, CniPart> copy = new LinkedHashMap<>();
    if (parts != null) {
      parts.forEach((key, part) -> {
        Objects.requireNonNull(key, "CNI facts key");
        if (CALICO.equals(key)) {
          throw new IllegalArgumentException("Calico's facts are CniFacts.calico, not a part keyed " + key);
        }
        if (part != null) {
          copy.put(key, part);
        }
      });
    }
    parts = Collections.unmodifiableMap(copy);
  }

  /** Calico, Flannel (or Canal) and Cilium: the CNIs the tests and samples build by hand. */
  public CniFacts(CalicoFacts calico, FlannelFacts flannel, CiliumFacts cilium) {
    this(calico, parts(flannel, cilium));
  }

  private static Map<String, CniPart> parts(FlannelFacts flannel, CiliumFacts cilium) {
    Map<String, CniPart> parts = new LinkedHashMap<>();
    parts.put(FLANNEL, flannel);
    parts.put(CILIUM, cilium);
    return parts;
  }

  /** Flannel's or Canal's facts, or {@code null}. */
  public FlannelFacts flannel() {
    return part(FLANNEL, FlannelFacts.class);
  }

  /** Cilium's facts, or {@code null}. */
  public CiliumFacts cilium() {
    return part(CILIUM, CiliumFacts.class);
  }

  /**
   * The facts under {@code key}, or {@code null} when that CNI left no trace.
   *
   * @throws IllegalStateException when the facts under {@code key} are not a {@code type} (two CNIs claim a key)
   */
  public <T extends CniPart> T part(String key, Class<T> type) {
    CniPart part = parts.get(key);
    if (part == null) {
      return null;
    }
    if (!type.isInstance(part)) {
      throw new IllegalStateException("the CNI facts under " + key + " are a " + part.getClass().getSimpleName()
          + ", not a " + type.getSimpleName());
    }
    return type.cast(part);
  }

  /** The same facts with {@code value} under {@code key} ({@code null}: none), keeping the others' order. */
  public CniFacts withPart(String key, CniPart value) {
    Map<String, CniPart> copy = new LinkedHashMap<>(parts);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return new CniFacts(calico, copy);
  }

  public CniFacts withCalico(CalicoFacts value) {
    return new CniFacts(value, parts);
  }

  /**
   * Every CNI workload observed: calico-node's DaemonSet first, then each other CNI's in key order, for lookups by
   * reference and for the placements whose label keys the observer keeps. Canal's DaemonSet is both Calico's and
   * Flannel's, so it comes twice, as it always did (the planner's image list and its goldens rely on that order).
   */
  public List<Workload> workloads() {
    List<Workload> result = new ArrayList<>();
    if (calico != null && calico.daemonSet() != null) {
      result.add(calico.daemonSet());
    }
    parts.values().forEach(p -> result.addAll(p.workloads()));
    return result;
  }
}
