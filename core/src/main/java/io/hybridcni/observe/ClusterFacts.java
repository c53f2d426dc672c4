package io.hybridcni.observe;

import java.util.Objects;

/** The ACK cluster record: id, type ({@code ExternalKubernetes} for a registered cluster), state and region. */
public record ClusterFacts(String clusterId, String clusterType, String state, String regionId) {

  public static final String REGISTERED_TYPE = "ExternalKubernetes";

  public ClusterFacts {
    Objects.requireNonNull(clusterId, "clusterId");
  }

  public boolean registered() {
    return REGISTERED_TYPE.equals(clusterType);
  }
}
