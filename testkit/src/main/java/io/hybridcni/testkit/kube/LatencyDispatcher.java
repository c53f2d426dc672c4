package io.hybridcni.testkit.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the fabric8 mock server answer like an API server across a network: every answer with a body leaves a
 * fixed latency after the wrapped dispatcher (usually a {@code KubernetesCrudDispatcher}) produced it.
 *
 * <pre>{@code
 * Dispatcher dispatcher = LatencyDispatcher.wrap(new KubernetesCrudDispatcher(List.of()), Duration.ofMillis(50));
 * KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
 *     dispatcher, false);
 * }</pre>
 *
 * <p>The delay is the mock's own non-blocking body delay: the server dispatches on a Vert.x event loop, so a
 * {@code Thread.sleep} there would serialize every request and hide whatever parallelism the client has. The mock
 * delays only answers that have a body, and the CRUD dispatcher answers a missing object with a bare 404; so a
 * bodiless error answer gets the {@code Status} object a real API server sends with it, which the client reads the
 * same way (a {@code get()} of a missing object is still {@code null}).
 */
public final class LatencyDispatcher extends DelegatingDispatcher {

  private final Supplier<Duration> latency;

  private LatencyDispatcher(Dispatcher delegate, Supplier<Duration> latency) {
    super(delegate);
    this.latency = latency;
  }

  /**
   * {@code delegate} with every answer delayed by {@code latency}; {@code delegate} itself when the latency is zero.
   *
   * @param latency zero or positive
   */
  public static Dispatcher wrap(Dispatcher delegate, Duration latency) {
    Objects.requireNonNull(delegate, "delegate");
    Objects.requireNonNull(latency, "latency");
    if (latency.isNegative()) {
      throw new IllegalArgumentException("Latency must be zero or positive, was " + latency);
    }
    return latency.isZero() ? delegate : new LatencyDispatcher(delegate, () -> latency);
  }

  /**
   * {@code delegate} with every answer delayed by what {@code latency} says when the answer leaves, so that a world
   * can be set up quickly and measured with the latency on; while it says zero, answers pass as {@code delegate}
   * gives them.
   */
  public static Dispatcher wrap(Dispatcher delegate, Supplier<Duration> latency) {
    return new LatencyDispatcher(Objects.requireNonNull(delegate, "delegate"), Objects.requireNonNull(latency,
        "latency"));
  }

  @Override
  protected MockResponse answer(RecordedRequest request) {
    MockResponse response = delegate.dispatch(request);
    Duration now = latency.get();
    if (response == null || now.isZero() || now.isNegative()) {
      return response;
    }
    if (response.code() >= 400 && (response.getBody() == null || response.getBody().size() == 0)) {
      response.setHeader("Content-Type", "application/json").setBody(status(response.code()));
    }
    if (response.getBodyDelay() == null) {
      response.setBodyDelay(now);
    }
    return response;
  }

  private static String status(int code) {
    String reason = switch (code) {
      case 400 -> "BadRequest";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      default -> "Unknown";
    };
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"reason\":\""
        + reason + "\",\"code\":" + code + "}";
  }
}
