package io.hybridcni.observe;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A node's labels: an immutable map in key order, like {@link Frozen#map}, held as two arrays. A plan looks up a
 * few labels of every node several times (the cloud label, the nodeSelector, each term's requirement); in a
 * {@code TreeMap} behind an unmodifiable view each lookup walked four objects per entry compared, which made the
 * lookups of a 5,000-node plan a fifth of its time. A node has a few dozen labels at most, so a scan of the keys'
 * hashes (held beside them, so that a miss reads no key) is as fast as a hash table and keeps the order for free.
 * The keys are interned, as are the keys the planner looks up ({@link NodeSelectorRequirement}, {@link NodeMatcher},
 * the planner's cloud label): a key read from JSON and one read from the spec are then one object, and a hit is
 * {@code ==} inside {@link String#equals} instead of a compare of their characters. The key names are few (a
 * cluster's label keys), so the JVM's string table stays small.
 */
final class NodeLabels extends AbstractMap<String, String> {

  private static final NodeLabels EMPTY = new NodeLabels(new String[0], new String[0]);

  private final String[] keys;
  private final String[] values;
  /** The keys' hashes, so that a lookup compares ints here before it touches any key's characters. */
  private final int[] hashes;

  private NodeLabels(String[] keys, String[] values) {
    this.keys = keys;
    this.values = values;
    this.hashes = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      hashes[i] = keys[i].hashCode();
    }
  }

  /** An immutable copy of {@code labels} in key order; {@code null} is empty, and a copy is not copied again. */
  static Map<String, String> of(Map<String, String> labels) {
    if (labels instanceof NodeLabels frozen) {
      return frozen;
    }
    if (labels == null || labels.isEmpty()) {
      return EMPTY;
    }
    // Frozen.map sorts (and refuses null keys as TreeMap does); its order is the one every rendering relies on.
    Map<String, String> sorted = Frozen.map(labels);
    String[] keys = new String[sorted.size()];
    String[] values = new String[sorted.size()];
    int i = 0;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      keys[i] = e.getKey().intern();
      values[i] = e.getValue();
      i++;
    }
    return new NodeLabels(keys, values);
  }

  @Override
  public String get(Object key) {
    int at = indexOf(key);
    return at < 0 ? null : values[at];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  private int indexOf(Object key) {
    if (!(key instanceof String wanted)) {
      return -1;
    }
    int hash = wanted.hashCode();
    for (int i = 0; i < hashes.length; i++) {
      if (hashes[i] == hash && keys[i].equals(wanted)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Writes the value of each of {@code wanted} (interned keys) into {@code into[k][at]}, leaving it alone for a key
   * this node lacks: one scan of this node's keys for all of them ({@link LabelColumns}).
   */
  void copyValues(String[] wanted, String[][] into, int at) {
    for (int i = 0; i < keys.length; i++) {
      String key = keys[i];
      for (int k = 0; k < wanted.length; k++) {
        // Both interned: identity is equality.
        if (key == wanted[k]) {
          into[k][at] = values[i];
          break;
        }
      }
    }
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, String> e = new AbstractMap.SimpleImmutableEntry<>(keys[next], values[next]);
            next++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < keys.length; i++) {
      h += keys[i].hashCode() ^ (values[i] == null ? 0 : values[i].hashCode());
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    if (o instanceof NodeLabels other) {
      return Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
    }
    return super.equals(o);
  }
}
