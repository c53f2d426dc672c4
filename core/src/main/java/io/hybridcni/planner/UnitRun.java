package io.hybridcni.planner;

import io.hybridcni.detect.Detection;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What the units of one planning run share: the spec, the observed state, and the findings and drafts made so far,
 * in planning order (a tie in the order of actions keeps it, and findings of one severity keep theirs).
 */
abstract class UnitRun {
  final HybridNetworkSpec spec;
  final ObservedState s;
  final NodeClassifier nodes;
  final List<Finding> findings = new ArrayList<>();
  final List<Draft> drafts = new ArrayList<>();
  private NodeCensus census;

  private UnitRun(HybridNetworkSpec spec, ObservedState observed) {
    this(spec, observed, new NodeClassifier(spec.cloudNodeLabel()), null);
  }

  private UnitRun(HybridNetworkSpec spec, ObservedState observed, NodeClassifier nodes, NodeCensus census) {
    this.spec = spec;
    this.s = observed;
    this.nodes = nodes;
    this.census = census;
  }

  /** The observed nodes read once for this run (the first call reads them). */
  NodeCensus census() {
    if (census == null) {
      census = NodeCensus.of(s, nodes, false);
    }
    return census;
  }

  Draft add(Draft draft) {
    drafts.add(draft);
    return draft;
  }

  /** The drafts of {@code kind} planned so far. */
  List<Draft> planned(ActionKind kind) {
    return drafts.stream().filter(d -> d.kind == kind).toList();
  }

  /** A run of {@link Planner#plan} in a scenario that installs Terway (BGP or host network). */
  static final class Forward extends UnitRun {
    final Detection detection;
    /** The key of someone else's RAM identity the spec's Secret holds, or {@code null}. */
    final SecretAdoption adoption;
    /** Whether the on-premises CNI must be kept off cloud nodes (BGP). */
    final boolean excludeCni;

    Forward(HybridNetworkSpec spec, ObservedState observed, Detection detection, boolean excludeCni,
        NodeClassifier nodes, NodeCensus census) {
      super(spec, observed, nodes, census);
      this.detection = detection;
      this.adoption = SecretAdoption.of(spec, observed);
      this.excludeCni = excludeCni;
    }
  }

  /**
   * A run of {@link Planner#planDestroy}, with what of RAM is hybridcni's: a user whose key hybridcni adopted is
   * not (its keys and the user stay, only the policy is detached), and neither is a user of the spec's name whose
   * comments do not say hybridcni created it.
   */
  static final class Destroy extends UnitRun {
    final SecretAdoption adoption;
    /** The user the policy is attached to: the spec's, or the one whose key was adopted. */
    final String userName;
    /** That user as observed, or {@code null}. */
    final RamFacts.User user;
    /** Whether hybridcni created that user, so that its keys and the user itself are deleted. */
    final boolean ours;

    Destroy(HybridNetworkSpec spec, ObservedState observed) {
      super(spec, observed);
      this.adoption = SecretAdoption.ofRamUser(spec, observed);
      this.userName = adoption != null ? adoption.userName() : spec.ramUserName();
      RamFacts ram = observed.ram();
      this.user = ram.user() != null && ram.user().name().equals(userName) ? ram.user() : null;
      this.ours = adoption == null && user != null && user.createdByHybridCni();
    }
  }
}
