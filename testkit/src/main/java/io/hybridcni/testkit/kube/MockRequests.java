package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The requests a fabric8 mock server has recorded, taken off its queue in arrival order. */
public final class MockRequests {

  /**
   * One recorded request: method and path with query. The body is not kept: the mock's dispatcher consumes it
   * while answering, so it is empty by the time a test could read it.
   */
  public record Recorded(String method, String path) {

    /** The path without its query. */
    public String pathOnly() {
      int q = path.indexOf('?');
      return q < 0 ? path : path.substring(0, q);
    }

    /** The value of query parameter {@code name} (not decoded), or {@code null}. */
    public String query(String name) {
      int q = path.indexOf('?');
      if (q < 0) {
        return null;
      }
      for (String pair : path.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        if (key.equals(name)) {
          return eq < 0 ? "" : pair.substring(eq + 1);
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private MockRequests() {}

  /**
   * Takes every request recorded so far (waiting briefly for ones still arriving), leaving the queue empty so that
   * the next call sees only later requests.
   */
  public static List<Recorded> drain(KubernetesMockServer server) {
    List<Recorded> requests = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
        requests.add(new Recorded(r.getMethod(), r.getPath()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return requests;
  }
}
