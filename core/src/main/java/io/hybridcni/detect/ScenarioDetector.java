package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides the runbook scenario from the on-premises CNI signals of an {@link ObservedState}: the walk of
 * {@link CniDetectors#ALL}, each detector adding its reading. Pure: no I/O.
 * Where the signals do not decide (Calico CrossSubnet, Flannel host-gw, Cilium native routing, settings whose
 * meaning depends on a version that is not known, two CNIs at once, no CNI at all) the answer is
 * {@link Scenario#UNKNOWN} with a blocker asking the user to set the mode: never a guess. For the same reason the
 * detection names no CNI workload it has not observed.
 */
public final class ScenarioDetector {

  public static final String UNDECIDED = "SCENARIO_UNDECIDED";
  static final String SET_MODE =
      " Set network.mode in the spec to OVERLAY, BGP or HOST_NETWORK to say which scenario applies.";

  public Detection detect(ObservedState state) {
    List<String> evidence = new ArrayList<>();
    List<CniReading> readings = new ArrayList<>();
    for (CniDetector detector : CniDetectors.ALL) {
      detector.read(state.cni(), evidence).ifPresent(readings::add);
    }
    if (readings.isEmpty()) {
      return undecided(null, "no CNI found",
          noCni(state.cni()) + " If on-premises pods use the host network, set network.mode: HOST_NETWORK.", evidence,
          null);
    }
    if (readings.size() > 1) {
      List<String> names = readings.stream().map(r -> r.cni() + " (" + r.summary() + ")").toList();
      return undecided(String.join("+", readings.stream().map(CniReading::cni).toList()),
          "more than one CNI: " + String.join(", ", names),
          "More than one CNI configures pod networking: " + String.join(", ", names) + "." + SET_MODE, evidence,
          null);
    }
    CniReading r = readings.get(0);
    if (r.scenario() == Scenario.UNKNOWN) {
      return undecided(r.cni(), r.summary(), r.undecidedReason() + SET_MODE, evidence, r.workload());
    }
    return new Detection(r.scenario(), r.cni(), r.summary(), evidence, r.workload(),
        r.note() == null ? List.of() : List.of(r.note()));
  }

  /**
   * Why no CNI decides, naming the CNIs of the registry (by their facts: Canal's are Flannel's): none left a trace,
   * or those that did carry no pod traffic (Calico policy-only; a CNI whose reading said so in the evidence).
   */
  static String noCni(CniFacts cni) {
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    if (cni.calico() != null) {
      present.add("Calico runs policy-only");
    } else {
      absent.add(display(CniFacts.CALICO));
    }
    for (CniFactsKind<?> kind : CniDetectors.factsKinds()) {
      if (cni.parts().containsKey(kind.key())) {
        present.add(display(kind.key()) + " carries no pod traffic");
      } else {
        absent.add(display(kind.key()));
      }
    }
    if (present.isEmpty()) {
      return "No on-premises CNI was found (no " + or(absent) + " configuration).";
    }
    return "No on-premises CNI carries pod traffic (" + String.join(", ", present)
        + (absent.isEmpty() ? "" : " and no " + or(absent) + " was found") + ").";
  }

  private static String display(String key) {
    return key.substring(0, 1).toUpperCase(Locale.ROOT) + key.substring(1);
  }

  /** {@code a}, {@code a or b}, {@code a, b or c}. */
  private static String or(List<String> names) {
    return names.size() == 1 ? names.get(0)
        : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
  }

  private static Detection undecided(String cni, String what, String message, List<String> evidence,
      WorkloadRef workload) {
    return new Detection(Scenario.UNKNOWN, cni, "undecided: " + what, evidence, workload,
        List.of(Finding.blocker(UNDECIDED, message, evidence)));
  }

  /** Major and minor of a version such as {@code v1.15.3} or {@code 1.13.0-rc1}, or {@code null}. */
  static int[] parseVersion(String version) {
    return CiliumDetector.parseVersion(version);
  }
}
