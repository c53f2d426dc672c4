package io.hybridcni.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.NamespaceFacts;

/** Whether a namespace exists: one GET of the Namespace; a 404 is the answer "absent", a 403 a failure. */
final class NamespaceReader {

  private final KubernetesClient client;

  NamespaceReader(KubernetesClient client) {
    this.client = client;
  }

  NamespaceFacts read(String name) {
    return new NamespaceFacts(name, exists(client, name));
  }

  static boolean exists(KubernetesClient client, String name) {
    return KubeOperation.get("", "namespaces", null, name).run(() -> client.namespaces().withName(name).get()) != null;
  }
}
