package io.hybridcni.observe;

import java.util.List;
import java.util.Map;

/**
 * What the cluster shows of Calico: IPPools (the truth for encapsulation), the {@code calico-config} ConfigMap's
 * {@code calico_backend} ({@code null} when there is no such ConfigMap or key), the calico-node container
 * environment with {@code configMapKeyRef} values resolved, the calico-node DaemonSet and the Tigera
 * {@code Installation} when the operator manages Calico.
 */
public record CalicoFacts(List<IpPool> ipPools, String calicoBackend, Map<String, String> nodeEnv,
    Workload daemonSet, TigeraInstallation installation) {

  public CalicoFacts {
    ipPools = Frozen.list(ipPools);
    nodeEnv = Frozen.map(nodeEnv);
  }

  public CalicoFacts withDaemonSet(Workload workload) {
    return new CalicoFacts(ipPools, calicoBackend, nodeEnv, workload, installation);
  }

  public CalicoFacts withInstallation(TigeraInstallation value) {
    return new CalicoFacts(ipPools, calicoBackend, nodeEnv, daemonSet, value);
  }
}
