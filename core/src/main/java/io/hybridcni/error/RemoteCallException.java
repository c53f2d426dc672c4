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
  private final boolean outcomeUnknown;

  /** A failure worded as "{@code operation} on {@code resource} failed: code: detail (request id ...)". */
  public static RemoteCallException of(String operation, String resource, String code, String requestId,
      String detail, Throwable cause) {
    return new RemoteCallException(operation, resource, code, requestId, operation + " on " + resource
        + " failed: " + (code == null ? "" : code + ": ") + detail
        + (requestId == null ? "" : " (request id " + requestId + ")"), cause);
  }

  /**
   * As {@link #of(String, String, String, String, String, Throwable)}, for a write whose change may have happened
   * ({@code outcomeUnknown}, see {@link CallOutcomes}) or not.
   */
  public static RemoteCallException of(String operation, String resource, String code, String requestId,
      String detail, Throwable cause, boolean outcomeUnknown) {
    return new RemoteCallException(operation, resource, code, requestId, operation + " on " + resource
        + " failed: " + (code == null ? "" : code + ": ") + detail
        + (requestId == null ? "" : " (request id " + requestId + ")"), cause, outcomeUnknown);
  }

  /** For subclasses that word the message themselves. */
  protected RemoteCallException(String operation, String resource, String code, String requestId, String message,
      Throwable cause) {
    this(operation, resource, code, requestId, message, cause, false);
  }

  /** For subclasses that word the message themselves and know whether the outcome is unknown. */
  protected RemoteCallException(String operation, String resource, String code, String requestId, String message,
      Throwable cause, boolean outcomeUnknown) {
    super(message, cause);
    this.operation = operation;
    this.resource = resource;
    this.code = code;
    this.requestId = requestId;
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * True when the failed call was a write that the server may have applied before its answer was lost (see
   * {@link CallOutcomes}): read before assuming anything. False for reads and for writes refused for sure.
   */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
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
