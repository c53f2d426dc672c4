package io.hybridcni.planner;

import io.hybridcni.detect.Detection;
import io.hybridcni.detect.ScenarioDetector;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.spec.SpecDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One run of {@link Planner#planDestroy}: the walk of {@link ResourceGraph} backwards. The addon, which everything
 * else was a prerequisite of, goes first; then the exclusion and the Secret; the AccessKeys after the Secret that
 * holds one of them; the policy after it is detached; the user after its keys and the attachment. Every action is
 * a {@link ChangeType#DELETE} (waits are {@link ChangeType#WAIT}), and nothing that is already gone is planned.
 */
final class DestroyPlanner {

  private final ScenarioDetector detector;
  private final HybridNetworkSpec spec;
  private final ObservedState s;

  DestroyPlanner(ScenarioDetector detector, HybridNetworkSpec spec, ObservedState observed) {
    this.detector = detector;
    this.spec = spec;
    this.s = observed;
  }

  Plan plan() {
    ScenarioReport report = report(detector.detect(s));
    UnitRun.Destroy run = new UnitRun.Destroy(spec, s);
    ResourceGraph.planDestroy(run);
    List<Finding> findings = new ArrayList<>(run.findings);
    if (!run.drafts.isEmpty()) {
      // Deleting is writing: the cluster must be cluster.id, as for apply.
      findings.addAll(ClusterChecks.identity(spec, s));
      findings.addAll(ClusterChecks.region(spec, s.cluster()));
    }
    findings.sort(Comparator.comparing(Finding::severity));
    return new Plan(PlanKind.DESTROY, spec.clusterId(), SpecDigest.of(spec), report, findings,
        Planner.finish(run.drafts, s, spec));
  }

  /** The scenario as {@link Planner#plan} would report it; destroy does not depend on it. */
  private ScenarioReport report(Detection detection) {
    if (spec.mode() == NetworkMode.AUTO) {
      return new ScenarioReport(detection.scenario(), "detected", detection.summary(), detection.evidence());
    }
    return new ScenarioReport(Scenario.valueOf(spec.mode().name()), "spec", spec.mode() + " (set in the spec)",
        detection.evidence());
  }
}
