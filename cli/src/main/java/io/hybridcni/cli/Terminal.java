package io.hybridcni.cli;

import java.io.PrintStream;

/**
 * Where the command writes: results on stdout, progress and errors on stderr. Colors and progress only when
 * attached to a terminal and not turned off with {@code --no-color}.
 */
final class Terminal {

  private final PrintStream out;
  private final PrintStream err;
  private final boolean interactive;
  private boolean color;

  Terminal(PrintStream out, PrintStream err, boolean interactive) {
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

  void error(String message) {
    err.println((color ? "\u001b[1;31mError:\u001b[0m " : "Error: ") + message);
  }

  /** A progress line, shown only on a terminal. */
  void progress(String message) {
    if (interactive) {
      err.println(message);
    }
  }

  void info(String message) {
    err.println(message);
  }
}
