package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * A workload whose placement hybridcni reads or changes: a DaemonSet, or the Tigera operator's
 * {@code Installation} (cluster-scoped, so its namespace is {@code null}).
 */
public record WorkloadRef(Kind kind, String namespace, String name) {

  /** What kind of object holds the placement. */
  public enum Kind {
    DAEMON_SET,
    TIGERA_INSTALLATION
  }

  public WorkloadRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (kind == Kind.DAEMON_SET && (namespace == null || namespace.isEmpty())) {
      throw new IllegalArgumentException("a DaemonSet reference needs a namespace: " + name);
    }
  }

  public static WorkloadRef daemonSet(String namespace, String name) {
    return new WorkloadRef(Kind.DAEMON_SET, namespace, name);
  }

  public static WorkloadRef tigeraInstallation(String name) {
    return new WorkloadRef(Kind.TIGERA_INSTALLATION, null, name);
  }

  /** A stable, human-readable address such as {@code kube-system/DaemonSet/calico-node}. */
  @JsonIgnore
  public String address() {
    return kind == Kind.DAEMON_SET
        ? namespace + "/DaemonSet/" + name
        : "installations.operator.tigera.io/" + name;
  }

  /** The field path, inside the object, of the required node selector terms. */
  @JsonIgnore
  public String termsFieldPath() {
    String podSpec = kind == Kind.DAEMON_SET
        ? "spec.template.spec"
        : "spec.calicoNodeDaemonSet.spec.template.spec";
    return podSpec + ".affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
  }

  @Override
  public String toString() {
    return address();
  }
}
