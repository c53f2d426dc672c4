package io.hybridcni.controller.fleet;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which shards of a fleet this replica keeps. A hub's replicas split the registered clusters between them: every
 * cluster belongs to one shard ({@link #shardOf}), every shard to at most one replica at a time, and a replica that
 * dies loses its shards to the others within the lease duration. The fleet keeps a cluster only while
 * {@link #held()} names its shard, and asks {@link #stillHeld} before every write of that cluster's repairs.
 */
public interface ShardOwnership extends AutoCloseable {

  /** How many shards the fleet is split into; the same on every replica. */
  int shards();

  /** The shards this replica holds now, by its own clock. */
  Set<Integer> held();

  /** Whether this replica still holds {@code shard}: asked before each write, so a replica that lost it stops. */
  default boolean stillHeld(int shard) {
    return held().contains(shard);
  }

  /**
   * Starts taking part; {@code onChange} hears, from any thread, every change of {@link #held()} (after it
   * happened, so reading {@code held()} from the callback sees the new set).
   */
  void start(Runnable onChange);

  /**
   * Tells the ownership, before {@link #start}, which shards this replica still has work running for (members kept or
   * still stopping). A shard given up for balance while the replica goes on is released to the others only once that
   * work has stopped, so that nothing this replica still sends for it (a write that passed {@link #stillHeld} just
   * before, the release of a cluster's apply Lease) lands after another replica took it; until then the others can
   * take it only once its lease has run out, as after a crash. The supplier is asked from the ownership's own thread
   * and must be quick. By default an ownership does not ask.
   */
  default void workingOn(Supplier<Set<Integer>> shards) {
  }

  /** Gives every held shard up at once (so the others need not wait for the lease to run out) and stops. */
  @Override
  void close();

  /**
   * The shard of the cluster kept by the HybridNetwork {@code namespace/name}: a stable hash (FNV-1a, 32 bits, of
   * the UTF-8 bytes of {@code namespace + "/" + name}) modulo {@code shards}, the same on every replica and JVM.
   */
  static int shardOf(String namespace, String name, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, was " + shards);
    }
    int hash = 0x811c9dc5;
    for (byte b : (namespace + "/" + name).getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return Integer.remainderUnsigned(hash, shards);
  }
}
