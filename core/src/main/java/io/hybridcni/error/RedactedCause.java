package io.hybridcni.error;

/**
 * Stands in, in an exception chain, for an exception whose message carried a secret (see
 * {@link Sensitive#scrub(Throwable)}): same class name in {@link #toString()}, same stack trace, masked message. A
 * {@code --verbose} stack trace then still shows where a failure came from, without the secret.
 */
public final class RedactedCause extends HybridCniException {

  private final String originalClassName;

  RedactedCause(String originalClassName, String maskedMessage) {
    super(maskedMessage);
    this.originalClassName = originalClassName;
  }

  /** The class of the exception this one stands in for. */
  public String originalClassName() {
    return originalClassName;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    // The original's stack trace is set by Sensitive.scrub; this one's own would only point there.
    return this;
  }

  @Override
  public String toString() {
    String message = getLocalizedMessage();
    return originalClassName + (message == null ? "" : ": " + message) + " (redacted)";
  }
}
