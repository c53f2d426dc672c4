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
 * {@code UnInstallClusterAddons}, {@code DescribeTaskInfo} and {@code DescribeClusterTasks}. Faults apply only to calls that passed the
 * signature check and name a known operation.
 *
 * <pre>{@code
 * fake.faults().on("CreateAccessKey").throttleTimes(3).dropAfterCommit();
 * }</pre>
 */
public final class Faults {

  private final Map<String, Deque<Outcome>> queued = new HashMap<>();
  private final Map<String, Duration> delays = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private final Map<String, Integer> taken = new HashMap<>();
  private volatile Listener listener = (operation, injected) -> { };

  /** Hears about every call that reached the fault script, so that a test can tell which faults fired when. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A call of {@code operation} reached the script; {@code injected} is true when it took a queued outcome (a
     * failure or a drop). Called on the fake's request thread before the outcome is carried out.
     */
    void called(String operation, boolean injected);
  }

  Faults() {}

  /** The script for one operation; methods on it add to this script. */
  public OperationFaults on(String operation) {
    return new OperationFaults(this, Objects.requireNonNull(operation, "operation"));
  }

  /** Removes every queued outcome and delay, and the counts of {@link #calls} and {@link #taken}. */
  public synchronized void clear() {
    queued.clear();
    delays.clear();
    calls.clear();
    taken.clear();
  }

  /** Sets the one listener told about every call (replacing the previous one). */
  public void listener(Listener value) {
    this.listener = Objects.requireNonNull(value, "listener");
  }

  /** How many calls of the operation reached the fault script since the last {@link #clear()}. */
  public synchronized int calls(String operation) {
    return calls.getOrDefault(operation, 0);
  }

  /** How many queued outcomes of the operation calls took (so fired) since the last {@link #clear()}. */
  public synchronized int taken(String operation) {
    return taken.getOrDefault(operation, 0);
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
  Decision next(String operation) {
    Decision decision;
    synchronized (this) {
      Deque<Outcome> outcomes = queued.get(operation);
      Outcome outcome = outcomes == null || outcomes.isEmpty() ? Outcome.PROCEED : outcomes.pollFirst();
      calls.merge(operation, 1, Integer::sum);
      if (outcome.kind() != Kind.PROCEED) {
        taken.merge(operation, 1, Integer::sum);
      }
      decision = new Decision(delays.getOrDefault(operation, Duration.ZERO), outcome);
    }
    listener.called(operation, decision.outcome().kind() != Kind.PROCEED);
    return decision;
  }

  /**
   * One injected outcome. {@code code} and {@code status} matter only for {@link Kind#FAIL} and
   * {@link Kind#FAIL_AFTER_COMMIT}.
   */
  record Outcome(Kind kind, String code, int status, String message) {
    static final Outcome PROCEED = new Outcome(Kind.PROCEED, null, 0, null);
    static final Outcome DROP = new Outcome(Kind.DROP_AFTER_COMMIT, null, 0, null);
  }

  enum Kind {
    PROCEED,
    FAIL,
    DROP_AFTER_COMMIT,
    FAIL_AFTER_COMMIT
  }

  record Decision(Duration delay, Outcome outcome) {}
}
