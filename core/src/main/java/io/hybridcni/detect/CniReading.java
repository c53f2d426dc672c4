package io.hybridcni.detect;

import io.hybridcni.plan.Scenario;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;

/**
 * One CNI's reading: the scenario it points to, a summary, why it is undecided (only for
 * {@link Scenario#UNKNOWN}), the workload that runs it (only when observed), and a note to pass on.
 */
public record CniReading(String cni, Scenario scenario, String summary, String undecidedReason,
    WorkloadRef workload, Finding note) {

  CniReading(String cni, Scenario scenario, String summary, String undecidedReason, WorkloadRef workload) {
    this(cni, scenario, summary, undecidedReason, workload, null);
  }
}
