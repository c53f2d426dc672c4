package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * Every DaemonSet the observed state knows, for lookups by reference: the CNIs' ({@code CniFacts#workloads()}, so
 * a new CNI's come without a line here), then Terway's.
 */
final class Workloads {

  private Workloads() {}

  static List<Workload> all(ObservedState state) {
    List<Workload> result = new ArrayList<>(state.cni().workloads());
    if (state.terway() != null && state.terway().daemonSet() != null) {
      result.add(state.terway().daemonSet());
    }
    return result;
  }
}
