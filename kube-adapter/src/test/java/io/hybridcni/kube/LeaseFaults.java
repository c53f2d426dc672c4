package io.hybridcni.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the mock's CRUD dispatcher with faults on chosen requests: answered before the store saw them (the write did
 * not happen), or after the store committed them (the write happened, but its answer is a 5xx, as a real API server
 * answers 500 or 504 "Timeout" for a request whose etcd write went through after all). Each fault counts how often it
 * fired, so that a test can show that its fault was reached. Also keeps the bodies of DELETE requests, which the CRUD
 * dispatcher never reads (it ignores the {@code preconditions} a real API server checks).
 */
final class LeaseFaults extends Dispatcher {

  /** Where a fault answers: before the store, or after it committed the write. */
  enum When { BEFORE_STORE, AFTER_COMMIT }

  /** One fault: the next {@code times} requests {@code method path} (path without query) are answered {@code status}. */
  static final class Fault {
    final String method;
    final String path;
    final When when;
    final int status;
    final AtomicInteger left;
    final AtomicInteger fired = new AtomicInteger();

    Fault(String method, String path, When when, int status, int times) {
      this.method = method;
      this.path = path;
      this.when = when;
      this.status = status;
      this.left = new AtomicInteger(times);
    }

    int fired() {
      return fired.get();
    }
  }

  private final Dispatcher store;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final List<String> deleteBodies = new CopyOnWriteArrayList<>();

  LeaseFaults(Dispatcher store) {
    this.store = store;
  }

  Fault add(String method, String path, When when, int status, int times) {
    Fault fault = new Fault(method, path, when, status, times);
    faults.add(fault);
    return fault;
  }

  void clear() {
    faults.clear();
  }

  List<String> deleteBodies() {
    return deleteBodies;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    String pathOnly = query < 0 ? path : path.substring(0, query);
    if ("DELETE".equals(request.getMethod())) {
      deleteBodies.add(request.getUtf8Body());
    }
    for (Fault f : faults) {
      if (f.method.equals(request.getMethod()) && f.path.equals(pathOnly) && f.left.getAndDecrement() > 0) {
        f.fired.incrementAndGet();
        if (f.when == When.AFTER_COMMIT) {
          store.dispatch(request);
        }
        return status(f.status);
      }
    }
    return store.dispatch(request);
  }

  private static MockResponse status(int code) {
    String reason = code == 504 ? "Timeout" : code == 503 ? "ServiceUnavailable" : "InternalError";
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
            + "\"injected " + code + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
  }

  @Override
  public void shutdown() {
    store.shutdown();
  }
}
