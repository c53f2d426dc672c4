package io.hybridcni.controller.fleet;

import io.hybridcni.controller.Leadership;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A fleet member's {@link Leadership}: "this replica holds the member's shard". The member's controller asks
 * {@link #lost()} before every write of a repair (through its guarded apply lock), and {@link #lost()} asks the
 * {@link ShardOwnership} itself ({@link ShardOwnership#stillHeld}) rather than what the fleet last heard: a shard that
 * moved away stops the member's writes before the next one, even before the fleet's own loop stops the member.
 */
final class ShardLeadership implements Leadership {

  private final ShardOwnership ownership;
  private final int shard;
  private volatile boolean revoked;
  private volatile Consumer<Boolean> onChange;

  ShardLeadership(ShardOwnership ownership, int shard) {
    this.ownership = Objects.requireNonNull(ownership, "ownership");
    this.shard = shard;
  }

  @Override
  public void start(Consumer<Boolean> listener) {
    this.onChange = Objects.requireNonNull(listener, "listener");
    // The fleet starts a member only for a shard it holds; should it have moved since, lost() says so at once.
    listener.accept(!revoked && ownership.stillHeld(shard));
  }

  @Override
  public Optional<String> lost() {
    if (revoked) {
      return Optional.of("the fleet stopped keeping this cluster");
    }
    if (!ownership.stillHeld(shard)) {
      return Optional.of("this replica no longer holds shard " + shard + " of " + ownership.shards());
    }
    return Optional.empty();
  }

  /**
   * Stops the member's writes for good and tells its controller it no longer leads; quick (nothing blocks), so the
   * fleet calls it on its own thread before the slow close of the member runs elsewhere.
   */
  void revoke() {
    if (revoked) {
      return;
    }
    revoked = true;
    Consumer<Boolean> listener = onChange;
    if (listener != null) {
      listener.accept(false);
    }
  }

  /** The shard this leadership is judged on. */
  int shard() {
    return shard;
  }

  @Override
  public void close() {
    revoke();
  }
}
