package io.hybridcni.testkit.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts the faults of a real API server in front of the fabric8 mock server's dispatcher (usually a
 * {@code KubernetesCrudDispatcher} or {@code KubernetesMixedDispatcher}), including the ones that matter most and
 * that mock expectations cannot play: a write that is <em>committed</em> and whose answer is then lost.
 *
 * <pre>{@code
 * FaultDispatcher faults = FaultDispatcher.wrap(new KubernetesMixedDispatcher(responses));
 * KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, faults, false);
 * KubeFault fault = faults.on("PUT", "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret")
 *     .commitThenAnswer(504, 1);
 * ...
 * assertThat(fault.fired()).isEqualTo(1);
 * }</pre>
 *
 * <p>Three kinds of fault (and an expired watch, {@link Target#expireWatch}), each for the next {@code times}
 * matching requests, after which requests pass again:
 * <ul>
 *   <li>{@link Target#commitThenAnswer commit, then a 5xx}: the wrapped dispatcher handles the request (the CRUD
 *   store changes) and the client gets a {@code Status} failure instead of its answer. A real API server does this:
 *   its request handler runs the storage write in a goroutine, and when the request's deadline passes first, the
 *   finisher ({@code k8s.io/apiserver/pkg/endpoints/handlers/finisher/finisher.go}) answers 504 {@code Timeout}
 *   "request did not complete within requested timeout - context deadline exceeded" while the write goes on and
 *   may still commit to etcd; etcd's own "etcdserver: request timed out" reaches the client as a 500 although the
 *   proposal may be applied later; and a load balancer or proxy in front of the API server answers 502 or 504 when
 *   its upstream connection breaks after the request was forwarded.</li>
 *   <li>{@link Target#commitThenNoAnswer commit, then silence}: the store changes and the answer is held back
 *   longer than the client waits, so the client times out (a network path that fails after the server acted, or
 *   an overloaded apiserver). Configure the client's request timeout small in tests; this is a real wait.</li>
 *   <li>{@link Target#reject reject}: the client gets the failure and the store never sees the request: 401
 *   (credentials not accepted, {@code Unauthorized}), 403 (RBAC, {@code Forbidden}), 422 (validation or an
 *   admission webhook, {@code Invalid}), 409, 429, or a 5xx that came before any write (a 503 from a server that is
 *   still starting). Authentication, authorization, admission and validation all run before storage in the
 *   apiserver's handler chain, so a 401/403/422 never follows a committed write.</li>
 * </ul>
 * Each {@link KubeFault} counts how often it fired, so a test can assert that it was reached.
 */
public final class FaultDispatcher extends DelegatingDispatcher {

  /** What a fault does to a matching request. */
  public enum Kind {
    /** The store handles the request; the client gets an error status. */
    COMMIT_THEN_ANSWER,
    /** The store handles the request; the answer comes too late for the client. */
    COMMIT_THEN_NO_ANSWER,
    /** The client gets an error status; the store never sees the request. */
    REJECT,
    /** A watch opens, and the server ends it at once with an {@code ERROR} event carrying 410 Expired. */
    WATCH_EXPIRED,
    /** The client gets the API server's own 429 (a {@code Retry-After} header, a plain-text body); no store. */
    THROTTLED
  }

  /**
   * One queued fault: which requests it matches, what it does, and how often it fired. Thread-safe.
   */
  public static final class KubeFault {
    private final String method;
    private final String path;
    private final Kind kind;
    private final int status;
    private final Duration silence;
    private final AtomicInteger remaining;
    private final AtomicInteger fired = new AtomicInteger();

    private KubeFault(String method, String path, Kind kind, int status, Duration silence, int times) {
      this.method = method;
      this.path = path;
      this.kind = kind;
      this.status = status;
      this.silence = silence;
      this.remaining = new AtomicInteger(times);
    }

    /** How many requests this fault answered so far. */
    public int fired() {
      return fired.get();
    }

    /** How many more matching requests it will answer. */
    public int remaining() {
      return Math.max(remaining.get(), 0);
    }

    public Kind kind() {
      return kind;
    }

    /** The HTTP status the client gets; 0 for {@link Kind#COMMIT_THEN_NO_ANSWER}. */
    public int status() {
      return status;
    }

    boolean matches(RecordedRequest request) {
      if (!method.equalsIgnoreCase(request.getMethod())) {
        return false;
      }
      String p = request.getPath();
      int q = p.indexOf('?');
      String pathOnly = q < 0 ? p : p.substring(0, q);
      return path.endsWith("*") ? pathOnly.startsWith(path.substring(0, path.length() - 1)) : pathOnly.equals(path);
    }

    boolean claim() {
      if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
        fired.incrementAndGet();
        return true;
      }
      return false;
    }

    @Override
    public String toString() {
      return method + " " + path + " " + switch (kind) {
        case COMMIT_THEN_ANSWER -> "committed, then answered " + status;
        case COMMIT_THEN_NO_ANSWER -> "committed, then no answer for " + silence.toMillis() + " ms";
        case REJECT -> "rejected " + status + " before the store";
        case WATCH_EXPIRED -> "watch opened, then ended with ERROR 410 Expired";
        case THROTTLED -> "throttled 429, Retry-After " + silence.toSeconds() + " s";
      } + " (fired " + fired() + ")";
    }
  }

  /** Adds faults for the requests of one method and path. */
  public final class Target {
    private final String method;
    private final String path;

    private Target(String method, String path) {
      this.method = method;
      this.path = path;
    }

    /**
     * The next {@code times} matching requests reach the store and are then answered {@code status} (a 5xx) with a
     * Kubernetes {@code Status}, as described on {@link FaultDispatcher}.
     */
    public KubeFault commitThenAnswer(int status, int times) {
      if (status < 500 || status > 599) {
        throw new IllegalArgumentException("A committed write is answered with a 5xx, not " + status);
      }
      return add(new KubeFault(method, path, Kind.COMMIT_THEN_ANSWER, status, Duration.ZERO, times));
    }

    /**
     * The next {@code times} matching requests reach the store and their answer is held back for {@code silence},
     * which must be longer than the client's request timeout.
     */
    public KubeFault commitThenNoAnswer(Duration silence, int times) {
      Objects.requireNonNull(silence, "silence");
      return add(new KubeFault(method, path, Kind.COMMIT_THEN_NO_ANSWER, 0, silence, times));
    }

    /**
     * The next {@code times} matching watch requests are accepted (the WebSocket opens) and then ended by the server
     * with one {@code ERROR} event whose object is a 410 {@code Expired} Status, and a normal close. A real API server
     * ends a watch so when the version it watches from is older than its watch cache keeps, also on a watch already
     * running (kubernetes {@code staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go}: "too old resource
     * version", {@code errors.NewResourceExpired}; the watch handler {@code endpoints/handlers/watch.go} sends it as
     * an ERROR event). The store never sees the request.
     */
    public KubeFault expireWatch(int times) {
      return add(new KubeFault(method, path, Kind.WATCH_EXPIRED, 410, Duration.ZERO, times));
    }

    /**
     * The next {@code times} matching requests are throttled as a real API server throttles them, and never reach
     * the store: its max-in-flight and priority-and-fairness filters answer 429 with a {@code Retry-After} header in
     * whole seconds and the plain-text body "Too many requests, please try again later." (kubernetes
     * {@code staging/src/k8s.io/apiserver/pkg/server/filters/maxinflight.go}, {@code tooManyRequests}), not a
     * {@code Status}: unlike {@link #reject}'s 429.
     */
    public KubeFault throttle(Duration retryAfter, int times) {
      if (retryAfter.isNegative() || retryAfter.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException("Retry-After is whole seconds, not " + retryAfter);
      }
      return add(new KubeFault(method, path, Kind.THROTTLED, 429, retryAfter, times));
    }

    /** The next {@code times} matching requests are answered {@code status} and never reach the store. */
    public KubeFault reject(int status, int times) {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("A rejection is a 4xx or 5xx, not " + status);
      }
      return add(new KubeFault(method, path, Kind.REJECT, status, Duration.ZERO, times));
    }
  }

  /** Hears about every request, with the fault that answers it ({@code null} when none does). */
  @FunctionalInterface
  public interface Listener {
    void request(String method, String path, KubeFault fault);
  }

  private final List<KubeFault> faults = new CopyOnWriteArrayList<>();
  private volatile Listener listener = (method, path, fault) -> { };

  private FaultDispatcher(Dispatcher delegate) {
    super(delegate);
  }

  /** {@code delegate} behind an empty fault script. */
  public static FaultDispatcher wrap(Dispatcher delegate) {
    return new FaultDispatcher(Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * Faults for requests {@code method path}. The path is matched without its query, exactly, or as a prefix when
   * it ends with {@code *} (e.g. {@code /api/v1/namespaces/kube-system/events*}).
   */
  public Target on(String method, String path) {
    return new Target(Objects.requireNonNull(method, "method"), Objects.requireNonNull(path, "path"));
  }

  /** Sets the one listener told about every request before it is answered (replacing the previous one). */
  public void listener(Listener value) {
    this.listener = Objects.requireNonNull(value, "listener");
  }

  /** Forgets every fault (queued or used up). */
  public void clear() {
    faults.clear();
  }

  /** The faults added since the last {@link #clear()}, in order. */
  public List<KubeFault> faults() {
    return List.copyOf(faults);
  }

  private KubeFault add(KubeFault fault) {
    if (fault.remaining.get() < 1) {
      throw new IllegalArgumentException("Times must be at least 1, was " + fault.remaining.get());
    }
    faults.add(fault);
    return fault;
  }

  @Override
  protected MockResponse answer(RecordedRequest request) {
    KubeFault fault = faults.stream().filter(f -> f.matches(request) && f.remaining.get() > 0 && f.claim())
        .findFirst().orElse(null);
    listener.request(request.getMethod(), request.getPath(), fault);
    if (fault == null) {
      return delegate.dispatch(request);
    }
    if (fault.kind == Kind.REJECT) {
      return failure(fault.status);
    }
    if (fault.kind == Kind.WATCH_EXPIRED) {
      return expired();
    }
    if (fault.kind == Kind.THROTTLED) {
      // http.Error: text/plain, the message and a newline.
      return new MockResponse().setResponseCode(429).setHeader("Retry-After", fault.silence.toSeconds())
          .setHeader("Content-Type", "text/plain; charset=utf-8")
          .setBody("Too many requests, please try again later.\n");
    }
    MockResponse committed = delegate.dispatch(request);
    if (fault.kind == Kind.COMMIT_THEN_ANSWER) {
      return failure(fault.status);
    }
    // The mock delays the whole answer (status line included) by the body delay, on a timer: nothing blocks.
    MockResponse late = committed == null ? failure(504) : committed;
    return late.setBodyDelay(fault.silence);
  }

  /** A watch that opens and is ended by the server with ERROR 410 Expired (see {@link Target#expireWatch}). */
  private static MockResponse expired() {
    String event = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version: 1 (2)\","
        + "\"reason\":\"Expired\",\"code\":410}}";
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        webSocket.send(event);
        // The server closes once the event is out, as the API server's watch handler returns after its ERROR event;
        // a moment later rather than in the same instant as the upgrade, which fabric8's client could miss (its
        // watch() then never saw the WebSocket ready).
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> webSocket.close(1000, ""));
      }
    });
  }

  /** A Kubernetes {@code Status} answer, worded as the API server (or a proxy in front of it) words it. */
  static MockResponse failure(int code) {
    String[] reasonAndMessage = switch (code) {
      case 401 -> new String[] {"Unauthorized", "Unauthorized"};
      case 403 -> new String[] {"Forbidden", "injected: the user cannot perform this request (RBAC)"};
      case 409 -> new String[] {"Conflict", "injected: the object has been modified; please apply your changes "
          + "to the latest version and try again"};
      case 422 -> new String[] {"Invalid", "injected: the object is invalid (admission or validation)"};
      case 429 -> new String[] {"TooManyRequests", "injected: too many requests, please try again later"};
      case 500 -> new String[] {"InternalError", "Internal error occurred: etcdserver: request timed out"};
      case 502 -> new String[] {"InternalError", "injected: bad gateway between the proxy and the API server"};
      case 503 -> new String[] {"ServiceUnavailable", "injected: the server is currently unable to handle the "
          + "request"};
      case 504 -> new String[] {"Timeout", "Timeout: request did not complete within requested timeout - "
          + "context deadline exceeded"};
      default -> new String[] {"InternalError", "injected " + code};
    };
    String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
        + reasonAndMessage[1] + "\",\"reason\":\"" + reasonAndMessage[0] + "\",\"code\":" + code + "}";
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
  }

}
