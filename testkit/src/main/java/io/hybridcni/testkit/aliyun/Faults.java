package io.hybridcni.testkit.aliyun;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fault script of a {@link FakeAliyun}: per operation, a queue of injected outcomes consumed one per call,
 * in the order they were added, plus an optional delay for every call.
 *
 * <p>Operations are named as the API names them: RAM actions ({@code CreateAccessKey}, {@code GetUser}, ...)
 * and the CS operations {@code DescribeClusterDetail}, {@code ListClusterAddonInstances},
 * {@code GetClusterAddonInstance}, {@code InstallClusterAddons}, {@code UpgradeClusterAddons},
 * {@code UnInstallClusterAddons} and {@code DescribeTaskInfo}. Faults apply only to calls that passed the
 * signature check and name a known operation.
 *
 * <pre>{@code
 * fake.faults().on("CreateAccessKey").throttleTimes(3).dropAfterCommit();
 * }</pre>
 */
public final class Faults {

  private final Map<String, Deque<Outcome>> queued = new HashMap<>();
  private final Map<String, Duration> delays = new HashMap<>();

  Faults() {}

  /** The script for one operation; methods on it add to this script. */
  public OperationFaults on(String operation) {
    return new OperationFaults(this, Objects.requireNonNull(operation, "operation"));
  }

  /** Removes every queued outcome and delay. */
  public synchronized void clear() {
    queued.clear();
    delays.clear();
  }

  /** How many injected outcomes are still queued for the operation. */
  public synchronized int pending(String operation) {
    Deque<Outcome> outcomes = queued.get(operation);
    return outcomes == null ? 0 : outcomes.size();
  }

  synchronized void enqueue(String operation, Outcome outcome, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("Times must be at least 1, was " + times);
    }
    Deque<Outcome> outcomes = queued.computeIfAbsent(operation, key -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      outcomes.addLast(outcome);
    }
  }

  synchronized void delay(String operation, Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("Delay must be zero or positive, was " + delay);
    }
    delays.put(operation, delay);
  }

  /** Takes the next outcome for one call of the operation. */
  synchronized Decision next(String operation) {
    Deque<Outcome> outcomes = queued.get(operation);
    Outcome outcome = outcomes == null || outcomes.isEmpty() ? Outcome.PROCEED : outcomes.pollFirst();
    return new Decision(delays.getOrDefault(operation, Duration.ZERO), outcome);
  }

  /** One injected outcome. {@code code} and {@code status} matter only for {@link Kind#FAIL}. */
  record Outcome(Kind kind, String code, int status, String message) {
    static final Outcome PROCEED = new Outcome(Kind.PROCEED, null, 0, null);
    static final Outcome DROP = new Outcome(Kind.DROP_AFTER_COMMIT, null, 0, null);
  }

  enum Kind {
    PROCEED,
    FAIL,
    DROP_AFTER_COMMIT
  }

  record Decision(Duration delay, Outcome outcome) {}
}
