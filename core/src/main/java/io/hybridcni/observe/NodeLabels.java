package io.hybridcni.observe;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A node's labels: an immutable map in key order, like {@link Frozen#map}, held as one array of keys and values. A
 * plan looks up a few labels of every node several times (the cloud label, the nodeSelector, each term's
 * requirement); in a {@code TreeMap} behind an unmodifiable view each lookup walked four objects per entry compared,
 * which made the lookups of a 5,000-node plan a fifth of its time. A node has a few dozen labels at most, so a scan
 * of the keys is as fast as a hash table and keeps the order for free.
 * The keys are interned, as are the keys the planner looks up ({@link NodeSelectorRequirement}, {@link NodeMatcher},
 * the planner's cloud label): a key read from JSON and one read from the spec are then one object, and a hit is
 * {@code ==} inside {@link String#equals} instead of a compare of their characters. The key names are few (a
 * cluster's label keys), so the JVM's string table stays small.
 */
final class NodeLabels extends AbstractMap<String, String> {

  private static final NodeLabels EMPTY = new NodeLabels(new String[0]);

  /**
   * The keys and values side by side, {@code [k0, v0, k1, v1, ...]}: one array, so that a pass over many nodes
   * reaches a node's labels through one object less (a pass over 5,000 nodes mostly waits for memory). A lookup
   * compares the interned keys by identity first and reads a key's characters only for a key that is not interned.
   */
  private final String[] entries;

  private NodeLabels(String[] entries) {
    this.entries = entries;
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
    String[] entries = new String[2 * sorted.size()];
    int i = 0;
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      entries[i++] = e.getKey().intern();
      entries[i++] = e.getValue();
    }
    return new NodeLabels(entries);
  }

  @Override
  public String get(Object key) {
    int at = indexOf(key);
    return at < 0 ? null : entries[at + 1];
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
    for (int i = 0; i < entries.length; i += 2) {
      // The keys are interned, so one key object serves every node: its cached hash is read from a cache line
      // that all lookups share, and an interned key that is looked up (the planner's are) matches by identity.
      String k = entries[i];
      if (k == wanted || (k.hashCode() == hash && k.equals(wanted))) {
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
    for (int i = 0; i < entries.length; i += 2) {
      String key = entries[i];
      for (int k = 0; k < wanted.length; k++) {
        // Both interned: identity is equality.
        if (key == wanted[k]) {
          into[k][at] = entries[i + 1];
          break;
        }
      }
    }
  }

  @Override
  public int size() {
    return entries.length / 2;
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
            return next < entries.length;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (next >= entries.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, String> e = new AbstractMap.SimpleImmutableEntry<>(entries[next], entries[next + 1]);
            next += 2;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return entries.length / 2;
      }
    };
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < entries.length; i += 2) {
      h += entries[i].hashCode() ^ (entries[i + 1] == null ? 0 : entries[i + 1].hashCode());
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    if (o instanceof NodeLabels other) {
      return Arrays.equals(entries, other.entries);
    }
    return super.equals(o);
  }
}
