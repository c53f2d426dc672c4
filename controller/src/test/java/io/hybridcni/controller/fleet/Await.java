package io.hybridcni.controller.fleet;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it, and fails naming what was awaited and what was found. */
final class Await {

  private Await() {}

  static Duration until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> found)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what + "; found " + found.get());
      }
      Thread.sleep(20);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
