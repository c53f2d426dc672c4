package io.hybridcni.error;

/**
 * Root of every exception hybridcni throws on purpose. Messages say what was expected, what was found and
 * where (file and field, or cluster, resource and request id), and never carry secret values.
 */
public class HybridCniException extends RuntimeException {

  public HybridCniException(String message) {
    super(message);
  }

  public HybridCniException(String message, Throwable cause) {
    super(message, cause);
  }
}
