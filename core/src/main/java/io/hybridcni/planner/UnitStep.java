package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.List;

/**
 * What one unit's planning step works on: the run it adds its drafts to, and the spec, observed state, node
 * classifier and findings of that run. Each unit's forward and destroy planning extends it instead of copying the
 * run's parts into fields of its own.
 */
abstract class UnitStep {
  final UnitRun run;
  final HybridNetworkSpec spec;
  final ObservedState s;
  final NodeClassifier nodes;
  final List<Finding> findings;

  UnitStep(UnitRun run) {
    this.run = run;
    this.spec = run.spec;
    this.s = run.s;
    this.nodes = run.nodes;
    this.findings = run.findings;
  }

  Draft add(Draft draft) {
    return run.add(draft);
  }
}
