package io.hybridcni.detect;

import java.util.Map;

/**
 * The objects of a cluster as a CNI detector builds its facts from them: ConfigMaps by their data, DaemonSets as
 * {@link ObservedDaemonSet}. An observer answers from the reads it started at once for every detector's
 * {@link CniDetector#reads()}; an object no detector named in advance (one a DaemonSet points to, such as a
 * hash-suffixed ConfigMap) is read when asked, at the cost of one more round trip. A missing object is
 * {@code null}, a fact; a read that fails throws, and fails the observation.
 */
public interface ObservedObjects {

  /** The ConfigMap's data (empty when it has none), or {@code null} when it does not exist. */
  Map<String, String> configMapData(String namespace, String name);

  /** The DaemonSet, or {@code null} when it (or its namespace) does not exist. */
  ObservedDaemonSet daemonSet(String namespace, String name);
}
