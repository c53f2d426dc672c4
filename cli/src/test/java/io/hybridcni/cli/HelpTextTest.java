package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help every command prints, as picocli renders it. */
class HelpTextTest {

  @Test
  void everyCommandsHelpRendersWithoutAPicocliWarning() {
    // picocli formats each description with String.format: a bare "%" (say "±20 % (ISO-8601)") is printed raw and
    // warned about on the process's own stderr around every --help, which is where this test listens.
    PrintStream none = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Terminal term = new Terminal(new ByteArrayInputStream(new byte[0]), none, none, false);
    CommandLine root = new CommandLine(new HybridCniCommand(term, Environments.standard()));
    List<CommandLine> commands = new ArrayList<>(List.of(root));
    commands.addAll(root.getSubcommands().values());
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    PrintStream processErr = System.err;
    List<String> helps = new ArrayList<>();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      commands.forEach(c -> helps.add(c.getUsageMessage(CommandLine.Help.Ansi.OFF)));
    } finally {
      System.setErr(processErr);
    }
    assertThat(commands).extracting(CommandLine::getCommandName).contains("controller", "plan", "apply");
    assertThat(String.join("\n", helps)).contains("Read Alibaba Cloud again this often, ±20 %");
    assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
  }
}
