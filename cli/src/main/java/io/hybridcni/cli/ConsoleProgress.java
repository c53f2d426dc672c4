package io.hybridcni.cli;

import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.StepResult;
import io.hybridcni.plan.Action;
import io.hybridcni.status.NetworkStatus;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows apply progress on stderr: one line per action, and while an addon is waited for its state, the time waited
 * and the ACK task id, or while a rollout is waited for how far it is (terminal only).
 */
final class ConsoleProgress implements ApplyListener {

  private final Terminal terminal;
  private final int total;
  private int index;

  ConsoleProgress(Terminal terminal, int total) {
    this.terminal = terminal;
    this.total = total;
  }

  @Override
  public synchronized void actionStarted(Action action) {
    index++;
    terminal.info(String.format(Locale.ROOT, "[%d/%d] %s %s ...", index, total,
        action.kind().name().toLowerCase(Locale.ROOT), action.id()));
  }

  @Override
  public void actionFinished(Action action, StepResult result) {
    terminal.info("      " + result.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
        + result.message());
  }

  @Override
  public void actionFailed(Action action, RuntimeException cause) {
    terminal.info("      failed: " + cause.getMessage());
  }

  @Override
  public void waitingForAddon(Action action, String state, Duration elapsed) {
    waitingForAddon(action, state, elapsed, null);
  }

  @Override
  public void waitingForAddon(Action action, String state, Duration elapsed, String taskId) {
    terminal.progress("      waiting for the addon: " + state + " (" + elapsed.toSeconds() + " s"
        + (taskId == null ? "" : ", ACK task " + taskId) + ")");
  }

  @Override
  public void waitingForRollout(Action action, String progress, Duration elapsed) {
    terminal.progress("      waiting for the rollout: " + progress + " (" + elapsed.toSeconds() + " s)");
  }

  @Override
  public void waitingForStatus(NetworkStatus status, Duration elapsed, Duration timeout) {
    terminal.progress("      waiting for the running network: " + status.problemCodes() + " on node(s) "
        + status.nodesWithProblems().stream().map(n -> n.name()).toList() + " (" + elapsed.toSeconds() + " s of "
        + timeout.toSeconds() + " s)");
  }

  @Override
  public void retrying(Action action, String operation, int attempt, Duration delay, String reason) {
    terminal.progress("      " + operation + ": " + reason + ", retry " + attempt + " in " + delay.toMillis() + " ms");
  }
}
