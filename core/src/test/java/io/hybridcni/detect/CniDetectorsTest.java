package io.hybridcni.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CniDetectorsTest {

  @Test
  void registryListsOneDetectorPerCniInTheOrderEvidenceIsWritten() {
    assertThat(CniDetectors.ALL).extracting(d -> d.getClass().getSimpleName()).containsExactly(
        "CalicoManifestDetector", "TigeraOperatorDetector", "CanalDetector", "FlannelDetector", "CiliumDetector");
  }

  @Test
  void unionOfReadsNamesEveryCandidateObjectOnce() {
    assertThat(CniDetectors.reads()).containsExactly(
        KubeObject.ipPools(),
        KubeObject.configMap("kube-system", "calico-config"),
        KubeObject.daemonSet("kube-system", "calico-node"),
        KubeObject.tigeraInstallation("default"),
        KubeObject.daemonSet("calico-system", "calico-node"),
        KubeObject.configMap("kube-system", "canal-config"),
        KubeObject.daemonSet("kube-system", "canal"),
        KubeObject.configMap("kube-flannel", "kube-flannel-cfg"),
        KubeObject.daemonSet("kube-flannel", "kube-flannel-ds"),
        KubeObject.daemonSet("kube-flannel", "kube-flannel-ds-amd64"),
        KubeObject.configMap("kube-system", "kube-flannel-cfg"),
        KubeObject.daemonSet("kube-system", "kube-flannel-ds"),
        KubeObject.daemonSet("kube-system", "kube-flannel-ds-amd64"),
        KubeObject.configMap("kube-system", "cilium-config"),
        KubeObject.daemonSet("kube-system", "cilium"));
  }

  @Test
  void everyOwnedDaemonSetIsOneTheDetectorReads() {
    for (CniDetector d : CniDetectors.ALL) {
      List<KubeObject> reads = d.reads();
      assertThat(d.workloads()).allSatisfy(w -> assertThat(reads).as(d.name()).contains(w.object()));
    }
  }

  @Test
  void podsThatTellWhereCalicoRunsAreCalicoNodeAndCanal() {
    assertThat(CniDetectors.workloads()).filteredOn(OwnedWorkload::runsCalicoNode).extracting(OwnedWorkload::object)
        .containsExactly(KubeObject.daemonSet("kube-system", "calico-node"),
            KubeObject.daemonSet("calico-system", "calico-node"), KubeObject.daemonSet("kube-system", "canal"));
  }
}
