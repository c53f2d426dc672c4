package io.hybridcni.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of planning: the scenario, findings (blockers first) and the ordered actions, whose
 * {@link Action#dependsOn()} edges say what must succeed first. The list order is one valid order of those
 * edges. A plan with blockers must not be applied; a plan without actions means the system has converged.
 * {@code destroy} marks a plan that undoes what hybridcni manages ({@code Planner.planDestroy}); a destroy plan
 * without actions means nothing hybridcni manages is left. The JSON form carries {@code destroy} only when true.
 */
public record Plan(String clusterId, ScenarioReport scenario, List<Finding> findings, List<Action> actions,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean destroy) {

  public Plan {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(scenario, "scenario");
    findings = Frozen.list(findings);
    actions = Frozen.list(actions);
  }

  /** A plan that takes the system to its spec (not a destroy plan). */
  public Plan(String clusterId, ScenarioReport scenario, List<Finding> findings, List<Action> actions) {
    this(clusterId, scenario, findings, actions, false);
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
