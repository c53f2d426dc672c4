package io.hybridcni.cli;

import io.hybridcni.error.HybridCniException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The {@code hybridcni} command's entry point. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.console() != null));
  }

  /**
   * Runs the command with these streams and answers the exit code: 0 success (no changes), 2 changes (with
   * {@code --detailed-exitcode}), 1 error or blocker.
   */
  public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
    Terminal term = new Terminal(out, err, terminal);
    CommandLine cli = new CommandLine(new HybridCniCommand(term));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      boolean verbose = parsed.hasMatchedOption("--verbose")
          || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
      term.error(describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return ExitCodes.ERROR;
    });
    cli.setParameterExceptionHandler((e, params) -> {
      term.error(e.getMessage());
      e.getCommandLine().usage(err);
      return ExitCodes.ERROR;
    });
    return cli.execute(args);
  }

  static String describe(Exception e) {
    if (e instanceof HybridCniException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + " (run with --verbose for the stack trace)";
  }
}
