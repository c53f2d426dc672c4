package io.hybridcni.bench;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The remote calls made while it records, from both clients: which, whether a write, and how long each took. */
final class CallLog {

  /** Which remote side a call went to. */
  enum Side { KUBERNETES, ALIYUN }

  /**
   * One finished call; {@code operation} is the Aliyun operation, or the Kubernetes method and path; {@code endedAt}
   * the {@link System#nanoTime()} at which it was recorded (its answer's arrival), so that a timeline can be drawn.
   */
  record Call(Side side, String operation, boolean write, long nanos, long endedAt) {

    /** When the call was sent, by the same clock as {@link #endedAt}. */
    long startedAt() {
      return endedAt - nanos;
    }
  }

  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

  void record(Side side, String operation, boolean write, long nanos) {
    calls.add(new Call(side, operation, write, nanos, System.nanoTime()));
  }

  /** How many calls are recorded now (since the last drain), without forgetting them. */
  int size() {
    return calls.size();
  }

  /** The calls recorded since the last drain, forgetting them. */
  List<Call> drain() {
    List<Call> taken = new java.util.ArrayList<>();
    Call call;
    while ((call = calls.poll()) != null) {
      taken.add(call);
    }
    return taken;
  }

  static long count(List<Call> calls, Side side) {
    return calls.stream().filter(c -> c.side() == side).count();
  }

  static long writes(List<Call> calls, Side side) {
    return calls.stream().filter(c -> c.side() == side && c.write()).count();
  }

  static double slowestMillis(List<Call> calls) {
    return calls.stream().mapToLong(Call::nanos).max().orElse(0) / 1e6;
  }

  static double totalMillis(List<Call> calls) {
    return calls.stream().mapToLong(Call::nanos).sum() / 1e6;
  }
}
