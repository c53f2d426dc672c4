package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hybridcni.reliability.World;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input end to end, through the command as a user runs it: a spec, snapshot or saved plan file from the corpus in
 * {@code src/test/resources/bad-input/} (plus two 10 MB files made in a temporary directory, too big to keep in git)
 * makes {@code plan} and {@code apply} exit 1 with an error that starts {@code Error: } and names the file, the field
 * and what was expected, one problem per line and no stack trace; within a time limit and an allocation limit (the
 * 10 MB snapshot, which is parsed, in a JVM of its own with a 64 MB heap); having sent no request at all to the
 * cluster or the cloud (so, zero writes). The parsers' own cases are covered one
 * by one in core's {@code SpecFilesTest} and {@code SnapshotReadingTest}; this is the path from file to exit code.
 */
class BadInputCorpusTest {

  /** Generous for a parser on a loaded 2-core machine; a hang or an expanding alias bomb takes far longer. */
  private static final Duration TIME_LIMIT = Duration.ofSeconds(20);
  /** What reading a small bad file may allocate, all of the command's work included. */
  private static final long SMALL_FILE_ALLOCATION = 64L << 20;

  private static World world;
  private static final AtomicInteger opened = new AtomicInteger();
  private static Environment.Factory environments;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    world = World.start();
    Environment.Factory onWorld = Cli.on(world, new World.Wiring());
    environments = (spec, target) -> {
      opened.incrementAndGet();
      return onWorld.open(spec, target);
    };
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /** One command's run: what it printed and what it cost. */
  private record Measured(Cli.Run run, Duration took, long allocated) {}

