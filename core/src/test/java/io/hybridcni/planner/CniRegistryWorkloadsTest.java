package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.detect.CniDetector;
import io.hybridcni.detect.CniDetectors;
import io.hybridcni.detect.CniFactsKind;
import io.hybridcni.detect.KubeObject;
import io.hybridcni.detect.ObservedDaemonSet;
import io.hybridcni.detect.ObservedObjects;
import io.hybridcni.detect.OwnedWorkload;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.CniPart;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.status.Cni;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Walks {@link CniDetectors#ALL}: every DaemonSet a detector owns, once observed alone, reaches the planner's
 * workload list (where the exclusion and the image note look it up) and {@code status} (which lists its pods under
 * the detector's name), so a new CNI cannot silently drop out of either. The facts are built by the detector's own
 * facts kind from a cluster holding only that DaemonSet, as the observer builds them.
 */
class CniRegistryWorkloadsTest {

  @Test
  void everyDaemonSetADetectorOwnsReachesThePlannersWorkloadsAndStatusUnderTheDetectorsName() {
    int checked = 0;
    for (CniDetector detector : CniDetectors.ALL) {
      for (OwnedWorkload owned : detector.workloads()) {
        if (owned.object().kind() != KubeObject.Kind.DAEMON_SET) {
          continue;
        }
        WorkloadRef ref = WorkloadRef.daemonSet(owned.object().namespace(), owned.object().name());
        CniFacts cni = observedAlone(detector, ref);
        ObservedState state = ObservedState.builder().cni(cni).build();

        assertThat(Workloads.all(state)).as("%s's %s in the planner's workloads", detector.name(), ref)
            .extracting(Workload::ref).contains(ref);
        assertThat(Cni.daemonSets(cni)).as("%s's %s in status", detector.name(), ref)
            .containsEntry(ref, detector.facts().isPresent() ? Cni.of(detector.name()) : Cni.CALICO);
        checked++;
      }
    }
    // Guard against a vacuous pass: every registered DaemonSet (Calico's two, Canal's, Flannel's four, Cilium's).
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  @Test
  void aStatusLabelIsTheOwningDetectorsNameAndCalicoNodeForCalico() {
    CniFacts cni = observedAlone(detector("canal"), WorkloadRef.daemonSet("kube-system", "canal"));

    assertThat(Cni.daemonSets(cni).values()).extracting(Cni::label).containsExactly("canal");
    assertThat(Cni.CALICO.label()).isEqualTo("calico-node");
  }

  /** The facts of a cluster where only {@code ref} exists: the detector's kind builds them, or Calico's. */
  private static CniFacts observedAlone(CniDetector detector, WorkloadRef ref) {
    Workload workload = new Workload(ref, "1", Placement.ANYWHERE, List.of("example/" + ref.name() + ":v1"));
    if (detector.facts().isEmpty()) {
      return new CniFacts(new CalicoFacts(List.of(), null, Map.of(), workload, null), Map.of());
    }
    CniFactsKind<?> kind = detector.facts().get();
    ObservedObjects only = new ObservedObjects() {
      @Override
      public Map<String, String> configMapData(String namespace, String name) {
        return null;
      }

      @Override
      public ObservedDaemonSet daemonSet(String namespace, String name) {
        return ref.namespace().equals(namespace) && ref.name().equals(name)
            ? new ObservedDaemonSet(workload, List.of(), Map.of()) : null;
      }
    };
    CniPart part = kind.read(only);
    assertThat(part).as("%s's facts from %s alone", detector.name(), ref).isNotNull();
    return new CniFacts(null, Map.of(kind.key(), part));
  }

  private static CniDetector detector(String name) {
    return CniDetectors.ALL.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
  }
}
