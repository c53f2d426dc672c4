package io.hybridcni.testkit.aliyun;

import java.time.Duration;
import java.util.Objects;

/**
 * Adds injected outcomes for one operation to the {@link Faults} script. Outcomes are consumed one per call in
 * the order they were added; once they are used up, calls behave normally again. Every method returns this
 * object so outcomes can be chained.
 */
public final class OperationFaults {

  private final Faults faults;
  private final String operation;

  OperationFaults(Faults faults, String operation) {
    this.faults = faults;
    this.operation = operation;
  }

  /**
   * The next {@code times} calls fail with {@code Throttling.User} and HTTP 400, as the gateway answers a
   * caller over its flow-control limit. Nothing changes.
   */
  public OperationFaults throttleTimes(int times) {
    faults.enqueue(operation,
        new Faults.Outcome(Faults.Kind.FAIL, "Throttling.User", 400, "Request was denied due to user flow control."),
        times);
    return this;
  }

  /** The next {@code times} calls fail with {@code ServiceUnavailable} and HTTP 503. Nothing changes. */
  public OperationFaults serviceUnavailable(int times) {
    faults.enqueue(operation,
        new Faults.Outcome(Faults.Kind.FAIL, "ServiceUnavailable", 503,
            "The request has failed due to a temporary failure of the server."),
        times);
    return this;
  }

  /** The next call fails with the given error code and HTTP status. Nothing changes. */
  public OperationFaults failWith(String code, int status) {
    return failWith(code, status, 1);
  }

  /**
   * The next {@code times} calls fail with the given error code and HTTP status. Nothing changes.
   *
   * @param status an HTTP error status in the range [400, 599]
   */
  public OperationFaults failWith(String code, int status, int times) {
    Objects.requireNonNull(code, "code");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("Status must be in the range [400, 599], was " + status);
    }
    faults.enqueue(operation,
        new Faults.Outcome(Faults.Kind.FAIL, code, status, "Injected fault " + code + " for " + operation + "."),
        times);
    return this;
  }

  /**
   * The next call fails with this error code, HTTP status and message (for a test that makes the service echo
   * something back in its error, as a hygiene test does with secrets). Nothing changes.
   */
  public OperationFaults failWith(String code, int status, String message) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("Status must be in the range [400, 599], was " + status);
    }
    faults.enqueue(operation, new Faults.Outcome(Faults.Kind.FAIL, code, status, message), 1);
    return this;
  }

  /**
   * The next call is carried out (its change is committed) and then the connection is closed without any
   * response, as when a network path fails after the server acted.
   *
   * <p>What the Aliyun SDK V2 (tea 1.4.2 on OkHttp 4.12) makes of it: it does not re-send the request; the
   * call throws {@code TeaUnretryableException} (not a {@code TeaException}) whose cause chain holds an
   * {@code IOException} ("unexpected end of stream"). The journal entry has status 0 and still renders the
   * answer that was not sent, secrets masked.
   */
  public OperationFaults dropAfterCommit() {
    return dropAfterCommit(1);
  }

  /** The next {@code times} calls are carried out and then answered by closing the connection. */
  public OperationFaults dropAfterCommit(int times) {
    faults.enqueue(operation, Faults.Outcome.DROP, times);
    return this;
  }

  /**
   * The next {@code times} calls are carried out (the change is committed) and then answered with an error of HTTP
   * {@code status} (500, 502 or 504) instead of their result, as when the API gateway gives up waiting for the
   * backend that has already acted, or the backend fails while writing its answer: the caller cannot tell whether
   * the change happened. The error code sent is {@code InternalError}, RAM's documented code for an unknown server
   * error (the gateway's own codes for a 502 or 504 are not published, so no other code is invented). The SDK
   * surfaces it as a {@code TeaException} with that status; the journal records the status sent.
   */
  public OperationFaults failAfterCommit(int status, int times) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("A committed call is answered with a 5xx, not " + status);
    }
    faults.enqueue(operation, new Faults.Outcome(Faults.Kind.FAIL_AFTER_COMMIT, "InternalError", status,
        "The request processing has failed due to some unknown error, exception or failure."), times);
    return this;
  }

  /**
   * Every following call of the operation waits this long before it is handled (until
   * {@link Faults#clear()}); useful to trigger client read timeouts. This is a real wait on the server.
   */
  public OperationFaults delay(Duration delay) {
    faults.delay(operation, delay);
    return this;
  }
}
