package io.hybridcni.port;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Objects;

/**
 * A secret (an AccessKey secret) that no rendering reveals: {@code toString}, Jackson serialization and
 * {@code equals} diagnostics all show {@value #MASK}. Only {@link #reveal()} gives the value, for the one place
 * that must send it (the Secret write).
 */
public final class SecretValue {

  public static final String MASK = "(sensitive value)";

  private final char[] value;

  private SecretValue(char[] value) {
    this.value = value;
  }

  public static SecretValue of(String value) {
    Objects.requireNonNull(value, "value");
    return new SecretValue(value.toCharArray());
  }

  /** The secret itself. Never log, format or store what this returns. */
  public String reveal() {
    return new String(value);
  }

  /** What every serializer writes instead of the value. */
  @JsonValue
  public String masked() {
    return MASK;
  }

  @Override
  public String toString() {
    return MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue other && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }
}
