package io.hybridcni.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.Planner;
import io.hybridcni.render.PlanText;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Control characters and ANSI sequences in values are shown, never obeyed. */
class PrintableTest {

  /** Clears the screen, sets the window title, and turns right-to-left on for what follows. */
  private static final String HOSTILE = "i-evil\u001b[2J\u001b]0;pwned\u0007\u202e\u009b31m\r\nPlan: 0 to add";

  @Test
  void controlCharactersAnsiSequencesAndBidiOverridesAreEscaped() {
    assertThat(Printable.escape(HOSTILE))
        .isEqualTo("i-evil\\u001b[2J\\u001b]0;pwned\\u0007\\u202e\\u009b31m\\r\\nPlan: 0 to add");
    assertThat(Printable.escape("plain value, ünïcödé, 中文")).isEqualTo("plain value, ünïcödé, 中文");
    assertThat(Printable.escape(null)).isNull();
  }

  @Test
  void messagesKeepTheirOwnLineBreaksButNoCarriageReturn() {
    assertThat(Printable.escapeKeepingLines("2 problems:\n  a\r\n  b\u001b[0m"))
        .isEqualTo("2 problems:\n  a\\r\n  b\\u001b[0m");
  }

  @Test
  void aNodeNameWithEscapesIsPrintedEscapedInPlainAndColoredPlans() {
    ObservedState state = ObservedState.builder()
        .nodes(List.of(SampleClusters.onPremNode("onprem-1", true),
            SampleClusters.cloudNode("cn-hangzhou." + HOSTILE, true, false)))
        .calico(SampleClusters.calicoBgp(SampleClusters.linuxOnly()))
        .cluster(SampleClusters.registeredCluster())
        .build();
    Plan plan = new Planner().plan(Specs.auto(), state);

    String plain = PlanText.plain().render(plan);
    String colored = PlanText.colored().render(plan);

    // The value is there, to be read: the note names the cloud node Calico leaves.
    assertThat(plain).contains(Printable.escape(HOSTILE)).doesNotContain("\u001b").doesNotContain("\u0007")
        .doesNotContain("\u202e").doesNotContain("\r");
    // The colored plan's only escapes are its own color codes.
    assertThat(colored).contains("\u001b[");
    assertThat(colored.replaceAll("\u001b\\[[0-9;]*m", "")).doesNotContain("\u001b").doesNotContain("\u009b");
  }
}
