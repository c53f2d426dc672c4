package io.hybridcni.controller.fleet;

import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one member's controller told its listeners, by call name (with the failure's message or the result's why). */
final class Calls implements ControllerListener {

  final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public void planned(Plan plan, NetworkStatus status) {
    calls.add("planned " + plan.actions().stream().map(a -> a.kind().name()).toList());
  }

  @Override
  public void held(Plan plan, String why) {
    calls.add("held " + why);
  }

  @Override
  public void reconciled(ReconcileResult result) {
    calls.add("reconciled " + result.converged() + " " + result.why());
  }

  @Override
  public void failed(Exception failure) {
    calls.add("failed " + failure.getMessage());
  }

  @Override
  public void leadership(boolean leading) {
    calls.add("leadership " + leading);
  }

  boolean anyAfter(int mark, String prefix) {
    List<String> now = List.copyOf(calls);
    return now.subList(Math.min(mark, now.size()), now.size()).stream().anyMatch(c -> c.startsWith(prefix));
  }

  @Override
  public String toString() {
    return calls.toString();
  }
}
