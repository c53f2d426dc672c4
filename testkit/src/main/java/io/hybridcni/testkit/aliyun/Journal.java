package io.hybridcni.testkit.aliyun;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of the calls a {@link FakeAliyun} received, oldest first. Neither it nor any entry
 * renders a secret.
 */
public final class Journal extends AbstractList<JournalEntry> implements RandomAccess {

  private final List<JournalEntry> entries;

  Journal(List<JournalEntry> entries) {
    this.entries = List.copyOf(entries);
  }

  @Override
  public JournalEntry get(int index) {
    return entries.get(index);
  }

  @Override
  public int size() {
    return entries.size();
  }

  /** The entries of one operation, oldest first. */
  public List<JournalEntry> of(String operation) {
    return entries.stream().filter(entry -> entry.operation().equals(operation)).toList();
  }

  /** How many calls of the operation were received, whatever their outcome. */
  public long count(String operation) {
    return entries.stream().filter(entry -> entry.operation().equals(operation)).count();
  }

  /** The operation names in the order the calls were received. */
  public List<String> operations() {
    return entries.stream().map(JournalEntry::operation).toList();
  }

  /**
   * The most calls received within any window of length {@code window} (half open: a call received exactly
   * {@code window} after another is in the next one), by the fake's own {@link JournalEntry#receivedNanos()}: what
   * a rate limit must bound, measured where the cloud would measure it.
   */
  public int mostReceivedWithin(Duration window) {
    return mostWithin(entries.stream().map(JournalEntry::receivedNanos).toList(), window.toNanos());
  }

  /** The most of {@code times} (nanoseconds, any order) that fall within any half-open window of that length. */
  public static int mostWithin(List<Long> times, long windowNanos) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    int best = 0;
    int first = 0;
    for (int last = 0; last < sorted.size(); last++) {
      while (sorted.get(last) - sorted.get(first) >= windowNanos) {
        first++;
      }
      best = Math.max(best, last - first + 1);
    }
    return best;
  }

  /** One entry per line. */
  @Override
  public String toString() {
    return entries.stream().map(JournalEntry::rendering).collect(Collectors.joining("\n"));
  }
}
