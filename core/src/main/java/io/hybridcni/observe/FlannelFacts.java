package io.hybridcni.observe;

import java.util.Objects;

/**
 * Flannel's {@code kube-flannel-cfg} ConfigMap: where it was found and its {@code net-conf.json} as read
 * ({@code null} when the key is missing), plus the flannel DaemonSet when one was found.
 */
public record FlannelFacts(String namespace, String netConfJson, Workload daemonSet) {

  public FlannelFacts {
    Objects.requireNonNull(namespace, "namespace");
  }
}
