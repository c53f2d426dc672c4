package io.hybridcni.bench;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fabric8 client interceptor that times every request of the client it is installed on, from the moment the
 * request is built until the response arrives, into a {@link CallLog}. The request carries a header with a number
 * because the request object handed to {@code after} is not the one handed to {@code before}.
 */
final class KubeCallTimer implements Interceptor {

  static final String NAME = "hybridcni-bench-timer";
  private static final String HEADER = "x-hybridcni-bench-call";
  /** What {@link #attributing} appends to the operation of a request the node health status sent. */
  static final String STATUS_MARK = " [status]";
  private static final String STATUS_OBSERVER = "io.hybridcni.kube.KubernetesStatusObserver";

  private final CallLog log;
  private final boolean attribute;
  private final Map<String, Boolean> fromStatus = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Long> started = new ConcurrentHashMap<>();

  KubeCallTimer(CallLog log) {
    this(log, false);
  }

  private KubeCallTimer(CallLog log, boolean attribute) {
    this.log = log;
    this.attribute = attribute;
  }

  /**
   * A timer that also marks ({@link #STATUS_MARK}) each request sent from the node health status observer, found on
   * the sending thread's stack: fabric8 runs the interceptors' {@code before} on the thread that calls the operation,
   * and the controller's loop calls planning and status on one thread, so a path cannot tell them apart. The stack
   * walk costs microseconds per request; not for benchmarks that time single calls.
   */
  static KubeCallTimer attributing(CallLog log) {
    return new KubeCallTimer(log, true);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String id = Long.toString(ids.incrementAndGet());
    builder.setHeader(HEADER, id);
    if (attribute && StackWalker.getInstance().walk(frames -> frames
        .anyMatch(f -> f.getClassName().startsWith(STATUS_OBSERVER)))) {
      fromStatus.put(id, Boolean.TRUE);
    }
    started.put(id, System.nanoTime());
  }

  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    String id = request.header(HEADER);
    Long start = id == null ? null : started.remove(id);
    if (start != null) {
      String method = request.method();
      // A watch is one call however long it lasts; it is marked so that a trace tells it from a GET.
      String watch = request.uri().getRawQuery() != null && request.uri().getRawQuery().contains("watch=true")
          ? " (watch)" : "";
      String status = fromStatus.remove(id) != null ? STATUS_MARK : "";
      log.record(CallLog.Side.KUBERNETES, method + " " + request.uri().getPath() + watch + status,
          !"GET".equals(method),
          System.nanoTime() - start);
    }
  }
}
