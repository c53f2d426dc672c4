package io.hybridcni.observe;

import java.util.Map;

/**
 * Cilium's {@code cilium-config} ConfigMap (the keys that decide routing) and its version, read from the cilium
 * DaemonSet's image tag ({@code null} when unknown).
 */
public record CiliumFacts(String version, Map<String, String> config, Workload daemonSet) {

  public CiliumFacts {
    config = Frozen.map(config);
  }
}
