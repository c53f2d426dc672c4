package io.hybridcni.controller;

import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A listener that keeps what the controller told it, and lets a test wait for a call without sleeping blindly. */
final class Recorder implements ControllerListener {

  /** One call: its name, and the plan, result, reason or failure it carried. */
  record Call(String name, Plan plan, ReconcileResult result, String why, Exception failure, Boolean leading) {}

  private final List<Call> calls = new ArrayList<>();

  @Override
  public synchronized void synced() {
    add(new Call("synced", null, null, null, null, null));
  }

  @Override
  public synchronized void leadership(boolean leading) {
    add(new Call("leadership", null, null, null, null, leading));
  }

  @Override
  public synchronized void planned(Plan plan, NetworkStatus status) {
    add(new Call("planned", plan, null, null, null, null));
  }

  @Override
  public synchronized void held(Plan plan, String why) {
    add(new Call("held", plan, null, why, null, null));
  }

  @Override
  public synchronized void superseded(Plan plan, String why) {
    add(new Call("superseded", plan, null, why, null, null));
  }

  @Override
  public synchronized void reconciled(ReconcileResult result) {
    add(new Call("reconciled", null, result, null, null, null));
  }

  @Override
  public synchronized void failed(Exception failure) {
    add(new Call("failed", null, null, null, failure, null));
  }

  private void add(Call call) {
    calls.add(call);
    notifyAll();
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized List<Call> calls(String name) {
    return calls.stream().filter(c -> c.name().equals(name)).toList();
  }

  /** Waits until a call after the first {@code after} calls matches, and returns it; fails after {@code timeout}. */
  synchronized Call await(int after, Duration timeout, Predicate<Call> match) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = after; i < calls.size(); i++) {
        if (match.test(calls.get(i))) {
          return calls.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching call within " + timeout + "; calls: " + describe());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  synchronized int size() {
    return calls.size();
  }

  private String describe() {
    List<String> out = new ArrayList<>();
    for (Call c : calls) {
      out.add(c.name() + (c.why() != null ? "(" + c.why() + ")" : "")
          + (c.failure() != null ? "(" + c.failure().getMessage() + ")" : "")
          + (c.result() != null ? "(" + c.result().why() + ")" : "")
          + (c.plan() != null ? c.plan().actions().stream().map(a -> a.id()).toList() : "")
          + (c.leading() != null ? "(" + c.leading() + ")" : ""));
    }
    return out.toString();
  }
}
