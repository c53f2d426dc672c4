package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Tigera operator does on its own, for the mock server that runs no operator: it renders
 * {@code calico-system/calico-node} from the {@code Installation} named {@code default}, and an affinity in the
 * Installation's {@code spec.calicoNodeDaemonSet.spec.template.spec} replaces the rendered one (tigera/operator,
 * {@code ApplyDaemonSetOverrides} in pkg/render/common/components); without one, calico-node has none. Only the
 * affinity is rendered here: it is the one field hybridcni writes into the Installation.
 */
public final class TigeraOperator {

  static final ResourceDefinitionContext INSTALLATIONS = new ResourceDefinitionContext.Builder()
      .withGroup("operator.tigera.io").withVersion("v1").withKind("Installation").withPlural("installations")
      .withNamespaced(false).build();

  private TigeraOperator() {}

  /** Renders the Installation's calico-node affinity into {@code calico-system/calico-node}, when both exist. */
  public static void render(KubernetesClient client) {
    GenericKubernetesResource installation;
    try {
      installation = client.genericKubernetesResources(INSTALLATIONS).withName("default").get();
    } catch (RuntimeException e) {
      return; // no Installation CRD: no operator
    }
    if (installation == null) {
      return;
    }
    Affinity wanted = affinity(client, installation);
    DaemonSet ds = client.apps().daemonSets().inNamespace("calico-system").withName("calico-node").get();
    if (ds != null && !Objects.equals(ds.getSpec().getTemplate().getSpec().getAffinity(), wanted)) {
      client.apps().daemonSets().inNamespace("calico-system").withName("calico-node").edit(d -> {
        d.getSpec().getTemplate().getSpec().setAffinity(wanted);
        return d;
      });
    }
  }

  @SuppressWarnings("unchecked")
  private static Affinity affinity(KubernetesClient client, GenericKubernetesResource installation) {
    Object node = installation.getAdditionalProperties().get("spec");
    for (String key : List.of("calicoNodeDaemonSet", "spec", "template", "spec", "affinity")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = ((Map<String, Object>) map).get(key);
    }
    return node == null ? null : client.getKubernetesSerialization().convertValue(node, Affinity.class);
  }
}
