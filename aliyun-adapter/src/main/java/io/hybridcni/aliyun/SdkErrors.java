package io.hybridcni.aliyun;

import com.aliyun.tea.TeaException;
import io.hybridcni.error.Sensitive;
import java.util.Map;

/**
 * Turns what the Aliyun SDK throws into {@link AliyunCallException}, keeping code, status and request id. The
 * server's words and the SDK's exception (kept as the cause) pass through {@link Sensitive}: what the caller knows
 * to be secret is masked in every form, and so are credentials that name themselves.
 */
final class SdkErrors {

  private SdkErrors() {}

  /** A call through the SDK: its checked exceptions become {@link AliyunCallException}. */
  @FunctionalInterface
  interface SdkCall<T> {
    T run() throws Exception;
  }

  /**
   * One attempt of {@code call}, its failure translated with {@code sensitive} masked, through the account's
   * {@code limiter} when there is one (else {@code null}), so that no attempt reaches the cloud unmetered.
   */
  static <T> T attempt(AliyunCallLimiter limiter, Sensitive sensitive, String operation, String resource,
      SdkCall<T> call) {
    Retrier.Call<T> attempt = () -> {
      try {
        return call.run();
      } catch (Exception e) {
        throw translate(operation, resource, e, sensitive);
      }
    };
    return limiter == null ? attempt.run() : limiter.call(operation, resource, attempt);
  }

  static AliyunCallException translate(String operation, String resource, Exception e) {
    return translate(operation, resource, e, Sensitive.NONE);
  }

  static AliyunCallException translate(String operation, String resource, Exception e, Sensitive sensitive) {
    if (e instanceof AliyunCallException already) {
      return already;
    }
    if (e instanceof TeaException tea && tea.getCode() != null) {
      Map<String, Object> data = tea.getData();
      Integer status = tea.getStatusCode();
      if (status == null && data != null && data.get("statusCode") instanceof Number n) {
        status = n.intValue();
      }
      String requestId = requestId(data);
      String detail = tea.getMessage() == null ? "" : tea.getMessage();
      // The SDK's message repeats the code and the request id; keep the server's own words only.
      if (data != null && data.get("Message") instanceof String m) {
        detail = m;
      } else if (data != null && data.get("message") instanceof String m) {
        detail = m;
      }
      return new AliyunCallException(operation, resource, sensitive.mask(tea.getCode()), status, requestId,
          sensitive.mask(detail), false, sensitive.scrub(e));
    }
    // No code. With an I/O error in the chain the connection broke or timed out, so the server may or may not
    // have acted; anything else is a failure on our side of the wire and not worth a retry.
    Throwable root = e;
    boolean io = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      io |= t instanceof java.io.IOException;
      root = t;
    }
    String what = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    what = sensitive.mask(what);
    return new AliyunCallException(operation, resource, null, null, null,
        io ? "no answer (" + what + ")" : "the SDK failed (" + what + ")", io, sensitive.scrub(e));
  }

  private static String requestId(Map<String, Object> data) {
    if (data == null) {
      return null;
    }
    for (String key : new String[] {"RequestId", "requestId", "request_id"}) {
      if (data.get(key) instanceof String s) {
        return s;
      }
    }
    if (data.get("body") instanceof Map<?, ?> body) {
      for (String key : new String[] {"RequestId", "requestId", "request_id"}) {
        if (body.get(key) instanceof String s) {
          return s;
        }
      }
    }
    return null;
  }
}
