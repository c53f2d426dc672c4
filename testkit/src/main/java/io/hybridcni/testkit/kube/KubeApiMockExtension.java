package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The extension behind {@link EnableKubeApiMock}: one paged CRUD mock server and client per test. */
public final class KubeApiMockExtension implements BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KubeApiMockExtension.class);

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
    context.getStore(NAMESPACE).put("watches", MockWatches.of(mixed));
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
    MockWatches watches = context.getStore(NAMESPACE).remove("watches", MockWatches.class);
    if (client != null) {
      client.close();
    }
    if (watches != null) {
      watches.awaitEnded(); // see MockWatches: destroy() while a watch is ending can fail after 10 s
    }
    if (server != null) {
      server.destroy();
    }
  }
}
