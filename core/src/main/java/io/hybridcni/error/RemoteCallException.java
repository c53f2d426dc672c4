package io.hybridcni.error;

/**
 * A call to the Kubernetes API or to Alibaba Cloud failed for good. Names the operation, the resource, the
 * error code and the request id where there is one; never a secret.
 */
public final class RemoteCallException extends HybridCniException {

  private final String operation;
  private final String resource;
  private final String code;
  private final String requestId;

  public RemoteCallException(String operation, String resource, String code, String requestId, String detail,
      Throwable cause) {
    super(operation + " on " + resource + " failed: " + (code == null ? "" : code + ": ") + detail
        + (requestId == null ? "" : " (request id " + requestId + ")"), cause);
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

  public String code() {
    return code;
  }

  public String requestId() {
    return requestId;
  }
}
