package io.hybridcni.planner;

import io.hybridcni.detect.Detection;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeMatcher;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The exclusion of cloud nodes from the on-premises CNI in BGP mode: {@code <label> NotIn [<value>]} in every
 * required node selector term of Calico's DaemonSet, or of the Tigera Installation the operator renders it from
 * ({@link CniExclusion} holds the term rules); what the change restarts is planned with it. Destroy takes the
 * requirement out again. Reads the workload named by the spec or detected, its placement, update strategy and
 * pod selector, the nodes (labels, where Calico runs) and the tools that sync the DaemonSet's manifest.
 */
final class CniExclusionUnit implements ResourceUnit {

  @Override
  public List<DetailRules<?>> details() {
    return List.of(
        new DetailRules<>(ActionDetail.CniExclusion.class,
            (d, spec) -> Set.of(Facts.workload(d.target()), Facts.nodesLabelled(d.labelKey(), d.labelValue())),
            d -> writes(d.target()),
            (d, state, keys) -> withCalicoPlacement(state, d.target(), d.after())),
        new DetailRules<>(ActionDetail.CniExclusionRemoval.class,
            (d, spec) -> reads(d.target(), d.labelKey(), d.labelValue()),
            d -> writes(d.target()),
            (d, state, keys) -> withCalicoPlacement(state, d.target(), d.after())));
  }

  /*
   * What the exclusion relies on: the placement it rewrites and which nodes carry the cloud label (the nodes whose
   * calico pods an OnDelete rollout deletes). Not where Calico runs now: the write does not depend on it, and the
   * one thing that does, that no node looking on-premises loses Calico, is judged again by the executor right
   * before every write, against the nodes as they are then (reading calico-node's pods only when some node the new
   * placement excludes is not a cloud instance). Naming it would make a saved plan stale whenever a node joined or a
   * calico pod came or went, and cost every apply a listing of calico-node's pods and of every calico DaemonSet
   * that could hold them. The removal keeps it: its safety text names where Calico runs.
   */

  private static Set<String> reads(WorkloadRef target, String labelKey, String labelValue) {
    return Set.of(Facts.workload(target), Facts.nodesLabelled(labelKey, labelValue), Facts.nodesRunningCalico());
  }

  private static Set<String> writes(WorkloadRef target) {
    return Set.of(Facts.workload(target), Facts.nodesRunningCalico());
  }

  @Override
  public List<Draft> plan(UnitRun.Forward run, List<Draft> after) {
    if (!run.excludeCni) {
      return List.of();
    }
    Draft d = new Forward(run).planCniExclusion(run.detection);
    if (d != null) {
      d.dependOnAll(after);
    }
    run.findings.add(Finding.note("BGP_PEERING_OUTSIDE_SCOPE", "Cloud pods are routed through the VBR: BGP "
        + "peering between the on-premises routers and the VBR is outside hybridcni's scope; check it "
        + "before moving workloads.", List.of()));
    return d == null ? List.of() : List.of(d);
  }

