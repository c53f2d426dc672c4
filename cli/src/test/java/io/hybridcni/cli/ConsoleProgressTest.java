package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  private static final Action WAIT = new Action("addon-wait", ActionKind.WAIT_FOR_ADDON, ChangeType.WAIT,
      "ack/cluster/c1/addon/terway-eniip", "wait", List.of(), List.of(),
      new ActionDetail.AddonWait("c1", "terway-eniip", null), null);

  private static String progress(boolean interactive, String taskId) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), interactive);
    new ConsoleProgress(terminal, 1).waitingForAddon(WAIT, "installing", Duration.ofSeconds(42), taskId);
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLongAddonWaitShowsTheStateTheTimeWaitedAndTheTaskIdOnATerminal() {
    assertThat(progress(true, "T-5faa48fb31b6b8078d000006"))
        .contains("waiting for the addon: installing (42 s, ACK task T-5faa48fb31b6b8078d000006)");
  }

  @Test
  void aWaitWithoutAKnownTaskShowsTheStateAndTheTimeWaited() {
    assertThat(progress(true, null)).contains("waiting for the addon: installing (42 s)").doesNotContain("task");
  }

  @Test
  void progressIsNotShownWhenNotOnATerminal() {
    assertThat(progress(false, "T-1")).isEmpty();
  }

  @Test
  void theClosingChecksWaitShowsTheProblemsTheNodesAndTheTimeWaitedOfTheTimeout() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), true);
    var status = new io.hybridcni.status.NetworkStatus(io.hybridcni.plan.Scenario.BGP,
        List.of(new io.hybridcni.status.NodeStatus("cn-hangzhou.i-bp1cloudnode0001", true, "cloud", List.of(),
            List.of("TERWAY_NOT_READY"))),
        List.of(), List.of(io.hybridcni.plan.Finding.warning("TERWAY_NOT_READY", "not Ready", List.of())));

    new ConsoleProgress(terminal, 1).waitingForStatus(status, Duration.ofSeconds(10), Duration.ofMinutes(5));

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("waiting for the running network: [TERWAY_NOT_READY] "
        + "on node(s) [cn-hangzhou.i-bp1cloudnode0001] (10 s of 300 s)");
  }
}
