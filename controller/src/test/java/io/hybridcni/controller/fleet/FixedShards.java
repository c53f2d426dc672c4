package io.hybridcni.controller.fleet;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ShardOwnership} whose held set the test sets: {@link #hold} moves shards here or away and tells the fleet,
 * as a Lease taken or lost would; {@link #loseSilently} takes them away without telling, as a lease that ran out
 * between two renewals does, so only the per-write check can notice.
 */
final class FixedShards implements ShardOwnership {

  private final int shards;
  private volatile Set<Integer> held;
  private volatile Runnable onChange = () -> { };
  final AtomicInteger stillHeldAsked = new AtomicInteger();
  volatile boolean closed;

  FixedShards(int shards, Set<Integer> held) {
    this.shards = shards;
    this.held = Set.copyOf(held);
  }

  /** Every shard of {@code shards}. */
  static FixedShards all(int shards) {
    return new FixedShards(shards, java.util.stream.IntStream.range(0, shards).boxed()
        .collect(java.util.stream.Collectors.toSet()));
  }

  @Override
  public int shards() {
    return shards;
  }

  @Override
  public Set<Integer> held() {
    return held;
  }

  @Override
  public boolean stillHeld(int shard) {
    stillHeldAsked.incrementAndGet();
    return held.contains(shard);
  }

  @Override
  public void start(Runnable listener) {
    this.onChange = listener;
  }

  void hold(Set<Integer> now) {
    held = Set.copyOf(now);
    onChange.run();
  }

  void loseSilently(int shard) {
    held = held.stream().filter(s -> s != shard).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  @Override
  public void close() {
    closed = true;
  }
}
