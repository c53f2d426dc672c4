package io.hybridcni.plan;

import io.hybridcni.observe.Frozen;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The observed facts an action relied on (fact key to value) and a hash over them. Before the action runs, the
 * same facts are read again; any difference makes the action stale.
 */
public record Fingerprint(Map<String, String> facts, String hash) {

  /** Texts up to this many characters are hashed through {@link String#getBytes}. */
  private static final int SMALL = 1024;
  private static final int BUFFER = 4096;

  public Fingerprint {
    facts = Frozen.map(facts);
  }

  public static Fingerprint of(Map<String, String> facts) {
    Map<String, String> sorted = Frozen.map(facts);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : sorted.entrySet()) {
        digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        update(digest, String.valueOf(e.getValue()));
        digest.update((byte) 0);
      }
      return new Fingerprint(sorted, "sha256:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  /**
   * Feeds the text's UTF-8 bytes to the digest. A node list fact of a large cluster is tens of kilobytes; encoded
   * through one small buffer it costs no copy of that size. The bytes are those of {@code getBytes(UTF_8)}, a lone
   * surrogate included (it becomes {@code ?}); a test holds the two equal.
   */
  private static void update(MessageDigest digest, String text) {
    if (text.length() <= SMALL) {
      digest.update(text.getBytes(StandardCharsets.UTF_8));
      return;
    }
    byte[] buffer = new byte[BUFFER];
    int at = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      if (at > BUFFER - 4) {
        digest.update(buffer, 0, at);
        at = 0;
      }
      char c = text.charAt(i);
      if (c < 0x80) {
        buffer[at++] = (byte) c;
      } else if (c < 0x800) {
        buffer[at++] = (byte) (0xc0 | c >> 6);
        buffer[at++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        buffer[at++] = (byte) (0xf0 | cp >> 18);
        buffer[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
        buffer[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
        buffer[at++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        buffer[at++] = '?';
      } else {
        buffer[at++] = (byte) (0xe0 | c >> 12);
        buffer[at++] = (byte) (0x80 | c >> 6 & 0x3f);
        buffer[at++] = (byte) (0x80 | c & 0x3f);
      }
    }
    digest.update(buffer, 0, at);
  }
}
