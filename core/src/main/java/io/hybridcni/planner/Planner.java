package io.hybridcni.planner;

import io.hybridcni.detect.Detection;
import io.hybridcni.detect.ScenarioDetector;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeMatcher;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.Workload;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Fingerprint;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.plan.Severity;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.spec.NodeLabel;
import io.hybridcni.spec.SpecDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the {@link Plan} that takes the observed state to the spec. Pure and deterministic: the same spec and
 * state always give an equal plan; no clock, no I/O. Every action is already-satisfied-aware, so a converged
 * state yields a plan without actions.
 *
 * <p>The planner is the assembly: it decides the scenario, makes the checks that concern no single resource (the
 * cluster's identity and type, Terway's placement, cloud nodes), and walks {@link ResourceGraph}, whose units plan
 * each managed resource; then it orders and fingerprints the actions they drafted ({@link #finish}).
 */
public final class Planner {

  /** RAM's limit on versions of one custom policy. */
  public static final int MAX_POLICY_VERSIONS = 5;
  /** RAM's limit on AccessKeys of one user. */
  public static final int MAX_ACCESS_KEYS = 2;
  /** The node selector of the ACK {@code terway-eniip} addon on registered clusters. */
  public static final NodeLabel TERWAY_ADDON_NODE_SELECTOR = NodeLabel.ALIBABA_CLOUD_EXTERNAL;

  static final String ACCESS_KEY_ID = "access-key-id";
  static final String ACCESS_KEY_SECRET = "access-key-secret";

  private final ScenarioDetector detector = new ScenarioDetector();

  /** The scenario a plan of {@code spec} is made for: {@code network.mode}, or the detected one when AUTO. */
  public static Scenario scenario(HybridNetworkSpec spec, ObservedState state) {
    return spec.mode() == NetworkMode.AUTO ? new ScenarioDetector().detect(state).scenario()
        : Scenario.valueOf(spec.mode().name());
  }

  /** Plans the changes that take {@code observed} to {@code spec}. */
  public Plan plan(HybridNetworkSpec spec, ObservedState observed) {
    return new Run(spec, observed).plan();
  }

  /**
   * Plans the actions that undo what hybridcni manages for {@code spec} in {@code observed}, in reverse dependency
   * order: uninstall the addon and wait until it is gone; remove the exclusion hybridcni added to the on-premises
   * CNI's node affinity and delete the Secret; delete the user's AccessKeys; detach the policy; delete the policy
   * and the user. Only what is hybridcni's is planned (the Secret by its {@code managed-by} label, the RAM user by
   * its comments, the policy and user by the spec's names); anything else found in its place is a
   * {@code NOT_MANAGED_BY_HYBRIDCNI} blocker. What is already gone yields no action, so the destroy plan of a
   * destroyed cluster has none. A Secret whose key hybridcni adopted ({@link SecretAdoption}) is kept, with that
   * key and its RAM user; only the spec's policy is detached from that user. Pure and deterministic, like
   * {@link #plan}.
   */
  public Plan planDestroy(HybridNetworkSpec spec, ObservedState observed) {
    return new DestroyPlanner(detector, spec, observed).plan();
  }

  /** The state of one planning run. */
  private final class Run {
    private final HybridNetworkSpec spec;
    private final ObservedState s;
    private final NodeClassifier nodes;
    private final List<Finding> findings = new ArrayList<>();
    private final List<Draft> drafts = new ArrayList<>();
    private NodeCensus census;

    Run(HybridNetworkSpec spec, ObservedState observed) {
      this.spec = spec;
      this.s = observed;
      this.nodes = new NodeClassifier(spec.cloudNodeLabel());
    }

    /** The observed nodes read once for this plan (the first call reads them). */
    private NodeCensus census() {
      if (census == null) {
        census = NodeCensus.of(s, nodes, false);
      }
      return census;
    }

    Plan plan() {
      Detection detection = detector.detect(s);
      Scenario scenario;
      String source;
      if (spec.mode() == NetworkMode.AUTO) {
        scenario = detection.scenario();
        source = "detected";
        findings.addAll(detection.findings());
      } else {
        scenario = Scenario.valueOf(spec.mode().name());
        source = "spec";
        if (detection.scenario() != Scenario.UNKNOWN && detection.scenario() != scenario) {
          findings.add(Finding.warning("MODE_DIFFERS_FROM_DETECTION",
              "The spec sets network.mode " + spec.mode() + " but the cluster looks like " + detection.summary()
                  + "; planning for " + spec.mode() + " as the spec says.", detection.evidence()));
        }
      }
      ScenarioReport report = new ScenarioReport(scenario, source,
          source.equals("spec") ? spec.mode() + " (set in the spec)" : detection.summary(), detection.evidence());
      // Whatever the scenario, and even when it writes nothing, a plan says when it is for the wrong cluster.
      findings.addAll(ClusterChecks.identity(spec, s));
      switch (scenario) {
        case OVERLAY -> planOverlay(detection);
        case BGP -> planTerwayScenario(detection, true);
        case HOST_NETWORK -> planTerwayScenario(detection, false);
        case UNKNOWN -> { }
      }
      return new Plan(PlanKind.APPLY, spec.clusterId(), SpecDigest.of(spec), report, sortFindings(), finishActions());
    }

    // ---- overlay --------------------------------------------------------------------------------------------

    private void planOverlay(Detection detection) {
      findings.add(Finding.note("OVERLAY_NOTHING_TO_INSTALL", "The on-premises network is "
          + (detection.scenario() == Scenario.OVERLAY ? detection.summary() : "an overlay (set in the spec)")
          + ": cloud nodes join the same overlay, so no RAM grant, Secret or Terway is needed.",
          detection.evidence()));
      List<String> images = new ArrayList<>();
      for (Workload w : Workloads.all(s)) {
        if (detection.cniWorkload() == null || w.ref().equals(detection.cniWorkload())) {
          images.addAll(w.images());
        }
      }
      findings.add(Finding.note("CLOUD_NODES_MUST_PULL_CNI_IMAGES",
          "Cloud nodes run the on-premises CNI DaemonSet too: they must be able to pull its images (mirror them "
              + "to a registry the VPC reaches if the on-premises registry is not reachable).",
          images.stream().map(i -> "image " + i).toList()));
      warnWithoutCloudNodes();
    }

    // ---- BGP and host network -------------------------------------------------------------------------------

    private void planTerwayScenario(Detection detection, boolean excludeCni) {
      // Read before the checks and units that ask of every node; with the label columns in the same pass when the
      // CNI exclusion is likely to be planned, since that matches Calico's new placement against every node (when
      // it is not after all, the columns are read at the first call, if any).
      census = NodeCensus.of(s, nodes, excludeCni && CniExclusionUnit.missingFromCalico(s, spec.cloudNodeLabel()));
      checkCluster();
      findings.addAll(ClusterChecks.secretLocation(spec, s.secretNamespace()));
      warnWithoutCloudNodes();
      checkTerwayPlacement();
      UnitRun.Forward run = new UnitRun.Forward(spec, s, detection, excludeCni, nodes, census());
      ResourceGraph.planForward(run);
      findings.addAll(run.findings);
      drafts.addAll(run.drafts);
    }

    private void checkCluster() {
      ClusterFacts cluster = s.cluster();
      if (cluster == null || !cluster.clusterId().equals(spec.clusterId())) {
        findings.add(Finding.blocker("CLUSTER_NOT_FOUND", "Cluster " + spec.clusterId()
            + " was not found in ACK; the addon cannot be installed.", List.of()));
        return;
      }
      if (!cluster.registered()) {
        findings.add(Finding.blocker("NOT_A_REGISTERED_CLUSTER", "Cluster " + cluster.clusterId() + " is of type "
            + cluster.clusterType() + ", not a registered cluster (" + ClusterFacts.REGISTERED_TYPE + "); this "
            + "runbook applies to ACK One registered clusters only.",
            List.of("cluster_type=" + cluster.clusterType())));
      }
      findings.addAll(ClusterChecks.region(spec, cluster));
      if (cluster.state() != null && !"running".equals(cluster.state())) {
        findings.add(Finding.warning("CLUSTER_NOT_RUNNING", "Cluster " + cluster.clusterId() + " is in state "
            + cluster.state() + "; addon operations may fail until it is running.",
            List.of("state=" + cluster.state())));
      }
    }

    private void warnWithoutCloudNodes() {
      // An overlay plan needs nothing else of the nodes: the first labelled node ends the search.
      if (census != null ? !census.anyLabelledCloud() : s.nodes().stream().noneMatch(nodes::labelledCloud)) {
        findings.add(Finding.warning("NO_CLOUD_NODES", "No node carries the cloud-node label "
            + spec.cloudNodeLabel() + " yet; the plan is safe, but nothing will run on cloud nodes until a node "
            + "pool is scaled out.", List.of(s.nodes().size() + " node(s) observed")));
      }
    }

    private void checkTerwayPlacement() {
      Placement placement;
      String origin;
      if (s.terway() != null && s.terway().daemonSet() != null) {
        placement = s.terway().daemonSet().placement();
        origin = "the Terway DaemonSet " + s.terway().daemonSet().ref().address();
      } else {
        placement = Placement.nodeSelector(Map.of(TERWAY_ADDON_NODE_SELECTOR.key(),
            TERWAY_ADDON_NODE_SELECTOR.value()));
        origin = "the " + spec.addonName() + " addon's nodeSelector " + TERWAY_ADDON_NODE_SELECTOR;
      }
      NodeMatcher allowed = placement.matcher();
      NodeCensus census = census();
      // The addon's nodeSelector is the cloud label itself unless the spec names another: the census has the answer.
      boolean cloudLabelOnly = allowed.isExactly(census.cloudLabel().key(), census.cloudLabel().value());
      NodeMatcher.Bound bound = cloudLabelOnly ? null : allowed.bind(census.labels());
      List<NodeInfo> onPremises = new ArrayList<>();
      for (int i = 0, size = census.size(); i < size; i++) {
        if (census.cloud(i)) {
          continue;
        }
        if (census.runsTerway(i) || (cloudLabelOnly ? census.labelledCloud(i) : bound.allows(i))) {
          onPremises.add(census.node(i));
        }
      }
      if (!onPremises.isEmpty()) {
        findings.add(Finding.blocker("TERWAY_ON_PREMISES", "Terway would run on on-premises nodes (placement of "
            + origin + "); Terway must run on cloud nodes only. Fix the node labels or Terway's placement.",
            NodeNames.evidence(onPremises, n -> (allowed.allows(n) ? "Terway may schedule onto " : "Terway runs on ")
                + nodes.describe(n))));
      }
    }

    // ---- assembly -------------------------------------------------------------------------------------------

    private List<Finding> sortFindings() {
      List<Finding> sorted = new ArrayList<>(findings);
      sorted.sort(Comparator.comparing(Finding::severity));
      return sorted;
    }

    private List<Action> finishActions() {
      return finish(drafts, s, spec, census);
    }
  }

  /**
   * Orders actions by their edges (stable: ties keep planning order) and fingerprints each with the facts it
   * read that no earlier action writes, since those are the facts that must still hold when it runs.
   */
  static List<Action> finish(List<Draft> drafts, ObservedState s, HybridNetworkSpec spec) {
    return finish(drafts, s, spec, null);
  }

  /** As {@link #finish(List, ObservedState, HybridNetworkSpec)}, with the plan's nodes already read, if they were. */
  static List<Action> finish(List<Draft> drafts, ObservedState s, HybridNetworkSpec spec, NodeCensus census) {
    List<Draft> ordered = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    while (ordered.size() < drafts.size()) {
      Draft next = drafts.stream().filter(d -> !placed.contains(d.id) && placed.containsAll(d.dependsOn))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("actions with unplaceable dependencies: " + drafts.stream()
              .filter(d -> !placed.contains(d.id)).map(d -> d.id + " -> " + d.dependsOn).toList()));
      ordered.add(next);
      placed.add(next.id);
    }
    List<Action> actions = new ArrayList<>();
    Set<String> written = new HashSet<>();
    for (Draft d : ordered) {
      Set<String> relied = new LinkedHashSet<>(ResourceGraph.reads(d.detail, spec));
      relied.removeAll(written);
      Fingerprint fingerprint = Fingerprint.of(new TreeMap<>(Facts.read(relied, s, census)));
      actions.add(new Action(d.id, d.kind, d.change, d.address, d.reason, List.copyOf(d.dependsOn), d.changes,
          d.detail, fingerprint));
      written.addAll(ResourceGraph.writes(d.detail));
    }
    return actions;
  }

  static boolean isBlocking(Finding f) {
    return f.severity() == Severity.BLOCKER;
  }

  /** A {@code kubectl -l} selector as one shell word: quoted when it holds anything but name characters. */
  static String shellQuoted(String selector) {
    return selector.matches("[A-Za-z0-9._/=,-]+") ? selector : "'" + selector.replace("'", "'\\''") + "'";
  }
}
