package io.hybridcni.testkit.aliyun;

import java.util.Objects;
import java.util.Optional;

/**
 * One call the fake received, as it answered it. Holds no secret: {@link #rendering()} shows request
 * parameters and the response body with every secret value replaced by {@code ***}.
 *
 * @param sequence 1 for the first call the fake received, then counting up
 * @param operation the API operation (e.g. {@code CreateAccessKey}, {@code InstallClusterAddons}), or the
 *     value of {@code x-acs-action} (or {@code "?"}) when the call named no known operation
 * @param method the HTTP method
 * @param path the request path, e.g. {@code /} for RAM or {@code /clusters/c1/addon_instances}
 * @param accessKeyId the AccessKey id the request was signed with, or {@code ""} when it named none
 * @param status the HTTP status sent, or 0 when the connection was closed without a response
 * @param requestId the request id sent in the response (and kept for a dropped call)
 * @param errorCode the error code sent, or {@code null} on success
 * @param rendering a one-line, redacted rendering of the request and response
 * @param receivedNanos the {@link System#nanoTime()} at which the fake's HTTP server handed the request over
 *     (before the injected latency): the server's own clock, so that a client-side limit can be checked by when
 *     calls arrived rather than by when the client says it sent them
 */
public record JournalEntry(
    long sequence,
    String operation,
    String method,
    String path,
    String accessKeyId,
    int status,
    String requestId,
    String errorCode,
    String rendering,
    long receivedNanos) {

  /** Checks that every text component is present ({@code errorCode} may be null). */
  public JournalEntry {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(rendering, "rendering");
  }

  /** True when the change was carried out but the connection was closed without a response. */
  public boolean dropped() {
    return status == 0;
  }

  /** True when a 2xx response was sent. */
  public boolean succeeded() {
    return status >= 200 && status < 300;
  }

  /** The error code sent, if any. */
  public Optional<String> error() {
    return Optional.ofNullable(errorCode);
  }

  @Override
  public String toString() {
    return rendering;
  }
}
