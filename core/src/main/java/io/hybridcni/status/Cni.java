package io.hybridcni.status;

import com.fasterxml.jackson.annotation.JsonValue;
import io.hybridcni.detect.CniDetectors;
import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.CniPart;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A CNI whose pods status looks at, by the DaemonSet that runs them: calico-node, Terway (the CNI of cloud nodes),
 * or the on-premises CNI whose detector owns the DaemonSet ({@code canal}, {@code flannel}, {@code cilium}, ...),
 * so that a new CNI's pods show without a line here.
 *
 * @param name the name machine-readable status writes, upper case ({@code CALICO}, {@code CANAL}, ...)
 */
public record Cni(@JsonValue String name) {

  /** calico-node (manifest or operator install). */
  public static final Cni CALICO = new Cni("CALICO");
  /** Terway, the CNI of cloud nodes. */
  public static final Cni TERWAY = new Cni("TERWAY");

  public Cni {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || !name.equals(name.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException("a CNI name is upper case and not empty, found \"" + name + "\"");
    }
  }

  /** The CNI a detector or a facts key names, e.g. {@code canal}. */
  public static Cni of(String detectorName) {
    return new Cni(detectorName.toUpperCase(Locale.ROOT));
  }

  /** The name people read: {@code calico-node}, {@code canal}, {@code flannel}, {@code cilium}, {@code terway}. */
  public String label() {
    return equals(CALICO) ? "calico-node" : name.toLowerCase(Locale.ROOT);
  }

  /** The upper-case name, as the enum this replaces printed itself. */
  @Override
  public String toString() {
    return name;
  }

  /**
   * The on-premises CNI DaemonSets the observation found, each once, with the CNI each runs: every other CNI's
   * workloads first, named by the detector that owns the DaemonSet (else by their facts' key), then calico-node's
   * when it is not one of those (Canal's DaemonSet runs both Calico and Flannel, and shows as Canal).
   */
  public static Map<WorkloadRef, Cni> daemonSets(CniFacts cni) {
    Map<WorkloadRef, Cni> found = new LinkedHashMap<>();
    for (Map.Entry<String, CniPart> part : cni.parts().entrySet()) {
      for (Workload w : part.getValue().workloads()) {
        if (w.ref().kind() == WorkloadRef.Kind.DAEMON_SET) {
          found.putIfAbsent(w.ref(), of(CniDetectors.owner(w.ref()).orElse(part.getKey())));
        }
      }
    }
    if (cni.calico() != null && cni.calico().daemonSet() != null) {
      found.putIfAbsent(cni.calico().daemonSet().ref(), CALICO);
    }
    return found;
  }
}
