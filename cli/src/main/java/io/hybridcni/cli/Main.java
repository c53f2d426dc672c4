package io.hybridcni.cli;

import io.hybridcni.error.HybridCniException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The {@code hybridcni} command's entry point. */
public final class Main {

  /** Held so that its level survives: java.util.logging keeps loggers only weakly. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private Main() {}

  static {
    // Progress is the command's own output; library log lines are for --verbose runs (see run()).
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.in, System.out, System.err, System.console() != null, Environments.standard());
    } catch (OutOfMemoryError e) {
      // run() reports it; this is the last resort when even that ran out of memory.
      code = ExitCodes.ERROR;
    }
    // Always through System.exit: after a failure a library's non-daemon thread (an HTTP client's event loop that
    // was never closed) would otherwise keep the JVM alive with nothing left to do.
    System.exit(code);
  }

  /**
   * Runs the command with these streams and answers the exit code: 0 success (no changes), 2 changes (with
   * {@code --detailed-exitcode}), 1 error or blocker.
   */
  static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean terminal,
      Environment.Factory environments) {
    Terminal term = new Terminal(in, out, err, terminal);
    CommandLine cli = new CommandLine(new HybridCniCommand(term, environments));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (outOfMemory(e)) {
        term.error(heapTooSmall());
        return ExitCodes.ERROR;
      }
      boolean verbose = parsed.hasMatchedOption("--verbose")
          || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
      term.error(describe(e));
      if (verbose) {
        e.printStackTrace(err);
      }
      return ExitCodes.ERROR;
    });
    // One line, as for every other bad input: the option and what was expected, then where the usage is. The whole
    // usage after it would bury the one line that matters.
    cli.setParameterExceptionHandler((e, params) -> {
      term.error(e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return ExitCodes.ERROR;
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands only Exceptions to the handler above; an Error thrown by the command itself comes out here.
      term.error(heapTooSmall());
      return ExitCodes.ERROR;
    }
  }

  /** Whether {@code e} is, or was caused by, the heap running out (e.g. in an observation thread). */
  static boolean outOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }

  /** The one line that says the heap was too small, and how to give more. */
  static String heapTooSmall() {
    return "hybridcni ran out of Java heap (maximum " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
        + " MiB) and stopped: run it again with a larger heap, e.g. java -Xmx512m -jar hybridcni.jar ...";
  }

  static String describe(Exception e) {
    if (e instanceof HybridCniException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + " (run with --verbose for the stack trace)";
  }
}
