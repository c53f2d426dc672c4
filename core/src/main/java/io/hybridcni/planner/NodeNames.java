package io.hybridcni.planner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How a plan names many nodes to a person: all of them when there are at most {@value #IN_FULL_UP_TO}, otherwise the
 * first {@value #SHOWN} and a count of the rest ({@code and 3,990 more}), as {@code kubectl} and Terraform show a
 * count and a few names rather than thousands of lines. A plan of a 5,000-node cluster otherwise carried one evidence
 * line per node and every leaving node's name twice: most of its size and of the time to build it, and nothing a
 * reader can take in. The threshold keeps every plan of a small cluster (the golden plans have at most four nodes
 * per list) exactly as it was; a list of 21 already shows its first ten and {@code and 11 more}, so the count is
 * never smaller than the names left out would be worth reading.
 *
 * <p>Only what explains is shortened: what an action does (the nodes whose pods apply deletes) keeps every name,
 * and so do the fingerprint facts, which {@link Facts} keeps exact as a digest.
 */
final class NodeNames {

  /** Lists of at most this many names are given in full. */
  static final int IN_FULL_UP_TO = 20;
  /** A longer list shows this many names, then the count of the others. */
  static final int SHOWN = 10;

  private NodeNames() {}

  /**
   * {@code names} as {@link List#toString} writes them ({@code [a, b]}) when there are few, otherwise the first
   * {@value #SHOWN} and the count of the rest: {@code [a, b, ..., j and 990 more]}.
   */
  static String listed(List<String> names) {
    if (names.size() <= IN_FULL_UP_TO) {
      return names.toString();
    }
    return "[" + String.join(", ", names.subList(0, SHOWN)) + " and " + more(names.size() - SHOWN) + "]";
  }

  /**
   * Evidence lines, {@code prefix + name} for each name when there are few, otherwise for the first {@value #SHOWN}
   * followed by the line {@code and 3,990 more}.
   */
  static List<String> evidence(String prefix, List<String> names) {
    return evidence(names, name -> prefix + name);
  }

  /** Evidence lines already written, one per node: shortened as {@link #evidence(String, List)} shortens names. */
  static List<String> evidence(List<String> lines) {
    return evidence(lines, line -> line);
  }

  /**
   * One evidence line per item, written by {@code line}, for all items when there are few, otherwise for the first
   * {@value #SHOWN} followed by {@code and 3,990 more}: the lines left out are never written.
   */
  static <T> List<String> evidence(List<T> items, Function<T, String> line) {
    int shown = items.size() <= IN_FULL_UP_TO ? items.size() : SHOWN;
    List<String> lines = new ArrayList<>(shown + 1);
    for (int i = 0; i < shown; i++) {
      lines.add(line.apply(items.get(i)));
    }
    if (shown < items.size()) {
      lines.add("and " + more(items.size() - shown));
    }
    return List.copyOf(lines);
  }

  /**
   * {@code 3,990 more}: the count grouped by thousands, whatever the machine's locale, as {@code String.format(
   * Locale.ROOT, "%,d more", count)} writes it (a test holds the two equal); by hand, since the formatter's parse of
   * its pattern was a few percent of a large plan's time.
   */
  static String more(int count) {
    String digits = Integer.toString(count);
    int sign = count < 0 ? 1 : 0;
    StringBuilder b = new StringBuilder(digits.length() + digits.length() / 3 + 5);
    b.append(digits, 0, sign);
    for (int i = sign; i < digits.length(); i++) {
      if (i > sign && (digits.length() - i) % 3 == 0) {
        b.append(',');
      }
      b.append(digits.charAt(i));
    }
    return b.append(" more").toString();
  }

  /**
   * The names that sort first among those added, and how many were added: what {@link #evidence} shows of a sorted
   * list, without keeping or sorting every name of a large cluster. Nodes come from the API server in name order, so
   * a name past the kept ones is dropped after one comparison.
   */
  static final class FirstSorted {
    private final String[] kept = new String[IN_FULL_UP_TO];
    private final boolean inOrder;
    private int size;
    private int count;

    /** For names added in any order. */
    FirstSorted() {
      this(false);
    }

    /**
     * For names added in any order, or when {@code inOrder}, known to be added in name order (a {@link NodeCensus}
     * says so): then no name is compared with the kept ones.
     */
    FirstSorted(boolean inOrder) {
      this.inOrder = inOrder;
    }

    void add(String name) {
      count++;
      if (inOrder) {
        if (size < kept.length) {
          kept[size++] = name;
        }
        return;
      }
      if (size == kept.length && kept[size - 1].compareTo(name) <= 0) {
        return;
      }
      int at = size == kept.length ? size - 1 : size;
      // Insertion from the end: in name order the new name is already in place.
      while (at > 0 && kept[at - 1].compareTo(name) > 0) {
        kept[at] = kept[at - 1];
        at--;
      }
      kept[at] = name;
      if (size < kept.length) {
        size++;
      }
    }

    boolean isEmpty() {
      return count == 0;
    }

    /** Evidence as {@link NodeNames#evidence(String, List)} gives it for the sorted list of every name added. */
    List<String> evidence(String prefix) {
      if (count <= IN_FULL_UP_TO) {
        return NodeNames.evidence(prefix, Arrays.asList(kept).subList(0, size));
      }
      List<String> lines = new ArrayList<>(SHOWN + 1);
      for (int i = 0; i < SHOWN; i++) {
        lines.add(prefix + kept[i]);
      }
      lines.add("and " + more(count - SHOWN));
      return List.copyOf(lines);
    }
  }
}
