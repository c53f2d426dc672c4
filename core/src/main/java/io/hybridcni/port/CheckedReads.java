package io.hybridcni.port;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the re-check before one action read, handed to that action's executor so that it need not read it again.
 * The {@link io.hybridcni.apply.Reconciler} makes one for each re-check ({@link ClusterObserver#refresh(
 * io.hybridcni.spec.HybridNetworkSpec, io.hybridcni.observe.KubernetesFacts, io.hybridcni.observe.FactScope,
 * CheckedReads)}) and gives it to the next action only, in its {@link io.hybridcni.apply.ExecutionContext}: what it
 * holds was read moments before the action started, after every earlier action had ended.
 *
 * <p>An entry is an adapter's own type (core never looks inside), put by the observer and {@link #take taken} once
 * by the executor, which uses it on its first attempt only: a write made from it carries the version it was read
 * at, so the server's optimistic concurrency still refuses it when the object changed since, and every attempt
 * after that reads afresh.
 */
public final class CheckedReads {

  /** Holds nothing and keeps nothing: for a context without a re-check (the first action, a test). */
  public static final CheckedReads NONE = new CheckedReads(false);

  private final boolean keeps;
  private final Map<Class<?>, Object> reads = new ConcurrentHashMap<>();

  private CheckedReads(boolean keeps) {
    this.keeps = keeps;
  }

  /** An empty holder that keeps what the observer puts into it. */
  public static CheckedReads collecting() {
    return new CheckedReads(true);
  }

  /** Whether what is put is kept: an observer that only collects for the executor skips the work otherwise. */
  public boolean keepsReads() {
    return keeps;
  }

  /** Keeps {@code value} as the read of its type, replacing an earlier one; {@link #NONE} ignores it. */
  public <T> void put(Class<T> type, T value) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    if (keeps) {
      reads.put(type, type.cast(value));
    }
  }

  /** The read of this type, removed so that it is used once; empty when there is none. */
  public <T> Optional<T> take(Class<T> type) {
    return Optional.ofNullable(reads.remove(type)).map(type::cast);
  }

  @Override
  public String toString() {
    return "CheckedReads" + reads.keySet().stream().map(Class::getSimpleName).sorted().toList();
  }
}
