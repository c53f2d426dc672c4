package io.hybridcni.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {

  @Option(names = "--no-color", description = "Never color the output (colors are used only on a terminal).")
  boolean noColor;

  @Option(names = "--verbose", description = "Print the stack trace of an error.")
  boolean verbose;

  /** The terminal with these options applied. */
  Terminal apply(Terminal terminal) {
    if (noColor) {
      terminal.noColor();
    }
    return terminal;
  }
}
