package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.error.HybridCniException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running out of heap anywhere in a command is one line that says so, and exit code 1. */
class OutOfMemoryTest {

  @TempDir
  Path dir;

  private Path spec() throws Exception {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b\n  region: cn-hangzhou\n");
    return spec;
  }

  @Test
  void theHeapRunningOutInTheCommandItselfIsOneLineAndExitCodeOne() throws Exception {
    AtomicInteger opened = new AtomicInteger();
    CliRun run = CliRun.run((spec, target) -> {
      opened.incrementAndGet();
      throw new OutOfMemoryError("Java heap space");
    }, false, "", "plan", "-f", spec().toString());

    assertThat(opened).hasValue(1);
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err().lines().toList()).as(run.toString()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("Error: hybridcni ran out of Java heap (maximum ").contains("-Xmx"));
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theHeapRunningOutInAnObservationThreadIsTheSameOneLine() throws Exception {
    // As KubernetesObserver reports an observation thread's failure: wrapped, with the Error as its cause.
    CliRun run = CliRun.run((spec, target) -> {
      throw new HybridCniException("Observing the cluster failed: java.lang.OutOfMemoryError: Java heap space",
          new OutOfMemoryError("Java heap space"));
    }, false, "", "plan", "-f", spec().toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err().lines().toList()).as(run.toString()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("Error: hybridcni ran out of Java heap"));
  }
}