  @Override
  public List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after) {
    Draft d = new Destroy(run).planExclusionRemoval(after);
    return d == null ? List.of() : List.of(d);
  }

  /**
   * Whether some observed Calico placement (its DaemonSet's, its Tigera Installation's) lacks the exclusion of
   * {@code label}: then a forward plan in BGP mode is likely to plan it.
   */
  static boolean missingFromCalico(ObservedState state, NodeLabel label) {
    CalicoFacts calico = state.cni().calico();
    if (calico == null) {
      return false;
    }
    List<Placement> placements = new ArrayList<>();
    if (calico.daemonSet() != null) {
      placements.add(calico.daemonSet().placement());
    }
    if (calico.installation() != null) {
      placements.add(calico.installation().calicoNodePlacement());
    }
    for (Placement p : placements) {
      if (!CniExclusion.exclude(p.requiredTerms(), label).equals(p.requiredTerms())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Calico's placement with these required terms, rolled out: nodes it no longer allows lose Calico, nodes it now
   * allows (and did not before) gain it.
   */
  private static ObservedState withCalicoPlacement(ObservedState state, WorkloadRef target,
      List<NodeSelectorTerm> terms) {
    CalicoFacts calico = state.cni().calico();
    Placement before = null;
    Placement placement = null;
    ObservedState.Builder b = state.toBuilder();
    if (target.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION && calico != null
        && calico.installation() != null) {
      before = calico.installation().calicoNodePlacement();
      placement = before.withRequiredTerms(terms);
      CalicoFacts updated = calico.withInstallation(calico.installation().withCalicoNodePlacement(placement));
      // The operator rolls the new placement out to its calico-node DaemonSet.
      if (updated.daemonSet() != null) {
        before = updated.daemonSet().placement();
        updated = updated.withDaemonSet(updated.daemonSet().withPlacement(placement));
      }
      b.calico(updated);
    } else if (calico != null && calico.daemonSet() != null && calico.daemonSet().ref().equals(target)) {
      before = calico.daemonSet().placement();
      placement = before.withRequiredTerms(terms);
      b.calico(calico.withDaemonSet(calico.daemonSet().withPlacement(placement)));
    }
    if (placement == null) {
      return state;
    }
    NodeMatcher now = placement.matcher();
    NodeMatcher was = before.matcher();
    List<NodeInfo> nodes = new ArrayList<>();
    for (NodeInfo n : state.nodes()) {
      if (n.runsCalico() && !now.allows(n)) {
        nodes.add(n.withRunsCalico(false));
      } else if (!n.runsCalico() && now.allows(n) && !was.allows(n)) {
        nodes.add(n.withRunsCalico(true));
      } else {
        nodes.add(n);
      }
    }
    return b.nodes(nodes).build();
  }

  private static String nsName(WorkloadRef ref) {
    return ref.namespace() + "/" + ref.name();
  }

  /** One forward planning of the exclusion. */
  private static final class Forward extends UnitStep {
    Forward(UnitRun run) {
      super(run);
    }

    Draft planCniExclusion(Detection detection) {
      WorkloadRef target = spec.onPremisesCni() != null ? spec.onPremisesCni() : detection.cniWorkload();
      CalicoFacts calico = s.cni().calico();
      if (target == null) {
        findings.add(Finding.blocker("CNI_WORKLOAD_NOT_FOUND", "In BGP mode the on-premises CNI must be kept off "
            + "cloud nodes, but no Calico workload was found; set network.onPremisesCni in the spec.", List.of()));
        return null;
      }
      Placement placement;
      String resourceVersion;
      WorkloadRef rolledOut;
      UpdateStrategy strategy;
      String podSelector;
      if (target.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION) {
        if (calico == null || calico.installation() == null || !calico.installation().name().equals(target.name())) {
          findings.add(Finding.blocker("CNI_WORKLOAD_NOT_FOUND", "The Tigera Installation " + target.name()
              + " named as the on-premises CNI was not found.", List.of()));
          return null;
        }
        placement = calico.installation().calicoNodePlacement();
        resourceVersion = calico.installation().resourceVersion();
        // The operator renders the Installation into calico-system/calico-node, selecting k8s-app=calico-node,
        // with the Installation's nodeUpdateStrategy (tigera/operator pkg/render/node.go).
        Workload rendered = calico.daemonSet();
        rolledOut = rendered != null ? rendered.ref() : WorkloadRef.daemonSet("calico-system", "calico-node");
        strategy = calico.installation().nodeUpdateStrategy();
        podSelector = rendered != null && rendered.selector() != null ? rendered.selector() : "k8s-app=calico-node";
      } else {
        Workload workload = Workloads.all(s).stream().filter(w -> w.ref().equals(target)).findFirst().orElse(null);
        if (workload == null) {
          findings.add(Finding.blocker("CNI_WORKLOAD_NOT_FOUND", "DaemonSet " + target.address()
              + " named as the on-premises CNI was not found.", List.of()));
          return null;
        }
        if (calico != null && calico.installation() != null && calico.daemonSet() != null
            && calico.daemonSet().ref().equals(target)) {
          findings.add(Finding.blocker("CNI_MANAGED_BY_OPERATOR", "DaemonSet " + target.address() + " is managed "
              + "by the Tigera operator, which reverts direct edits; the exclusion belongs in Installation "
              + calico.installation().name() + ". Remove network.onPremisesCni or name the Installation.",
              List.of("Installation " + calico.installation().name() + " present")));
          return null;
        }
        placement = workload.placement();
        resourceVersion = workload.resourceVersion();
        rolledOut = target;
        strategy = workload.updateStrategy();
        podSelector = workload.selector();
        warnIfSynced(workload, spec.cloudNodeLabel());
      }
      NodeLabel label = spec.cloudNodeLabel();
      List<NodeSelectorTerm> before = placement.requiredTerms();
      List<NodeSelectorTerm> after = CniExclusion.exclude(before, label);
      if (after.equals(before)) {
        return null;
      }
      Placement newPlacement = placement.withRequiredTerms(after);
      // One pass over the nodes: where Calico runs, the new placement either keeps it (a restart under
      // RollingUpdate) or takes it off (a cloud node, or an on-premises one that blocks).
      List<String> leaving = new ArrayList<>();
      List<NodeInfo> onPremLeaving = new ArrayList<>();
      NodeCensus census = run.census();
      NodeNames.FirstSorted staying = new NodeNames.FirstSorted(census.namesInOrder());
      NodeMatcher.Bound allowed = newPlacement.matcher().bind(census.labels());
      for (int i = 0, size = census.size(); i < size; i++) {
        if (!census.runsCalico(i)) {
          continue;
        }
        // Every term now holds the exclusion, so no node with the cloud label is allowed: only the others need
        // the placement's lookups.
        if (!census.labelledCloud(i) && allowed.allows(i)) {
          staying.add(census.name(i));
        } else if (census.cloud(i)) {
          leaving.add(census.name(i));
        } else {
          onPremLeaving.add(census.node(i));
        }
      }
      if (!onPremLeaving.isEmpty()) {
        findings.add(Finding.blocker("CALICO_WOULD_LEAVE_ON_PREMISES_NODE", "The exclusion would take Calico off "
            + "node(s) that look on-premises: they carry " + label + " but are not Alibaba Cloud ECS instances. "
            + "Fix their labels before applying.", NodeNames.evidence(onPremLeaving,
            n -> "Calico would leave " + nodes.describe(n))));
      }
      if (!leaving.isEmpty()) {
        findings.add(Finding.note("CALICO_LEAVES_CLOUD_NODES", "Calico will be removed from cloud node(s) "
            + NodeNames.listed(leaving) + "; their pods lose networking until Terway runs there.", List.of()));
      }
      List<String> deletePodsOnNodes = List.of();
      String restarts;
      if (strategy.onDeleteOnly()) {
        restarts = restartsOnDelete(rolledOut, leaving, podSelector);
        if (!leaving.isEmpty()) {
          deletePodsOnNodes = spec.deleteCloudNodePods() ? List.copyOf(leaving) : List.of();
        }
      } else {
        restarts = restartsRolling(rolledOut, strategy, staying, leaving);
      }
      Draft d = new Draft("cni-exclusion", ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI, ChangeType.UPDATE,
          "kubernetes/" + target.address(),
          "Calico runs in BGP mode and must never schedule onto cloud nodes (" + label + "): the exclusion "
              + label.key() + " NotIn [" + label.value() + "] is added to "
              + (before.isEmpty() ? "a new required term." : "every non-empty required term (terms are ORed).")
              + " " + restarts,
          List.of(new FieldChange(target.termsFieldPath(), before.isEmpty() ? null : ChangeValues.terms(before),
              ChangeValues.terms(after))),
          new ActionDetail.CniExclusion(target, resourceVersion, label.key(), label.value(), before, after,
              rolledOut, strategy, podSelector, deletePodsOnNodes));
      return add(d);
    }

    /**
     * What a template change restarts under RollingUpdate: the DaemonSet controller replaces calico-node's pod on
     * every node it keeps running on, {@code maxUnavailable} at a time, and deletes those on the nodes the new
     * placement excludes (kubernetes {@code pkg/controller/daemon/update.go}, rollingUpdate). The runbook's warning:
     * while a node's calico-node restarts, pod networking there can be cut.
     */
    private String restartsRolling(WorkloadRef rolledOut, UpdateStrategy strategy, NodeNames.FirstSorted staying,
        List<String> leaving) {
      if (!staying.isEmpty()) {
        findings.add(Finding.warning("CALICO_RESTARTS_ON_EVERY_NODE", "The exclusion changes the pod template of "
            + "DaemonSet " + nsName(rolledOut) + ", whose updateStrategy is " + strategy.describe() + ": the "
            + "DaemonSet controller restarts calico-node on every node, " + strategy.maxUnavailable() + " at a time, "
            + "and on-premises pod networking can be cut while a node's calico-node restarts. apply follows the "
            + "rollout and stops before the addon install if on-premises calico pods do not come back Ready.",
            staying.evidence("calico-node restarts on ")));
      }
      return "This restarts calico-node on every node, " + strategy.maxUnavailable() + " at a time (" + strategy.type()
          + ", maxUnavailable " + strategy.maxUnavailable() + ")" + (leaving.isEmpty() ? "" : ", and removes it from "
          + NodeNames.listed(leaving)) + "; apply follows the "
          + "rollout and stops before the addon install if on-premises calico pods do not come back Ready.";
    }

    /**
     * What a template change restarts under OnDelete: no pod that may stay (kubernetes
     * {@code pkg/controller/daemon/update.go} replaces a pod only when the strategy is RollingUpdate). A pod on a node
     * the new placement excludes is another matter: the DaemonSet controller deletes a daemon pod whose node its
     * current template no longer allows, whatever the strategy ({@code pkg/controller/daemon/daemon_controller.go}
     * podsShouldBeOnNode, {@code !shouldContinueRunning && exists}; NodeShouldRunDaemonPod judges the current
     * template's node affinity). apply deletes those still there itself unless {@code network.deleteCloudNodePods}
     * is false, and waits until none is left either way.
     */
    private String restartsOnDelete(WorkloadRef rolledOut, List<String> leaving, String podSelector) {
      if (leaving.isEmpty()) {
        return "DaemonSet " + nsName(rolledOut) + " is OnDelete: the template change restarts no pod, and no "
            + "cloud node runs Calico.";
      }
      String controller = "the DaemonSet controller removes the calico pods from cloud node(s) "
          + NodeNames.listed(leaving)
          + ", which the new placement no longer allows";
      if (spec.deleteCloudNodePods()) {
        return "DaemonSet " + nsName(rolledOut) + " is OnDelete: the template change restarts no on-premises pod; "
            + controller + ", and apply deletes any still there one at a time, waiting for each to be gone, and "
            + "none on an on-premises node.";
      }
      String selector = podSelector != null ? podSelector : "k8s-app=calico-node";
      findings.add(Finding.note("CNI_ON_DELETE_PODS_LEFT", "DaemonSet " + nsName(rolledOut) + " is OnDelete and "
          + "network.deleteCloudNodePods is false: apply deletes no pod; " + controller + ", and apply waits for "
          + "that (its rollout wait stops if they stay). To delete one yourself, run the command below.",
          NodeNames.evidence("kubectl -n " + rolledOut.namespace() + " delete pod -l " + Planner.shellQuoted(selector)
              + " --field-selector spec.nodeName=", leaving)));
      return "DaemonSet " + nsName(rolledOut) + " is OnDelete: the template change restarts no on-premises pod; "
          + controller + ", and apply waits for that without deleting any (network.deleteCloudNodePods is false).";
    }

    /**
     * A warning when a tool that owns the DaemonSet's manifest (Helm, Argo CD, Flux) will write it again: each
     * writes the whole pod template, so its next sync replaces the {@code nodeSelectorTerms} list and drops the
     * exclusion, and the DaemonSet controller then starts the CNI on every cloud node again.
     */
    private void warnIfSynced(Workload workload, NodeLabel label) {
      if (workload.syncedBy().isEmpty()) {
        return;
      }
      String requirement = "{key: " + label.key() + ", operator: NotIn, values: [\"" + label.value() + "\"]}";
      String where = "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
          + ".nodeSelectorTerms[*].matchExpressions";
      WorkloadRef ref = workload.ref();
      findings.add(Finding.warning("CNI_EXCLUSION_NOT_IN_SOURCE", "DaemonSet " + ref.namespace() + "/" + ref.name()
          + " is written by " + String.join(", ", workload.syncedBy()) + ": its next sync or upgrade replaces the "
          + "whole nodeSelectorTerms list and drops the exclusion, and Calico starts again on every cloud node. "
          + "Put the requirement " + requirement + " into the source instead: the chart's values for calico-node's "
          + "affinity (for the tigera-operator chart, installation.calicoNodeDaemonSet.spec.template.spec."
          + "affinity), or a patch of " + where + " in the repository the tool syncs from.",
          workload.syncedBy().stream().map(t -> "synced by " + t).toList()));
    }
  }

  /** One planning of the exclusion's removal. */
  private static final class Destroy extends UnitStep {
    Destroy(UnitRun run) {
      super(run);
    }

    Draft planExclusionRemoval(List<Draft> addonGone) {
      CalicoFacts calico = s.cni().calico();
      WorkloadRef target = spec.onPremisesCni();
      if (target == null && calico != null) {
        target = calico.installation() != null ? WorkloadRef.tigeraInstallation(calico.installation().name())
            : calico.daemonSet() != null ? calico.daemonSet().ref() : null;
      }
      if (target == null) {
        return null;
      }
      Placement placement;
      String resourceVersion;
      if (target.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION) {
        if (calico == null || calico.installation() == null || !calico.installation().name().equals(target.name())) {
          return null;
        }
        placement = calico.installation().calicoNodePlacement();
        resourceVersion = calico.installation().resourceVersion();
      } else {
        WorkloadRef ref = target;
        Workload workload = Workloads.all(s).stream().filter(w -> w.ref().equals(ref)).findFirst().orElse(null);
        if (workload == null) {
          return null;
        }
        if (calico != null && calico.installation() != null && calico.daemonSet() != null
            && calico.daemonSet().ref().equals(target)) {
          findings.add(Finding.blocker("CNI_MANAGED_BY_OPERATOR", "DaemonSet " + target.address() + " is managed "
              + "by the Tigera operator, which reverts direct edits; hybridcni's exclusion lives in Installation "
              + calico.installation().name() + ". Remove network.onPremisesCni or name the Installation.",
              List.of("Installation " + calico.installation().name() + " present")));
          return null;
        }
        placement = workload.placement();
        resourceVersion = workload.resourceVersion();
      }
      NodeLabel label = spec.cloudNodeLabel();
      List<NodeSelectorTerm> before = placement.requiredTerms();
      List<NodeSelectorTerm> after = CniExclusion.remove(before, label);
      if (after.equals(before)) {
        return null;
      }
      Placement widened = placement.withRequiredTerms(after);
      List<String> narrowed = CniExclusion.narrowedBy(placement, widened, s.nodes(), label);
      if (!narrowed.isEmpty()) {
        findings.add(Finding.blocker("EXCLUSION_REMOVAL_WOULD_NARROW", "A required term of " + target.address()
            + " holds nothing but " + label.key() + " NotIn [" + label.value() + "] beside other terms, so it is not "
            + "the term hybridcni creates, and dropping it would keep Calico off nodes it may run on now. Remove the "
            + "exclusion by hand.", NodeNames.evidence(narrowed)));
        return null;
      }
      List<String> returning = new ArrayList<>();
      NodeMatcher was = placement.matcher();
      NodeMatcher now = widened.matcher();
      for (NodeInfo node : s.nodes()) {
        if (!was.allows(node) && now.allows(node)) {
          returning.add(node.name());
        }
      }
      if (!returning.isEmpty()) {
        findings.add(Finding.note("CALICO_RETURNS_TO_CLOUD_NODES", "Calico may schedule onto node(s) "
            + NodeNames.listed(returning)
            + " again once the exclusion is gone; with Terway uninstalled first, Calico is their only CNI.",
            List.of()));
      }
      if (s.addon(spec.addonName()) == null && s.terway() != null && s.terway().daemonSet() != null) {
        findings.add(Finding.warning("TERWAY_NOT_FROM_ADDON", "Terway DaemonSet "
            + s.terway().daemonSet().ref().address() + " runs without the " + spec.addonName() + " addon, so destroy "
            + "does not remove it; where it runs beside Calico, cloud nodes would have two CNIs.", List.of()));
      }
      int changed = 0;
      for (NodeSelectorTerm term : before) {
        if (term.matchExpressions().contains(CniExclusion.exclusion(label))) {
          changed++;
        }
      }
      Draft d = add(new Draft("cni-exclusion-removal", ActionKind.REMOVE_CNI_EXCLUSION, ChangeType.DELETE,
          "kubernetes/" + target.address(),
          "hybridcni added " + label.key() + " NotIn [" + label.value() + "] to keep Calico off cloud nodes; it is "
              + "taken out of " + (changed == 1 ? "1 required term" : changed + " required terms")
              + (after.isEmpty() ? ", and with no term left the required node affinity goes." : "; nothing else "
                  + "changes."),
          List.of(new FieldChange(target.termsFieldPath(), ChangeValues.terms(before),
              after.isEmpty() ? null : ChangeValues.terms(after))),
          new ActionDetail.CniExclusionRemoval(target, resourceVersion, label.key(), label.value(), before,
              after)));
      d.dependOnAll(addonGone);
      return d;
    }
  }
}
