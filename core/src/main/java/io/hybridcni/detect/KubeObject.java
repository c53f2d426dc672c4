package io.hybridcni.detect;

import java.util.Objects;

/**
 * One Kubernetes object a CNI detector reads, by kind, namespace and name, so that an observer can read every
 * candidate at once before anything is decided. {@link Kind#IP_POOLS} is the cluster-wide list of Calico IPPools
 * (no namespace, no name).
 *
 * @param namespace {@code null} for cluster-scoped objects
 * @param name {@code null} for a list
 */
public record KubeObject(Kind kind, String namespace, String name) {

  /** What is read. */
  public enum Kind {
    CONFIG_MAP, DAEMON_SET, TIGERA_INSTALLATION, IP_POOLS
  }

  public KubeObject {
    Objects.requireNonNull(kind, "kind");
  }

  public static KubeObject configMap(String namespace, String name) {
    return new KubeObject(Kind.CONFIG_MAP, namespace, name);
  }

  public static KubeObject daemonSet(String namespace, String name) {
    return new KubeObject(Kind.DAEMON_SET, namespace, name);
  }

  public static KubeObject tigeraInstallation(String name) {
    return new KubeObject(Kind.TIGERA_INSTALLATION, null, name);
  }

  /** Every Calico IPPool ({@code crd.projectcalico.org/v1}). */
  public static KubeObject ipPools() {
    return new KubeObject(Kind.IP_POOLS, null, null);
  }
}
