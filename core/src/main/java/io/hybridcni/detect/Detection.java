package io.hybridcni.detect;

import io.hybridcni.observe.Frozen;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ScenarioDetector} concluded: the scenario, the CNI it saw (e.g. {@code calico}, {@code flannel},
 * {@code cilium}; {@code null} when none), a one-line summary, the evidence it used in the order it used it,
 * the on-premises CNI workload to keep off cloud nodes (when there is one) and findings. An {@link
 * Scenario#UNKNOWN} detection always carries a blocker that asks the user to set {@code network.mode}.
 */
public record Detection(Scenario scenario, String cni, String summary, List<String> evidence,
    WorkloadRef cniWorkload, List<Finding> findings) {

  public Detection {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(summary, "summary");
    evidence = Frozen.list(evidence);
    findings = Frozen.list(findings);
  }
}
