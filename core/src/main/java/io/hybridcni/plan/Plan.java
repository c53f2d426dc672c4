package io.hybridcni.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.hybridcni.observe.Frozen;
import io.hybridcni.spec.SpecDigest;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of planning: what it is for ({@code kind}), the cluster and the spec it was made for (the spec as a
 * {@link SpecDigest}), the scenario, findings (blockers first) and the ordered actions, whose
 * {@link Action#dependsOn()} edges say what must succeed first. The list order is one valid order of those
 * edges. A plan with blockers must not be applied; a plan without actions means the system has converged.
 * A {@link PlanKind#DESTROY} plan undoes what hybridcni manages ({@code Planner.planDestroy}); one without actions
 * means nothing hybridcni manages is left. A saved plan is executed only for its kind, cluster and spec.
 */
public record Plan(PlanKind kind, String clusterId, SpecDigest specDigest, ScenarioReport scenario,
    List<Finding> findings, List<Action> actions) {

  public Plan {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(specDigest, "specDigest");
    Objects.requireNonNull(scenario, "scenario");
    findings = Frozen.list(findings);
    actions = Frozen.list(actions);
  }

  /** Whether this is a {@link PlanKind#DESTROY} plan. */
  @JsonIgnore
  public boolean destroy() {
    return kind == PlanKind.DESTROY;
  }

  @JsonIgnore
  public boolean hasBlockers() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.BLOCKER);
  }

  @JsonIgnore
  public List<Finding> blockers() {
    return findings.stream().filter(f -> f.severity() == Severity.BLOCKER).toList();
  }

  /** True when there is nothing to do: no action and no blocker. */
  @JsonIgnore
  public boolean isEmpty() {
    return actions.isEmpty() && !hasBlockers();
  }

  /** The action with that id. */
  public Action action(String id) {
    return actions.stream().filter(a -> a.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no action " + id + " in this plan"));
  }

  @JsonIgnore
  public Summary summary() {
    int add = 0;
    int change = 0;
    int destroy = 0;
    for (Action a : actions) {
      switch (a.change()) {
        case CREATE -> add++;
        case UPDATE -> change++;
        case DELETE -> destroy++;
        case WAIT -> { }
      }
    }
    return new Summary(add, change, destroy, actions.size());
  }

  /** Counts for the closing line of a rendering; {@code total} includes waits. */
  public record Summary(int add, int change, int destroy, int total) {}

  @JsonIgnore
  public PlanOutcome outcome() {
    return PlanOutcome.of(this);
  }
}
