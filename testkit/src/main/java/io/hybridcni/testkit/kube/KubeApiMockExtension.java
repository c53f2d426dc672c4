package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The extension behind {@link EnableKubeApiMock}: one paged CRUD mock server and client per test. */
public final class KubeApiMockExtension implements BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeApiMockExtension.class);
  /** Longer than the mock's 30 s wait for a websocket write, which is what can hold the end of a watch. */
  private static final Duration WATCHES_CLOSE_WITHIN = Duration.ofSeconds(45);

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    // The mixed dispatcher, as fabric8's crud = true builds it: expectations (server.expect()) first, then the CRUD
    // store; the paging layer in front of both.
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMixedDispatcher mixed = new KubernetesMixedDispatcher(responses);
    PagingDispatcher dispatcher = PagingDispatcher.wrap(mixed);
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher,
        false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    NamespacedKubernetesClient client = server.createClient();
    context.getStore(NAMESPACE).put("server", server);
    context.getStore(NAMESPACE).put("client", client);
    context.getStore(NAMESPACE).put("watches", openWatches(mixed));
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          Object value = field.getType() == KubernetesMockServer.class ? server
              : field.getType() == KubernetesClient.class || field.getType() == NamespacedKubernetesClient.class
                  ? client
                  : field.getType() == PagingDispatcher.class ? dispatcher : null;
          if (value != null && !Modifier.isFinal(field.getModifiers())) {
            field.setAccessible(true);
            field.set(Modifier.isStatic(field.getModifiers()) ? null : instance, value);
          }
        }
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    NamespacedKubernetesClient client = context.getStore(NAMESPACE).remove("client", NamespacedKubernetesClient.class);
    KubernetesMockServer server = context.getStore(NAMESPACE).remove("server", KubernetesMockServer.class);
    Set<?> watches = (Set<?>) context.getStore(NAMESPACE).remove("watches", Set.class);
    if (client != null) {
      client.close();
    }
    if (watches != null) {
      awaitClosed(watches);
    }
    if (server != null) {
      server.destroy();
    }
  }

  /**
   * Waits until the server has seen every watch of the closed client end. fabric8 8.0.0's mock ends a watch on its
   * Vert.x event loop ({@code WatchEventsListener.onClosed} shuts the watch's sender down and awaits it for up to a
   * minute), while that sender may be inside {@code VertxMockWebSocket.send}, which waits up to 30 s for a write only
   * the same event loop can do. Until the sender gives up, the loop is held, and a {@code destroy()} started then
   * fails after its own 10 s ("Unable to close MockWebServer") although the test passed. A watch leaves the set at the
   * end of {@code onClosed}, so an empty set means the loop is free again; in the usual case it is at once.
   */
  private static void awaitClosed(Set<?> watches) throws InterruptedException {
    long deadline = System.nanoTime() + WATCHES_CLOSE_WITHIN.toNanos();
    while (!watches.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /**
   * The mock's own set of open watches ({@code KubernetesCrudDispatcher.watchEventListeners}), read by reflection
   * because fabric8 does not expose it; a fabric8 upgrade that renames it fails here loudly instead of bringing the
   * teardown race back unseen.
   */
  private static Set<?> openWatches(KubernetesMixedDispatcher mixed) {
    try {
      Field crudField = KubernetesMixedDispatcher.class.getDeclaredField("kubernetesCrudDispatcher");
      crudField.setAccessible(true);
      KubernetesCrudDispatcher crud = (KubernetesCrudDispatcher) crudField.get(mixed);
      Field watchesField = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
      watchesField.setAccessible(true);
      return (Set<?>) watchesField.get(crud);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the fabric8 mock no longer keeps its open watches where the test kit reads them"
          + " (KubernetesMixedDispatcher.kubernetesCrudDispatcher.watchEventListeners): " + e, e);
    }
  }
}
