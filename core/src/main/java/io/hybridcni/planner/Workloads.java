package io.hybridcni.planner;

import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Workload;
import java.util.ArrayList;
import java.util.List;

/** Every DaemonSet the observed state knows, for lookups by reference. */
final class Workloads {

  private Workloads() {}

  static List<Workload> all(ObservedState state) {
    List<Workload> result = new ArrayList<>();
    CniFacts cni = state.cni();
    if (cni.calico() != null && cni.calico().daemonSet() != null) {
      result.add(cni.calico().daemonSet());
    }
    if (cni.flannel() != null && cni.flannel().daemonSet() != null) {
      result.add(cni.flannel().daemonSet());
    }
    if (cni.cilium() != null && cni.cilium().daemonSet() != null) {
      result.add(cni.cilium().daemonSet());
    }
    if (state.terway() != null && state.terway().daemonSet() != null) {
      result.add(state.terway().daemonSet());
    }
    return result;
  }
}
