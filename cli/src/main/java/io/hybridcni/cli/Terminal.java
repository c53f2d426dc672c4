package io.hybridcni.cli;

import io.hybridcni.text.Printable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where the command writes: results on stdout, progress and errors on stderr. Colors and progress only when
 * attached to a terminal and not turned off with {@code --no-color}.
 */
final class Terminal {

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean interactive;
  private boolean color;

  Terminal(InputStream in, PrintStream out, PrintStream err, boolean interactive) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.interactive = interactive;
    this.color = interactive && System.getenv("NO_COLOR") == null;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  boolean interactive() {
    return interactive;
  }

  boolean color() {
    return color;
  }

  void noColor() {
    color = false;
  }

  /** The plan renderer for this terminal: colored only on a terminal without --no-color. */
  io.hybridcni.render.PlanText renderer() {
    return color ? io.hybridcni.render.PlanText.colored() : io.hybridcni.render.PlanText.plain();
  }

  /**
   * An error. Like every message line below, it is escaped here, the one place messages reach the terminal: a
   * message can quote a value from a spec, a cluster or a cloud answer, and its control characters must not act.
   */
  void error(String message) {
    err.println((color ? "\u001b[1;31mError:\u001b[0m " : "Error: ") + Printable.escapeKeepingLines(message));
  }

  /** A progress line, shown only on a terminal. */
  void progress(String message) {
    if (interactive) {
      err.println(Printable.escapeKeepingLines(message));
    }
  }

  void info(String message) {
    err.println(Printable.escapeKeepingLines(message));
  }

  /**
   * A result written by hybridcni itself (plan JSON, a summary line) on stdout, escaped but for its line breaks;
   * rendered plan text is escaped value by value by its renderer instead, which keeps its colors.
   */
  void result(String text) {
    out.print(Printable.escapeKeepingLines(text));
  }

  /** Asks a question on stderr and reads one line of the answer; {@code null} at end of input. */
  String ask(String question) throws IOException {
    err.print(Printable.escapeKeepingLines(question));
    err.flush();
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
  }
}
