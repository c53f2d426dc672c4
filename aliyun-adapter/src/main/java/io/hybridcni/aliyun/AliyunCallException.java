package io.hybridcni.aliyun;

import io.hybridcni.error.CallOutcomes;
import io.hybridcni.error.RemoteCallException;

/**
 * An Alibaba Cloud API call that failed: what {@link RemoteCallException} names, plus the HTTP status and whether
 * the failure is transient (worth a retry) or leaves the outcome unknown (the server may have applied the change
 * before the answer was lost). Never carries a secret.
 */
public final class AliyunCallException extends RemoteCallException {

  private final Integer statusCode;
  private final boolean connectionFailure;

  public AliyunCallException(String operation, String resource, String code, Integer statusCode, String requestId,
      String detail, boolean connectionFailure, Throwable cause) {
    super(operation, resource, code, requestId, operation + " on " + resource + " failed: "
        + (code == null ? "" : code + (statusCode == null ? "" : " (HTTP " + statusCode + ")") + ": ")
        + detail + (requestId == null ? "" : " [request id " + requestId + "]"), cause);
    this.statusCode = statusCode;
    this.connectionFailure = connectionFailure;
  }

  public Integer statusCode() {
    return statusCode;
  }

  /**
   * Throttling, service unavailable, 5xx or a broken connection: the same call may succeed later. Throttling is any
   * code that contains {@code Throttling} ({@code Throttling.User}, {@code Throttling.Api}, the gateway's
   * {@code Rejected.Throttling}), as the Terraform alicloud provider's {@code NeedRetry} (alicloud/errors.go) matches.
   */
  public boolean isTransient() {
    return connectionFailure
        || (code() != null && (code().contains("Throttling") || code().startsWith("ServiceUnavailable")))
        || (statusCode != null && statusCode >= 500);
  }

  /**
   * The server may have applied the change even though no answer arrived (a lost response or a 5xx), by the rule
   * both adapters share ({@link CallOutcomes}). A failure on our side of the wire (no status, no I/O error) is not.
   */
  @Override
  public boolean outcomeUnknown() {
    return connectionFailure || (statusCode != null && CallOutcomes.outcomeUnknown(statusCode));
  }
}
