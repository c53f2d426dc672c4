package io.hybridcni.error;

/**
 * A call to the Kubernetes API or to Alibaba Cloud failed for good. Names the operation, the resource, the
 * error code and the request id where there is one; never a secret. Adapters may refine it with what their API
 * adds (an HTTP status, whether the outcome is unknown).
 */
public class RemoteCallException extends HybridCniException {

  private final String operation;
  private final String resource;
  private final String code;
  private final String requestId;

  /** A failure worded as "{@code operation} on {@code resource} failed: code: detail (request id ...)". */
  public static RemoteCallException of(String operation, String resource, String code, String requestId,
      String detail, Throwable cause) {
    return new RemoteCallException(operation, resource, code, requestId, operation + " on " + resource
        + " failed: " + (code == null ? "" : code + ": ") + detail
        + (requestId == null ? "" : " (request id " + requestId + ")"), cause);
  }

  /** For subclasses that word the message themselves. */
  protected RemoteCallException(String operation, String resource, String code, String requestId, String message,
      Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.resource = resource;
    this.code = code;
    this.requestId = requestId;
  }

  public String operation() {
    return operation;
  }

  public String resource() {
    return resource;
  }

  /** The API's error code, e.g. {@code EntityAlreadyExists.User} or {@code Conflict}; {@code null} when none. */
  public String code() {
    return code;
  }

  public String requestId() {
    return requestId;
  }

  public boolean hasCode(String expected) {
    return expected.equals(code);
  }
}
