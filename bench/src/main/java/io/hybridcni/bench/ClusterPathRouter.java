package io.hybridcni.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Many simulated API servers behind one fabric8 mock: a request to {@code /clusters/<id>/<path>} is answered by the
 * CRUD store of cluster {@code <id>} as a request to {@code /<path>}. fabric8's client keeps the path of its master
 * URL in front of every request it makes, watches included, so a kubeconfig whose server is
 * {@code http://host:port/clusters/<id>} reaches that cluster only. A real fleet has one API server per cluster; one
 * mock per cluster would start a Vert.x per cluster in the bench's JVM, whose threads and heap would be measured with
 * the controller's, so a few mocks serve many clusters each.
 */
final class ClusterPathRouter extends Dispatcher {

  static final String PREFIX = "/clusters/";

  private final Map<String, KubernetesCrudDispatcher> clusters = new ConcurrentHashMap<>();

  /** A new empty store for {@code clusterId}, answering under {@code /clusters/<clusterId>}. */
  void add(String clusterId) {
    if (clusters.putIfAbsent(clusterId, new KubernetesCrudDispatcher(List.of())) != null) {
      throw new IllegalArgumentException("cluster " + clusterId + " is served already");
    }
  }

  int size() {
    return clusters.size();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    if (path == null || !path.startsWith(PREFIX)) {
      return new MockResponse().setResponseCode(404);
    }
    int end = path.indexOf('/', PREFIX.length());
    String id = end < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), end);
    KubernetesCrudDispatcher cluster = clusters.get(id);
    if (cluster == null) {
      return new MockResponse().setResponseCode(404);
    }
    String rest = end < 0 ? "/" : path.substring(end);
    return cluster.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), rest,
        request.getHeaders(), request.getBody()));
  }

  @Override
  public void shutdown() {
    clusters.values().forEach(Dispatcher::shutdown);
  }
}
