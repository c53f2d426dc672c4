package io.hybridcni.testkit.aliyun;

import java.util.AbstractList;
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

  /** One entry per line. */
  @Override
  public String toString() {
    return entries.stream().map(JournalEntry::rendering).collect(Collectors.joining("\n"));
  }
}
