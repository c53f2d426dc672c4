package io.hybridcni.observe;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Immutable copies for value types: lists keep their order, maps are sorted by key so that every rendering
 * and fingerprint of a value is deterministic. A {@code null} collection becomes an empty one.
 */
public final class Frozen {

  private Frozen() {}

  public static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  public static <V> SortedMap<String, V> map(Map<String, V> map) {
    if (map == null || map.isEmpty()) {
      return Collections.emptySortedMap();
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }
}
