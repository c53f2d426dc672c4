package io.hybridcni.observe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.files.SnapshotFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Pins the snapshot format: the writer must reproduce {@code src/test/resources/snapshots/full-state.yaml} byte for
 * byte from {@link ObservedStates#full()}, and reading that file must give the state back.
 *
 * <p>After an intended change of the format or of the fixture, regenerate the file instead of comparing it, then
 * review the diff before committing:
 *
 * <pre>{@code
 * ./mvnw -B -pl core test -Dtest=SnapshotGoldenTest -Dhybridcni.updateGolden=true
 * }</pre>
 *
 * <p>A change of the format that older hybridcni versions cannot read also needs a new
 * {@link Snapshots#FORMAT_VERSION}.
 */
class SnapshotGoldenTest {

  private static final Path GOLDEN = Path.of(System.getProperty("basedir", "."))
      .resolve("src/test/resources/snapshots/full-state.yaml");

  @Test
  void writerReproducesTheGoldenSnapshotByteForByte() throws IOException {
    String written = Snapshots.toYaml(ObservedStates.full());

    if (Boolean.getBoolean("hybridcni.updateGolden")) {
      Files.createDirectories(GOLDEN.getParent());
      Files.writeString(GOLDEN, written, UTF_8);
    }

    assertThat(GOLDEN).exists();
    String golden = Files.readString(GOLDEN, UTF_8);
    assertThat(written).as("the writer's text against %s", GOLDEN).isEqualTo(golden);
    assertThat(written.getBytes(UTF_8)).isEqualTo(Files.readAllBytes(GOLDEN));
  }

  @Test
  void goldenSnapshotReadsBackAsTheFullState() {
    assertThat(SnapshotFile.read(GOLDEN)).isEqualTo(ObservedStates.full());
  }
}
