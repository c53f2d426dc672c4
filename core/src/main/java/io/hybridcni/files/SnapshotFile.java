package io.hybridcni.files;

import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Snapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A snapshot as a file: {@link Snapshots} owns the format and its strict reading, this class only the file around
 * it, so that {@code observe} holds no file I/O. The format follows the file name: {@code .json} for JSON,
 * {@code .yaml} or {@code .yml} for YAML, in any letter case.
 */
public final class SnapshotFile {

  private SnapshotFile() {}

  /**
   * Writes the state to a file as UTF-8, replacing what was there, in the format its name chooses.
   *
   * @param state the state to save; not {@code null}
   * @param file the file to write
   * @throws InvalidInputException when the file name has none of those extensions (nothing is written)
   * @throws HybridCniException when the file cannot be written
   */
  public static void write(ObservedState state, Path file) {
    Objects.requireNonNull(state, "state");
    String text = isJson(file) ? Snapshots.toJson(state) : Snapshots.toYaml(state);
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new HybridCniException("could not write the snapshot to " + file + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads a snapshot file in the format its name chooses. A file larger than {@link Snapshots#MAX_BYTES}, a
   * directory, a device or a FIFO is refused before it is read ({@link InputFiles}); the content must be UTF-8 (a
   * leading byte order mark is allowed).
   *
   * @param file the file to read
   * @return the state it holds
   * @throws InvalidInputException when the file cannot be read, is too large, is not UTF-8 or is not a valid
   *     snapshot of a supported format version; the source named is the file's path
   */
  public static ObservedState read(Path file) {
    boolean json = isJson(file);
    String source = file.toString();
    String text = InputFiles.utf8(source, InputFiles.read(file, InputFiles.Kind.SNAPSHOT));
    return json ? Snapshots.fromJson(source, text) : Snapshots.fromYaml(source, text);
  }

  /** Whether the name chooses JSON; YAML otherwise, and any other name is refused before the file is touched. */
  private static boolean isJson(Path file) {
    Objects.requireNonNull(file, "file");
    Path name = file.getFileName();
    String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      return true;
    }
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return false;
    }
    throw new InvalidInputException(file.toString(), "",
        "a snapshot file name ending in .json, .yaml or .yml, which chooses the format");
  }
}
