package io.hybridcni.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.files.InputFiles.Kind;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kind of path a user can give, read through the one bounded reader: bytes, or one clear problem. */
class InputFilesTest {

  /** A read of a device that does not stop would run into this; a refusal takes milliseconds. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @Test
  void aRegularFileIsReadWhole() throws Exception {
    Path file = Files.writeString(dir.resolve("spec.yaml"), "cluster: {}\n");

    assertThat(InputFiles.read(file, Kind.SPEC)).isEqualTo("cluster: {}\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSymbolicLinkToARegularFileIsFollowed() throws Exception {
    Path file = Files.writeString(dir.resolve("real.yaml"), "x: 1\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.yaml"), file);

    assertThat(InputFiles.readUtf8(link, Kind.SPEC)).isEqualTo("x: 1\n");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void devZeroIsRefusedAsACharacterDeviceWithoutReadingIt(Kind kind) {
    Path zero = Path.of("/dev/zero");
    assumeThat(Files.exists(zero)).as("a Unix /dev/zero").isTrue();

    Problem p = assertTimeoutPreemptively(BOUND, () -> problem(zero, kind));

    assertThat(p.source()).isEqualTo("/dev/zero");
    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).isEqualTo(kind.noun() + " (a regular file), found a character device, which is not read");
  }

  @Test
  void aSymbolicLinkToADeviceSaysSo() throws Exception {
    assumeThat(Files.exists(Path.of("/dev/null"))).isTrue();
    Path link = Files.createSymbolicLink(dir.resolve("kubeconfig"), Path.of("/dev/null"));

    Problem p = problem(link, Kind.KUBECONFIG);

    assertThat(p.expected()).isEqualTo("a kubeconfig (a regular file), found a character device (through a symbolic "
        + "link), which is not read");
  }

  @Test
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("plan.json");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (java.io.IOException e) {
      assumeThat(false).as("mkfifo is available").isTrue();
      return;
    }
    assumeThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo worked").isTrue();

    Problem p = assertTimeoutPreemptively(BOUND, () -> problem(fifo, Kind.SAVED_PLAN));

    assertThat(p.expected()).isEqualTo("a saved plan (a regular file), found a FIFO (named pipe), which is not read");
  }

  @Test
  void aDirectoryIsRefused() {
    Problem p = problem(dir, Kind.SNAPSHOT);

    assertThat(p.source()).isEqualTo(dir.toString());
    assertThat(p.expected()).isEqualTo("a snapshot (a regular file), found a directory");
  }

  @Test
  void aMissingFileIsNothingAtThatPath() {
    Problem p = problem(dir.resolve("absent.yaml"), Kind.SPEC);

    assertThat(p.expected()).isEqualTo("a spec file, found nothing at this path");
  }

  @Test
  void aDanglingSymbolicLinkNamesItsTarget() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("spec.yaml"), dir.resolve("gone.yaml"));

    Problem p = problem(link, Kind.SPEC);

    assertThat(p.expected()).isEqualTo("a spec file, found a symbolic link to nothing (" + dir.resolve("gone.yaml")
        + " does not exist)");
  }

  @Test
  void anUnreadableFileIsPermissionDenied() throws Exception {
    assumeThat(System.getProperty("user.name")).as("root reads every file").isNotEqualTo("root");
    Path file = Files.writeString(dir.resolve("secret.yaml"), "x: 1\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));

    Problem p = problem(file, Kind.SPEC);

    assertThat(p.expected()).isEqualTo("a spec file this user may read, found one it may not read (permission denied)");
  }

  @Test
  void a120MegabyteFileIsRefusedByItsSizeForEveryKind() throws Exception {
    Path file = dir.resolve("huge");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(120L << 20);
    }

    for (Kind kind : Kind.values()) {
      Problem p = problem(file, kind);

      assertThat(p.expected()).isEqualTo(kind.noun() + " of at most " + kind.maxBytes() + " bytes, found "
          + (120L << 20) + " bytes");
    }
  }

  @Test
  void aFileThatReportsNoSizeIsStillReadOnlyToTheLimit() {
    // /proc files report size 0 and produce their content when read: only the bounded read can refuse one.
    Path proc = Path.of("/proc/self/maps");
    assumeThat(Files.isReadable(proc)).as("a Linux /proc").isTrue();

    String text = InputFiles.readUtf8(proc, Kind.SPEC);

    assertThat(text).isNotEmpty();
    assertThat(text.length()).isLessThanOrEqualTo(Kind.SPEC.maxBytes());
  }

  @Test
  void aFileOfExactlyTheLimitIsReadAndOneByteMoreIsNot() throws Exception {
    Path exact = Files.write(dir.resolve("exact.yaml"), new byte[Kind.SPEC.maxBytes()]);
    Path over = Files.write(dir.resolve("over.yaml"), new byte[Kind.SPEC.maxBytes() + 1]);

    assertThat(InputFiles.read(exact, Kind.SPEC)).hasSize(Kind.SPEC.maxBytes());
    assertThat(problem(over, Kind.SPEC).expected()).startsWith("a spec file of at most 262144 bytes, found 262145");
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedWithTheirOffset() throws Exception {
    Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'c', 'a', 'f', (byte) 0xE9});

    Problem p = catchThrowableOfType(InvalidInputException.class, () -> InputFiles.readUtf8(file, Kind.SPEC))
        .problems().get(0);

    assertThat(p.expected()).isEqualTo("UTF-8 text, found a byte sequence that is not UTF-8 at byte 3");
  }

  private static Problem problem(Path file, Kind kind) {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> InputFiles.read(file, kind));
    assertThat(e).as("%s should be refused", file).isNotNull();
    assertThat(e.problems()).hasSize(1);
    return e.problems().get(0);
  }
}
