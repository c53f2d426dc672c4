package io.hybridcni.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The API resources hybridcni reads or writes without a typed model, each spelled out (group, version, plural,
 * scope) so that no API discovery request is needed.
 */
final class Resources {

  private Resources() {}

  static final ResourceDefinitionContext DAEMON_SETS = new ResourceDefinitionContext.Builder()
      .withGroup("apps").withVersion("v1").withPlural("daemonsets").withKind("DaemonSet").withNamespaced(true)
      .build();

  static final ResourceDefinitionContext CALICO_IP_POOLS = new ResourceDefinitionContext.Builder()
      .withGroup("crd.projectcalico.org").withVersion("v1").withPlural("ippools").withKind("IPPool")
      .withNamespaced(false).build();

  static final ResourceDefinitionContext TIGERA_INSTALLATIONS = new ResourceDefinitionContext.Builder()
      .withGroup("operator.tigera.io").withVersion("v1").withPlural("installations").withKind("Installation")
      .withNamespaced(false).build();

  /** The REST path of an object (or of its collection when {@code name} is {@code null}). */
  static String path(ResourceDefinitionContext context, String namespace, String name) {
    return path(context.getGroup(), context.getVersion(), context.getPlural(), namespace, name);
  }

  static String path(String group, String version, String plural, String namespace, String name) {
    StringBuilder path = new StringBuilder(group == null || group.isEmpty() ? "/api/" + version
        : "/apis/" + group + "/" + version);
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(plural);
    if (name != null) {
      path.append('/').append(name);
    }
    return path.toString();
  }
}
