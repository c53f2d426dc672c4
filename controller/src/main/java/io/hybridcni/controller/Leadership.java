package io.hybridcni.controller;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Which replica of the controller writes. Every replica plans; only the one leading applies, and it asks
 * {@link #lost()} before every action of a repair (through the apply lock's {@code Held.lost()}), so a replica that
 * lost the lead stops before its next write.
 */
public interface Leadership extends AutoCloseable {

  /**
   * A single replica that always leads: for one process without a Lease (an embedded loop, a test of the loop
   * itself). Two processes given this would both write; the apply Lease still keeps their writes apart.
   */
  static Leadership single() {
    return new Leadership() {
      private volatile boolean closed;

      @Override
      public void start(Consumer<Boolean> onChange) {
        onChange.accept(true);
      }

      @Override
      public Optional<String> lost() {
        return closed ? Optional.of("the controller was closed") : Optional.empty();
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }

  /**
   * Starts taking part: {@code onChange} hears {@code true} when this replica starts leading and {@code false}
   * when it stops, from any thread.
   */
  void start(Consumer<Boolean> onChange);

  /** Empty while this replica leads, by its own clock; otherwise why it does not (or no longer does). */
  Optional<String> lost();

  /** Whether this replica leads now. */
  default boolean leading() {
    return lost().isEmpty();
  }

  /** Stops taking part and gives the lead up, so another replica takes it at once rather than after the lease. */
  @Override
  void close();
}
