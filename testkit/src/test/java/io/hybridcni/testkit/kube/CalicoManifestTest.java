package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CalicoManifestTest {

  KubernetesClient client;

  @Test
  void reapplyingTheManifestReplacesEveryTermSoCalicoStartsOnTheCloudNodeAgain() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    CalicoManifest.reapply(client, List.of(new NodeSelectorTermBuilder().withMatchExpressions(
        new NodeSelectorRequirementBuilder().withKey("alibabacloud.com/external").withOperator("NotIn")
            .withValues("true").build()).build()));
    DaemonSetController.reconcile(client);
    assertThat(calicoNodes()).doesNotContain(KubeSampleCluster.CLOUD_NODE);

    CalicoManifest.reapply(client);
    DaemonSetController.reconcile(client);

    assertThat(client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").get().getSpec()
        .getTemplate().getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()).containsExactly(CalicoManifest.linuxOnlyTerm());
    assertThat(calicoNodes()).contains(KubeSampleCluster.CLOUD_NODE).containsAll(KubeSampleCluster.ON_PREMISES_NODES);
  }

  private List<String> calicoNodes() {
    return client.pods().inNamespace("kube-system").withLabel("k8s-app", "calico-node").list().getItems().stream()
        .map(Pod::getSpec).map(s -> s.getNodeName()).toList();
  }
}
