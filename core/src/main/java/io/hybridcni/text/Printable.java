package io.hybridcni.text;

/**
 * Makes a value safe to print on a terminal: control characters, ANSI escape sequences and the Unicode characters that
 * reorder or break lines are shown as escapes (a backslash, {@code u} and four hex digits; {@code \n}, {@code \t})
 * instead of acting on the terminal. A
 * value from a spec, a snapshot, a cluster or a cloud answer can hold any of them; printed raw, an escape sequence can
 * recolor, hide or rewrite what the user reads (a plan that looks empty, an error that looks like success).
 *
 * <p>Escaped: C0 controls (U+0000 to U+001F), DEL, C1 controls (U+0080 to U+009F; U+009B alone starts a sequence on
 * some terminals), the bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and the
 * line and paragraph separators U+2028 and U+2029.
 */
public final class Printable {

  private Printable() {}

  /** The value with every character above escaped, newlines included; {@code null} stays {@code null}. */
  public static String escape(String value) {
    return escape(value, false);
  }

  /**
   * The text with every character above escaped except {@code \n}, for text of several lines made of values that
   * were escaped already or that hybridcni wrote itself (messages, JSON: inside a JSON string an escape means the
   * same character, so the document stays valid and equal).
   */
  public static String escapeKeepingLines(String text) {
    return escape(text, true);
  }

  /** Whether the value holds any character that {@link #escape(String)} would change. */
  public static boolean hasControlCharacters(String value) {
    if (value == null) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (isControl(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static String escape(String value, boolean keepNewlines) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isControl(c) || (keepNewlines && c == '\n')) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(value.length() + 16).append(value, 0, i);
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? value : out.toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f
        || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
  }
}
