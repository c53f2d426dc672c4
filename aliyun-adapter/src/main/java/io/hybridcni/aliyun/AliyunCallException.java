package io.hybridcni.aliyun;

import io.hybridcni.error.HybridCniException;

/**
 * An Alibaba Cloud API call that failed: the operation, the resource, the error code and HTTP status, the request
 * id, and whether the failure is transient (worth a retry) or leaves the outcome unknown (the server may have
 * applied the change before the answer was lost). Never carries a secret.
 */
public final class AliyunCallException extends HybridCniException {

  private final String operation;
  private final String resource;
  private final String code;
  private final Integer statusCode;
  private final String requestId;
  private final boolean connectionFailure;

  public AliyunCallException(String operation, String resource, String code, Integer statusCode, String requestId,
      String detail, boolean connectionFailure, Throwable cause) {
    super(operation + " on " + resource + " failed: "
        + (code == null ? "" : code + (statusCode == null ? "" : " (HTTP " + statusCode + ")") + ": ")
        + detail + (requestId == null ? "" : " [request id " + requestId + "]"), cause);
    this.operation = operation;
    this.resource = resource;
    this.code = code;
    this.statusCode = statusCode;
    this.requestId = requestId;
    this.connectionFailure = connectionFailure;
  }

  public String operation() {
    return operation;
  }

  public String resource() {
    return resource;
  }

  /** The Aliyun error code, e.g. {@code EntityAlreadyExists.User}; {@code null} for a connection failure. */
  public String code() {
    return code;
  }

  public Integer statusCode() {
    return statusCode;
  }

  public String requestId() {
    return requestId;
  }

  public boolean hasCode(String expected) {
    return expected.equals(code);
  }

  /** Throttling, service unavailable, 5xx or a broken connection: the same call may succeed later. */
  public boolean isTransient() {
    return connectionFailure
        || (code != null && (code.startsWith("Throttling") || code.startsWith("ServiceUnavailable")))
        || (statusCode != null && statusCode >= 500);
  }

  /** The server may have applied the change even though no answer arrived (a lost response or a 5xx). */
  public boolean outcomeUnknown() {
    return connectionFailure || (statusCode != null && statusCode >= 500);
  }
}
