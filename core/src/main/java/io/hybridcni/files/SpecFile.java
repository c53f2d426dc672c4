package io.hybridcni.files;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecFiles;
import java.nio.file.Path;

/**
 * A spec as a file: {@link SpecFiles} owns the strict parse and its messages, this class only the file around it, so
 * that {@code spec} holds no file I/O.
 */
public final class SpecFile {

  private SpecFile() {}

  /**
   * Reads and validates a spec file, through {@link InputFiles}: a directory, a device, a FIFO or a file over
   * {@link SpecFiles#MAX_BYTES} is refused before it is read.
   *
   * @param file the spec file a user named
   * @return the validated spec
   * @throws InvalidInputException naming the file when it cannot be read or is not a valid spec
   */
  public static HybridNetworkSpec load(Path file) {
    return SpecFiles.parse(file.toString(), InputFiles.read(file, InputFiles.Kind.SPEC));
  }
}
