package io.hybridcni.controller.fleet;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A replica that holds every shard, without any Lease: for a fleet kept by one replica. Two replicas given this would
 * both keep every cluster (each member's apply Lease still keeps their writes apart, as {@code Leadership.single()}
 * does for one cluster); replicas that split the clusters need shard Leases.
 */
public final class AllShards implements ShardOwnership {

  private final int shards;
  private final Set<Integer> all;
  private volatile boolean closed;

  /** Every one of {@code shards} shards, held until closed. */
  public AllShards(int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, was " + shards);
    }
    this.shards = shards;
    this.all = IntStream.range(0, shards).boxed().collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public int shards() {
    return shards;
  }

  @Override
  public Set<Integer> held() {
    return closed ? Set.of() : all;
  }

  @Override
  public void start(Runnable onChange) {
    // Nothing ever changes until close.
  }

  @Override
  public void close() {
    closed = true;
  }
}
