package io.hybridcni.testkit.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Records every write that reaches one fabric8 mock server's store (usually a {@code KubernetesCrudDispatcher}),
 * with the moment the store handled it and who sent it, so that a test can check each write against what held at
 * that moment (the holder of a Lease elsewhere, say) instead of trusting what the writers say of themselves.
 *
 * <pre>{@code
 * ServerWrites writes = ServerWrites.wrap(new KubernetesCrudDispatcher(List.of()));
 * KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
 *     FaultDispatcher.wrap(writes), false);
 * ...
 * writes.writes().stream().filter(w -> w.succeeded() && w.agent().startsWith("replica-"))...
 * }</pre>
 *
 * <p>A write is a {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}; its time is {@link System#nanoTime()}
 * read right after the wrapped dispatcher answered, when the CRUD store has already changed (the mock commits inside
 * {@code dispatch}; what comes after, such as a {@link LatencyDispatcher}'s delay, only holds the answer back). The
 * sender is the request's {@code User-Agent}, which is what a real API server's audit log records as
 * {@code userAgent}; writers that must be told apart give their clients their own
 * ({@code ConfigBuilder.withUserAgent}). Wrap it inside a {@link FaultDispatcher}, so that a request the faults
 * reject, which never reaches the store, is not recorded.
 */
public final class ServerWrites extends DelegatingDispatcher {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /**
   * One write as the server handled it.
   *
   * @param nanos {@link System#nanoTime()} when the store had handled it
   * @param method the HTTP method, upper case
   * @param path the path without its query
   * @param agent the {@code User-Agent} header, or {@code ""}
   * @param status the status of the answer (2xx: the store changed)
   * @param body the request's body as UTF-8 ({@code ""} for none)
   */
  public record Write(long nanos, String method, String path, String agent, int status, String body) {

    /** Whether the store took it (a 2xx answer). */
    public boolean succeeded() {
      return status >= 200 && status < 300;
    }

    /** The last segment of the path: the object's name for a write of one object. */
    public String name() {
      return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Without the body: a write of a Secret carries its data (an AccessKey secret), and a record printed by a failed
     * assertion or a log line must not show it.
     */
    @Override
    public String toString() {
      return "Write[" + method + " " + path + " by '" + agent + "' -> " + status + ", body of " + body.length()
          + " characters]";
    }
  }

  private final List<Write> writes = new CopyOnWriteArrayList<>();

  private ServerWrites(Dispatcher delegate) {
    super(delegate);
  }

  /** Records the writes {@code delegate} handles. */
  public static ServerWrites wrap(Dispatcher delegate) {
    return new ServerWrites(Objects.requireNonNull(delegate, "delegate"));
  }

  @Override
  protected MockResponse answer(RecordedRequest request) {
    String method = request.getMethod() == null ? "" : request.getMethod().toUpperCase(Locale.ROOT);
    if (!WRITES.contains(method)) {
      return delegate.dispatch(request);
    }
    // Read without consuming (getUtf8Body() empties the buffer the store then reads).
    String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    MockResponse response = delegate.dispatch(request);
    long at = System.nanoTime();
    String path = request.getPath();
    int q = path.indexOf('?');
    String agent = request.getHeader("User-Agent");
    writes.add(new Write(at, method, q < 0 ? path : path.substring(0, q), agent == null ? "" : agent,
        response == null ? 0 : response.code(), body));
    return response;
  }

  /** Every write recorded so far, in the order the store handled them. */
  public List<Write> writes() {
    return List.copyOf(writes);
  }

  /** The writes recorded so far that {@code filter} accepts, in order. */
  public List<Write> writes(Predicate<Write> filter) {
    return writes.stream().filter(filter).toList();
  }

  /** Forgets what was recorded. */
  public void clear() {
    writes.clear();
  }

}
