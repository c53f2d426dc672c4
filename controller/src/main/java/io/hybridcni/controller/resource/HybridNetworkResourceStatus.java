package io.hybridcni.controller.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code status} of a {@link HybridNetwork}, written by {@link HybridNetworkStatusWriter}: the conditions
 * ({@link ConditionType}), the generation of the spec they were judged from, the last plan's summary, the node health
 * counts of {@code hybridcni status} and the replica that wrote it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "scenario", "conditions", "lastPlan", "nodes", "leader"})
public class HybridNetworkResourceStatus {

  @JsonPropertyDescription("The metadata.generation of the spec the conditions were judged from.")
  private Long observedGeneration;
  @JsonPropertyDescription("The scenario of the last plan: OVERLAY, BGP, HOST_NETWORK or UNKNOWN.")
  private String scenario;
  @JsonPropertyDescription("Ready, Drifted, Blocked and Degraded, in the shape of metav1.Condition.")
  private List<Condition> conditions = new ArrayList<>();
  @JsonPropertyDescription("The last plan made or applied.")
  private LastPlan lastPlan;
  @JsonPropertyDescription("The node health of the running network, counted as hybridcni status reports it.")
  private NodeHealth nodes;
  @JsonPropertyDescription("The identity of the controller replica that wrote this status (the leader).")
  private String leader;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getScenario() {
    return scenario;
  }

  public void setScenario(String scenario) {
    this.scenario = scenario;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public LastPlan getLastPlan() {
    return lastPlan;
  }

  public void setLastPlan(LastPlan lastPlan) {
    this.lastPlan = lastPlan;
  }

  public NodeHealth getNodes() {
    return nodes;
  }

  public void setNodes(NodeHealth nodes) {
    this.nodes = nodes;
  }

  public String getLeader() {
    return leader;
  }

  public void setLeader(String leader) {
    this.leader = leader;
  }

  /** The condition of that type, or {@code null}. */
  public Condition condition(ConditionType type) {
    return conditions.stream().filter(c -> type.name().equals(c.getType())).findFirst().orElse(null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HybridNetworkResourceStatus other && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(scenario, other.scenario) && Objects.equals(conditions, other.conditions)
        && Objects.equals(lastPlan, other.lastPlan) && Objects.equals(nodes, other.nodes)
        && Objects.equals(leader, other.leader);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, scenario, conditions, lastPlan, nodes, leader);
  }

  /** The summary of a plan: counts, the kinds of its actions, its blockers' codes, when and for which spec. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"time", "specDigest", "add", "change", "destroy", "total", "actionKinds", "blockers"})
  public static class LastPlan {
    @JsonPropertyDescription("When the plan was made (RFC 3339).")
    private String time;
    @JsonPropertyDescription("The digest of the spec the plan was made from (sha256:...).")
    private String specDigest;
    @JsonPropertyDescription("Resources the plan creates.")
    private int add;
    @JsonPropertyDescription("Resources the plan changes.")
    private int change;
    @JsonPropertyDescription("Resources the plan destroys.")
    private int destroy;
    @JsonPropertyDescription("Every action, waits included.")
    private int total;
    @JsonPropertyDescription("The kinds of the plan's actions, in plan order, each once.")
    private List<String> actionKinds = new ArrayList<>();
    @JsonPropertyDescription("The codes of the plan's blockers.")
    private List<String> blockers = new ArrayList<>();

    public String getTime() {
      return time;
    }

    public void setTime(String time) {
      this.time = time;
    }

    public String getSpecDigest() {
      return specDigest;
    }

    public void setSpecDigest(String specDigest) {
      this.specDigest = specDigest;
    }

    public int getAdd() {
      return add;
    }

    public void setAdd(int add) {
      this.add = add;
    }

    public int getChange() {
      return change;
    }

    public void setChange(int change) {
      this.change = change;
    }

    public int getDestroy() {
      return destroy;
    }

    public void setDestroy(int destroy) {
      this.destroy = destroy;
    }

    public int getTotal() {
      return total;
    }

    public void setTotal(int total) {
      this.total = total;
    }

    public List<String> getActionKinds() {
      return actionKinds;
    }

    public void setActionKinds(List<String> actionKinds) {
      this.actionKinds = actionKinds == null ? new ArrayList<>() : actionKinds;
    }

    public List<String> getBlockers() {
      return blockers;
    }

    public void setBlockers(List<String> blockers) {
      this.blockers = blockers == null ? new ArrayList<>() : blockers;
    }

    /** Everything but the time: two plans alike in all of it are the same plan made again. */
    boolean sameAs(LastPlan other) {
      return other != null && Objects.equals(specDigest, other.specDigest) && add == other.add
          && change == other.change && destroy == other.destroy && total == other.total
          && actionKinds.equals(other.actionKinds) && blockers.equals(other.blockers);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LastPlan other && sameAs(other) && Objects.equals(time, other.time);
    }

    @Override
    public int hashCode() {
      return Objects.hash(time, specDigest, add, change, destroy, total, actionKinds, blockers);
    }
  }

  /** The node health counts of {@code hybridcni status}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"total", "cloud", "onPremises", "withProblems", "healthy", "problems"})
  public static class NodeHealth {
    @JsonPropertyDescription("Every node.")
    private int total;
    @JsonPropertyDescription("The nodes that count as cloud nodes (the cloud label and an ECS providerID).")
    private int cloud;
    @JsonPropertyDescription("The other nodes.")
    private int onPremises;
    @JsonPropertyDescription("The nodes with a problem.")
    private int withProblems;
    @JsonPropertyDescription("Whether nothing is wrong: no warning and no blocker.")
    private boolean healthy;
    @JsonPropertyDescription("The codes of the problems found, each once.")
    private List<String> problems = new ArrayList<>();

    public int getTotal() {
      return total;
    }

    public void setTotal(int total) {
      this.total = total;
    }

    public int getCloud() {
      return cloud;
    }

    public void setCloud(int cloud) {
      this.cloud = cloud;
    }

    public int getOnPremises() {
      return onPremises;
    }

    public void setOnPremises(int onPremises) {
      this.onPremises = onPremises;
    }

    public int getWithProblems() {
      return withProblems;
    }

    public void setWithProblems(int withProblems) {
      this.withProblems = withProblems;
    }

    public boolean isHealthy() {
      return healthy;
    }

    public void setHealthy(boolean healthy) {
      this.healthy = healthy;
    }

    public List<String> getProblems() {
      return problems;
    }

    public void setProblems(List<String> problems) {
      this.problems = problems == null ? new ArrayList<>() : problems;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NodeHealth other && total == other.total && cloud == other.cloud
          && onPremises == other.onPremises && withProblems == other.withProblems && healthy == other.healthy
          && problems.equals(other.problems);
    }

    @Override
    public int hashCode() {
      return Objects.hash(total, cloud, onPremises, withProblems, healthy, problems);
    }
  }
}
