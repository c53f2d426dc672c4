package io.hybridcni.testkit.kube;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * What re-applying Calico's manifest does to a manifest-installed {@code kube-system/calico-node}: a {@code helm
 * upgrade}, an Argo CD or Flux sync, or {@code kubectl apply -f calico.yaml} of a manifest that carries its own node
 * affinity. {@code nodeSelectorTerms} is an atomic list (k8s.io/api core/v1 {@code NodeSelector}, {@code
 * +structType=atomic}, its terms {@code +listType=atomic}; no patch merge key), so the strategic merge patch of
 * {@code kubectl apply} and {@code helm upgrade}, and a server-side apply that forces its conflicts, write the
 * manifest's list in place of the live one, and the exclusion hybridcni added to every term is gone. The mock server
 * runs no such merge, so this writes the result: the whole affinity replaced by the manifest's.
 *
 * <p>The one place tests and the demo overwrite calico-node this way, so that they all mean the same drift.
 */
public final class CalicoManifest {

  /** Where the manifest installs calico-node. */
  public static final String NAMESPACE = "kube-system";
  /** The DaemonSet's name. */
  public static final String NAME = "calico-node";

  private CalicoManifest() {}

  /**
   * The term such a manifest brings: Linux nodes only ({@code kubernetes.io/os In [linux]}, the upstream manifest's
   * own condition, there as a nodeSelector), with no {@code alibabacloud.com/external} exclusion.
   */
  public static NodeSelectorTerm linuxOnlyTerm() {
    return new NodeSelectorTermBuilder().withMatchExpressions(new NodeSelectorRequirementBuilder()
        .withKey("kubernetes.io/os").withOperator("In").withValues("linux").build()).build();
  }

  /**
   * Re-applies the manifest: calico-node's required node affinity becomes exactly {@link #linuxOnlyTerm()}, through
   * {@code client}, as the sync's writer would. No pod moves until the caller lets the DaemonSet controller run
   * ({@link DaemonSetController#reconcile}).
   *
   * @return the DaemonSet as written
   */
  public static DaemonSet reapply(KubernetesClient client) {
    return reapply(client, List.of(linuxOnlyTerm()));
  }

  /** As {@link #reapply(KubernetesClient)}, with the manifest's own {@code terms} (in order, none dropped). */
  public static DaemonSet reapply(KubernetesClient client, List<NodeSelectorTerm> terms) {
    return client.apps().daemonSets().inNamespace(NAMESPACE).withName(NAME).edit(ds -> {
      ds.getSpec().getTemplate().getSpec().setAffinity(new AffinityBuilder()
          .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .withNodeSelectorTerms(terms)
          .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
      return ds;
    });
  }
}
