package io.hybridcni.cli;

import io.hybridcni.apply.Reconciler;
import io.hybridcni.reliability.World;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The {@code hybridcni} command run in this process, on a {@link World} instead of a real cluster and account. */
final class Cli {

  /** One run: its exit code and what it printed. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  /** Environments on {@code world}, each with a new reconciler wired with {@code wiring}; closing one keeps the world. */
  static Environment.Factory on(World world, World.Wiring wiring) {
    return (spec, target) -> {
      Reconciler reconciler = world.reconciler(wiring);
      return new Environment() {
        @Override
        public Reconciler reconciler() {
          return reconciler;
        }

        @Override
        public String describe() {
          return "the reliability suite's mock cluster and fake Alibaba Cloud";
        }

        @Override
        public void close() {
        }
      };
    };
  }

  static Run run(Environment.Factory environments, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false, environments);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
