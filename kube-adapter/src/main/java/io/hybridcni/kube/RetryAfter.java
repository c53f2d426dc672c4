package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long the API server asked a throttled request to wait, for the write loops whose requests go without fabric8's
 * retries ({@link KubeWriteLoop}).
 *
 * <p>A real API server throttles in its max-in-flight and priority-and-fairness filters (kubernetes
 * {@code staging/src/k8s.io/apiserver/pkg/server/filters/maxinflight.go}, {@code tooManyRequests}, also called by
 * {@code priority-and-fairness.go}): a 429 with a {@code Retry-After} header in seconds and a plain-text body, no
 * {@code Status}. A 429 written as a {@code Status} ({@code errors.NewTooManyRequests} in
 * {@code apimachinery/pkg/api/errors}) carries the same hint as {@code details.retryAfterSeconds}. fabric8's own
 * retries wait the longer of the header and their backoff ({@code StandardHttpClient.shouldRetry}), but the
 * exception it throws carries no header, so a loop that does its own retries could not see it. The
 * {@link #factory(HttpClient.Factory) factory}'s clients record the header of every 429 answer, by method and path,
 * and {@link #take} hands it to the loop whose request it answered.
 *
 * <p>The hints are kept per method and path, not per API server: two clusters throttling the same request at the
 * same moment may hand each other's hint on, and each then waits as long as one of the servers asked. A hint is
 * taken once, is forgotten after {@value #KEPT_SECONDS} s, and a wait is never longer than {@value #MAX_SECONDS} s
 * (a server asking for more is waited for that long, and asked again).
 */
public final class RetryAfter {

  /** The name the interceptor is registered under. */
  static final String INTERCEPTOR_NAME = "hybridcni-retry-after";
  static final long KEPT_SECONDS = 60;
  static final long MAX_SECONDS = 60;
  /** Hints kept at most: a burst of 429s that no loop takes (fabric8's own retries answer those) cannot grow it. */
  private static final int MAX_HINTS = 256;

  private record Hint(Duration delay, long recordedNanos) {}

  private static final ConcurrentHashMap<String, Hint> HINTS = new ConcurrentHashMap<>();

  private static final Interceptor RECORDER = new Interceptor() {
    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      if (response.code() == 429) {
        record(request.method(), request.uri().getRawPath(), response.header("Retry-After"));
      }
    }
  };

  private RetryAfter() {}

  /**
   * {@code delegate}, whose every client builder records the {@code Retry-After} of 429 answers; hybridcni's clients
   * are built from it, so that their write loops wait as the API server asks.
   */
  public static HttpClient.Factory factory(HttpClient.Factory delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return new HttpClient.Factory() {
      // newBuilder(Config) is the interface's default, which calls this one.
      @Override
      public HttpClient.Builder newBuilder() {
        HttpClient.Builder builder = delegate.newBuilder();
        builder.addOrReplaceInterceptor(INTERCEPTOR_NAME, RECORDER);
        return builder;
      }

      @Override
      public int priority() {
        return delegate.priority();
      }
    };
  }

  /** Keeps {@code header} (whole seconds, as the API server writes it) as the wait of {@code method path}. */
  static void record(String method, String path, String header) {
    Duration wait = seconds(header);
    if (wait == null) {
      return;
    }
    if (HINTS.size() >= MAX_HINTS) {
      long now = System.nanoTime();
      HINTS.values().removeIf(h -> now - h.recordedNanos() > Duration.ofSeconds(KEPT_SECONDS).toNanos());
      if (HINTS.size() >= MAX_HINTS) {
        HINTS.clear();
      }
    }
    HINTS.put(key(method, path), new Hint(wait, System.nanoTime()));
  }

  /**
   * The wait the API server asked of the 429 {@code e} that answered {@code method path} (a path with or without
   * its query): its {@code Status}'s {@code retryAfterSeconds}, or the {@code Retry-After} header recorded for that
   * request, whichever is longer; empty when it asked none.
   */
  static Optional<Duration> take(String method, String path, KubernetesClientException e) {
    int query = path.indexOf('?');
    Hint hint = HINTS.remove(key(method, query < 0 ? path : path.substring(0, query)));
    Duration header = hint == null
        || System.nanoTime() - hint.recordedNanos() > Duration.ofSeconds(KEPT_SECONDS).toNanos() ? null : hint.delay();
    Status status = e.getStatus();
    Integer inStatus = status == null || status.getDetails() == null ? null
        : status.getDetails().getRetryAfterSeconds();
    Duration fromStatus = inStatus == null || inStatus <= 0 ? null
        : Duration.ofSeconds(Math.min(inStatus, MAX_SECONDS));
    if (header == null) {
      return Optional.ofNullable(fromStatus);
    }
    return Optional.of(fromStatus == null || header.compareTo(fromStatus) >= 0 ? header : fromStatus);
  }

  /** Whole seconds ({@code delta-seconds}, RFC 9110 section 10.2.3), at most {@value #MAX_SECONDS}; else null. */
  private static Duration seconds(String header) {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
      return null; // an HTTP-date, which the API server does not send, or garbage
    }
    long seconds = Long.parseLong(value);
    return seconds == 0 ? null : Duration.ofSeconds(Math.min(seconds, MAX_SECONDS));
  }

  private static String key(String method, String path) {
    return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
  }
}
