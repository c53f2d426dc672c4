package io.hybridcni.files;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.observe.Snapshots;
import io.hybridcni.spec.SpecFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The one way hybridcni reads a file a user names: a spec, a snapshot, a saved plan or a kubeconfig. Whatever the
 * path leads to, the answer is either the file's bytes or one {@link InvalidInputException} naming the file and what
 * was expected: never an {@link OutOfMemoryError} and never a wait that does not end.
 *
 * <ul>
 *   <li>The path must lead to a regular file, found without following a last symbolic link first so that the error
 *       can say what the link leads to. A directory, a device ({@code /dev/zero}), a FIFO or a socket is refused
 *       before it is opened: reading a device never ends and opening a FIFO waits for a writer.
 *   <li>A file larger than its {@link Kind kind's} limit is refused before it is read, by its size.
 *   <li>The read itself is bounded too: the file may grow after its size was taken, and files such as those in
 *       {@code /proc} report a size of 0; at most the limit plus one byte is ever held.
 * </ul>
 *
 * <p>What is left is a path swapped for a FIFO between the check and the open; that needs someone racing the user's
 * own command on the user's own files.
 */
public final class InputFiles {

  /** What a file is for; each kind has its noun for messages and its size limit. */
  public enum Kind {
    /** A {@code HybridNetwork} spec (YAML): 256 KiB, some hundred times the largest real spec. */
    SPEC("a spec file", SpecFiles.MAX_BYTES),
    /** A snapshot of the observed state: 64 MiB, about 100,000 nodes with their labels. */
    SNAPSHOT("a snapshot", Snapshots.MAX_BYTES),
    /** A plan saved with {@code plan --out} (JSON): 16 MiB; real plans have at most a few dozen actions. */
    SAVED_PLAN("a saved plan", 16 * 1024 * 1024),
    /** A kubeconfig: 4 MiB; kubectl's largest real ones, with many embedded certificates, are a few hundred KiB. */
    KUBECONFIG("a kubeconfig", 4 * 1024 * 1024);

    private final String noun;
    private final int maxBytes;

    Kind(String noun, int maxBytes) {
      this.noun = noun;
      this.maxBytes = maxBytes;
    }

    /** How the file is named in messages, e.g. {@code a spec file}. */
    public String noun() {
      return noun;
    }

    /** The largest file of this kind that is read, in bytes. */
    public int maxBytes() {
      return maxBytes;
    }
  }

  private InputFiles() {}

  /**
   * Reads the whole file, within the limit of its kind.
   *
   * @param file the file a user named
   * @param kind what the file is for
   * @return its bytes, at most {@link Kind#maxBytes()} of them
   * @throws InvalidInputException naming the file when it is missing, unreadable, not a regular file or too large
   */
  public static byte[] read(Path file, Kind kind) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(kind, "kind");
    String source = file.toString();
    check(file, kind);
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(kind.maxBytes() + 1);
    } catch (IOException e) {
      throw unreadable(source, kind, e);
    }
    if (bytes.length > kind.maxBytes()) {
      throw new InvalidInputException(source, "", kind.noun() + " of at most " + kind.maxBytes()
          + " bytes, found more while reading it (it grew, or reports a wrong size)");
    }
    return bytes;
  }

  /**
   * Reads the whole file as UTF-8 text, within the limit of its kind; a leading byte order mark is dropped.
   *
   * @throws InvalidInputException as {@link #read(Path, Kind)} does, and when the bytes are not UTF-8
   */
  public static String readUtf8(Path file, Kind kind) {
    return utf8(file.toString(), read(file, kind));
  }

  /**
   * Decodes strictly: a byte sequence that is not UTF-8 is an error naming its offset, never a replacement character
   * that would silently change a value.
   *
   * @throws InvalidInputException naming {@code source} when the bytes are not UTF-8
   */
  public static String utf8(String source, byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new InvalidInputException(source, "", "UTF-8 text, found a byte sequence that is not UTF-8 at byte "
          + in.position());
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Refuses what is not a regular file within the limit, before anything is opened. */
  private static void check(Path file, Kind kind) {
    String source = file.toString();
    BasicFileAttributes attributes;
    String via = "";
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isSymbolicLink()) {
        via = " (through a symbolic link)";
        try {
          attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          throw new InvalidInputException(source, "", kind.noun() + ", found a symbolic link to nothing ("
              + Files.readSymbolicLink(file) + " does not exist)");
        } catch (FileSystemLoopException e) {
          throw new InvalidInputException(source, "", kind.noun() + ", found a loop of symbolic links");
        }
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(source, "", kind.noun() + ", found nothing at this path");
    } catch (IOException e) {
      throw unreadable(source, kind, e);
    }
    if (attributes.isDirectory()) {
      throw new InvalidInputException(source, "", kind.noun() + " (a regular file), found a directory" + via);
    }
    if (!attributes.isRegularFile()) {
      throw new InvalidInputException(source, "", kind.noun() + " (a regular file), found " + special(file) + via
          + ", which is not read");
    }
    if (attributes.size() > kind.maxBytes()) {
      throw new InvalidInputException(source, "", kind.noun() + " of at most " + kind.maxBytes() + " bytes, found "
          + attributes.size() + " bytes");
    }
  }

  /** What a file that is neither regular nor a directory is, from its Unix mode where the platform has one. */
  private static String special(Path file) {
    try {
      Object mode = Files.getAttribute(file, "unix:mode");
      if (mode instanceof Integer m) {
        switch (m & 0170000) {
          case 0020000:
            return "a character device";
          case 0060000:
            return "a block device";
          case 0010000:
            return "a FIFO (named pipe)";
          case 0140000:
            return "a socket";
          default:
            break;
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // No Unix view on this platform: the generic description below is still true.
    }
    return "a device, FIFO or socket";
  }

  private static InvalidInputException unreadable(String source, Kind kind, IOException e) {
    if (e instanceof AccessDeniedException) {
      return new InvalidInputException(source, "", kind.noun() + " this user may read, found one it may not read "
          + "(permission denied)");
    }
    if (e instanceof NoSuchFileException) {
      return new InvalidInputException(source, "", kind.noun() + ", found nothing at this path");
    }
    if (e instanceof NotDirectoryException || e instanceof FileSystemLoopException) {
      return new InvalidInputException(source, "", kind.noun() + ", found a path that leads nowhere ("
          + e.getClass().getSimpleName() + ")");
    }
    return new InvalidInputException(source, "", kind.noun() + " that can be read, found one that cannot ("
        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
  }
}
