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

  private final CallLog log;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Long> started = new ConcurrentHashMap<>();

  KubeCallTimer(CallLog log) {
    this.log = log;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String id = Long.toString(ids.incrementAndGet());
    builder.setHeader(HEADER, id);
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
      log.record(CallLog.Side.KUBERNETES, method + " " + request.uri().getPath() + watch, !"GET".equals(method),
          System.nanoTime() - start);
    }
  }
}
