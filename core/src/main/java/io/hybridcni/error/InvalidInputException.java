package io.hybridcni.error;

import io.hybridcni.text.Printable;
import java.util.List;
import java.util.Objects;

/**
 * A spec, snapshot or plan file that cannot be used. Each problem names the source (a file or "builder"),
 * the field path inside it and what was expected; nothing has been written anywhere when this is thrown.
 */
public final class InvalidInputException extends HybridCniException {

  /** One problem: where it is and what was expected there. */
  public record Problem(String source, String field, String expected) {
    public Problem {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(expected, "expected");
    }

    /** {@code source: field: expected}, with control characters escaped: a bad value must not act on a terminal. */
    @Override
    public String toString() {
      return Printable.escape(source) + ": " + (field.isEmpty() ? "(document)" : Printable.escape(field)) + ": "
          + Printable.escape(expected);
    }
  }

  private final List<Problem> problems;

  public InvalidInputException(List<Problem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidInputException(String source, String field, String expected) {
    this(List.of(new Problem(source, field, expected)));
  }

  /** Every problem found, in the order the reader found them. */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException needs at least one problem");
    }
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    StringBuilder text = new StringBuilder(problems.size() + " problems:");
    for (Problem p : problems) {
      text.append(System.lineSeparator()).append("  ").append(p);
    }
    return text.toString();
  }
}
