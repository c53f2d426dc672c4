package io.hybridcni.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line every benchmark main shares: {@code [--out DIR] [--smoke] [--note TEXT]}.
 *
 * @param out where {@code <name>.json} goes; default {@code bench/results} (relative: run from the repository root)
 * @param smoke tiny parameters that only prove the benchmark runs (seconds, not minutes)
 * @param notes added to every result, e.g. what else ran on the machine
 */
record HarnessArgs(Path out, boolean smoke, List<String> notes) {

  static final Path DEFAULT_OUT = Path.of("bench", "results");

  static HarnessArgs parse(String... args) {
    Path out = DEFAULT_OUT;
    boolean smoke = false;
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        case "--smoke" -> smoke = true;
        case "--note" -> notes.add(value(args, ++i, "--note"));
        default -> throw new IllegalArgumentException("Unknown argument " + args[i]
            + "; expected [--out DIR] [--smoke] [--note TEXT]");
      }
    }
    return new HarnessArgs(out, smoke, List.copyOf(notes));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /** Adds the notes to {@code result}, writes it and prints where. */
  void write(BenchResult result) {
    notes.forEach(result::note);
    System.out.println("wrote " + result.write(out));
  }
}
