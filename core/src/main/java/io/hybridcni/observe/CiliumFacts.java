package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * Cilium's {@code cilium-config} ConfigMap (the keys that decide routing) and its version, read from the cilium
 * DaemonSet's image tag ({@code null} when unknown).
 */
public record CiliumFacts(String version, Map<String, String> config, Workload daemonSet) implements CniPart {

  public CiliumFacts {
    config = Frozen.map(config);
  }

  @Override
  @JsonIgnore
  public List<Workload> workloads() {
    return daemonSet == null ? List.of() : List.of(daemonSet);
  }
}