  @ParameterizedTest(name = "{0} given to {1}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown-keys.yaml            | spec     | cluster.zone, netwrok                  | no such field
      wrong-types.yaml             | spec     | cluster.id, ram.deleteOrphanAccessKeys | a string, found a number
      missing-required.yaml        | spec     | cluster.id                             | a value (the field is required)
      invalid-label-key.yaml       | spec     | network.cloudNodeLabel                 | a Kubernetes label key
      invalid-cluster-id.yaml      | spec     | cluster.id                             | 'c' followed by 15 to 63 lowercase hex digits
      policy-not-json.yaml         | spec     | ram.policyDocument                     | a JSON policy document, found text that is not JSON
      policy-not-ram.yaml          | spec     | ram.policyDocument                     | Version "1" in the policy document, found "2012-10-17"
      duplicate-keys.yaml          | spec     | cluster.id                             | each key at most once
      alias-bomb.yaml              | spec     | addon.config.b[0]                      | a value written out, found the YAML alias *a
      non-utf8.yaml                | spec     | (document)                             | UTF-8 text, found bytes that are not UTF-8
      snapshot-truncated.yaml      | snapshot | (document)                             | without it the file may be truncated
      snapshot-future-version.yaml | snapshot | format_version                         | written by a newer hybridcni
      snapshot-alias-bomb.yaml     | snapshot | observed.nodes[1].labels.k1            | a value written out, found the YAML alias *l0
      plan-truncated.json          | plan     | (document)                             | a plan JSON document (Unexpected end-of-input
      plan-future-version.json     | plan     | format_version                         | written by a newer hybridcni
      """)
  void aBadFileIsAClearErrorWithinBoundsAndNothingIsSent(String file, String kind, String fields, String expected)
      throws Exception {
    Path bad = resource("bad-input/" + file);
    for (String[] args : commands(kind, bad)) {
      Measured m = measured(args);

      assertClearError(m, bad, fields.isEmpty() ? List.of() : Arrays.asList(fields.split(",\\s*")), expected);
      assertThat(m.allocated()).as("bytes allocated by %s", String.join(" ", args))
          .isLessThan(SMALL_FILE_ALLOCATION);
    }
  }

  @Test
  void aTenMegabyteSpecIsRefusedBeforeItIsRead() throws Exception {
    Path big = tenMegabytes("big-spec.yaml", "cluster:\n  id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b\n  region: cn-hangzhou\n",
        "# padding padding padding padding padding padding padding padding padding padding padding\n");
    for (String[] args : commands("spec", big)) {
      Measured m = measured(args);

      assertClearError(m, big, List.of(), "a spec file of at most");
      // Refused by its size: far less is allocated than the file holds.
      assertThat(m.allocated()).isLessThan(SMALL_FILE_ALLOCATION);
    }
  }

  @Test
  void aTenMegabyteSnapshotIsReadWithin64MegabytesOfHeap() throws Exception {
    // Under the snapshot limit (64 MB), so it is parsed: a long list of nodes, the last with an unknown field.
    String node = "  - name: node-0\n    labels:\n      kubernetes.io/os: linux\n    runs_calico: true\n"
        + "    runs_terway: false\n";
    Path big = tenMegabytes("big-snapshot.yaml", "format_version: 1\nobserved:\n  nodes:\n", node);
    Files.writeString(big, "  - name: last\n    colour: blue\n...\n", StandardOpenOption.APPEND);
    Path out = dir.resolve("big-snapshot.out");
    Path err = dir.resolve("big-snapshot.err");

    // In a JVM of its own with a 64 MB heap, so that the bound on memory is a fact and not an estimate.
    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-Dorg.slf4j.simpleLogger.log.io.hybridcni=warn", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "plan", "-f", resource("spec.yaml").toString(), "--observed", big.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    boolean exited = java.waitFor(TIME_LIMIT.toSeconds() * 3, TimeUnit.SECONDS);
    if (!exited) {
      java.destroyForcibly();
    }

    assertThat(exited).as("hybridcni plan on a 10 MB snapshot exited within %s s", TIME_LIMIT.toSeconds() * 3)
        .isTrue();
    String errors = Files.readString(err);
    assertThat(java.exitValue()).as(errors).isEqualTo(1);
    assertThat(errors.lines()).as(errors).singleElement().asString()
        .startsWith("Error: " + big + ": observed.nodes[").endsWith("].colour: no such field; allowed here: labels, "
            + "name, provider_id, runs_calico, runs_terway");
    assertThat(Files.readString(out)).isEmpty();
  }

  private static List<String[]> commands(String kind, Path bad) throws URISyntaxException {
    String spec = resource("spec.yaml").toString();
    return switch (kind) {
      case "spec" -> List.of(new String[] {"plan", "-f", bad.toString()},
          new String[] {"apply", "-f", bad.toString(), "--auto-approve"});
      case "snapshot" -> List.<String[]>of(new String[] {"plan", "-f", spec, "--observed", bad.toString()});
      case "plan" -> List.<String[]>of(new String[] {"apply", "-f", spec, bad.toString(), "--auto-approve"});
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Runs the command on another thread, stopped at the time limit, measuring what that thread allocates. */
  private static Measured measured(String... args) {
    world.aliyun().clearJournal();
    MockRequests.drain(world.server());
    opened.set(0);
    Measured m = assertTimeoutPreemptively(TIME_LIMIT, () -> {
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      Cli.Run run = Cli.run(environments, args);
      return new Measured(run, Duration.ofNanos(System.nanoTime() - start),
          threads.getCurrentThreadAllocatedBytes() - before);
    }, () -> String.join(" ", args) + " took longer than " + TIME_LIMIT);
    System.out.println(String.join(" ", args) + ": " + m.took().toMillis() + " ms, "
        + (m.allocated() >> 20) + " MB allocated, " + m.run().err().strip());
    // Nothing was sent anywhere: no request reached the cluster or the cloud, so nothing was written.
    assertThat(world.aliyun().journal()).as("Aliyun calls of %s", String.join(" ", args)).isEmpty();
    assertThat(MockRequests.drain(world.server())).as("Kubernetes requests of %s", String.join(" ", args))
        .isEmpty();
    return m;
  }

  private static void assertClearError(Measured m, Path file, List<String> fields, String expected) {
    Cli.Run run = m.run();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).as(run.toString()).isEmpty();
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.toString()).isNotEmpty();
    assertThat(lines.get(0)).as(run.toString()).startsWith("Error: ");
    assertThat(run.err()).as(run.toString()).contains(file.toString()).contains(expected).doesNotContain("\tat ");
    fields.forEach(field -> assertThat(run.err()).as(run.toString()).contains(file + ": " + field));
    // Several problems: one per line, each naming the file.
    if (lines.size() > 1) {
      assertThat(lines.subList(1, lines.size())).as(run.toString()).allSatisfy(line ->
          assertThat(line).startsWith("  " + file + ": "));
    }
    // A bad spec or snapshot stops before any connection is opened; a bad saved plan, before anything is sent.
    assertThat(opened.get()).as("environments opened").isEqualTo(run.err().contains(".json") ? 1 : 0);
  }

  /** A file of {@code head} and then {@code line} repeated to 10 MB. */
  private static Path tenMegabytes(String name, String head, String line) throws IOException {
    Path file = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(head);
      for (long written = head.length(); written < 10L << 20; written += line.length()) {
        w.write(line);
      }
    }
    return file;
  }

  private static Path resource(String name) throws URISyntaxException {
    var url = BadInputCorpusTest.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + name);
    }
    return Path.of(url.toURI());
  }
}
