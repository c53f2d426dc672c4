package io.hybridcni.controller.http;

import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.spec.SpecDigest;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans, statuses and repair results as the controller's loop reports them, with a fixture secret placed in every
 * free-text field a cluster or the cloud could fill (reasons, messages, evidence, node names), so a scan of what is
 * served proves none of it reaches a label.
 */
final class Rounds {

  /** A fixture AccessKey secret; eight characters of it anywhere served would be a leak. */
  static final String SECRET = "Qm7xZ2vK9pWt4sLr8nYcB3hd";
  static final String KEY_ID = "LTAI5tHq8Ws2Pz9Xc4Vb7Nm1";

  private Rounds() {}

  static Plan converged() {
    return plan(List.of(), List.of());
  }

  /** calico-node lost the exclusion (someone re-applied calico.yaml). */
  static Plan drifted() {
    return plan(List.of(), List.of(exclusion()));
  }

  /** The Secret was deleted: a new key, written to the Secret, and Terway restarted so it reads it. */
  static Plan secretDeleted() {
    return plan(List.of(), List.of(secret(), new Action("restart-terway", ActionKind.RESTART_TERWAY,
        ChangeType.UPDATE, "kube-system/terway-eniip", "restart for " + SECRET, List.of("secret"), List.of(),
        new ActionDetail.TerwayRestart(new WorkloadRef(WorkloadRef.Kind.DAEMON_SET, "kube-system", "terway-eniip"),
            "kube-system", "alibaba-addon-secret"), null)));
  }

  static Plan blocked() {
    return plan(List.of(Finding.blocker("CLUSTER_ID_MISMATCH", "the key " + SECRET + " is for another cluster",
        List.of("secret " + SECRET))), List.of(exclusion()));
  }

  static Plan destructive() {
    return plan(List.of(), List.of(new Action("orphan", ActionKind.DELETE_ORPHAN_ACCESS_KEY, ChangeType.DELETE,
        "ram/user/hybridcni/" + KEY_ID, "orphan key " + SECRET, List.of(), List.of(),
        new ActionDetail.OrphanAccessKey("hybridcni", KEY_ID, "kube-system", "alibaba-addon-secret"), null)));
  }

  static NetworkStatus status(int cloudHealthy, int cloudProblem, int onPremHealthy) {
    List<NodeStatus> nodes = new ArrayList<>();
    for (int i = 0; i < cloudHealthy; i++) {
      nodes.add(new NodeStatus("cloud-" + SECRET + "-" + i, true, "label", List.of(), List.of()));
    }
    for (int i = 0; i < cloudProblem; i++) {
      nodes.add(new NodeStatus("sick-" + SECRET + "-" + i, true, "label", List.of(),
          List.of("CALICO_ON_CLOUD_NODE")));
    }
    for (int i = 0; i < onPremHealthy; i++) {
      nodes.add(new NodeStatus("idc-" + i, false, "no label", List.of(), List.of()));
    }
    return new NetworkStatus(Scenario.OVERLAY, nodes, List.of(), List.of());
  }

  static ReconcileResult repaired(Plan plan) {
    ApplyResult apply = new ApplyResult(plan.actions().stream().map(a -> new ActionOutcome(a.id(),
        OutcomeStatus.APPLIED, "wrote " + SECRET, null, null, List.of(), null)).toList(), false, null);
    return new ReconcileResult(plan, apply, converged(), true, null, status(2, 0, 3));
  }

  static ReconcileResult failedRepair(Plan plan) {
    ApplyResult apply = new ApplyResult(plan.actions().stream().map(a -> new ActionOutcome(a.id(),
        OutcomeStatus.FAILED, "refused by " + SECRET, new IllegalStateException(SECRET), null, List.of(), null))
        .toList(), false, null);
    return new ReconcileResult(plan, apply, plan, false, "still " + SECRET);
  }

  private static Action exclusion() {
    return new Action("exclusion", ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI, ChangeType.UPDATE,
        "kube-system/calico-node", "terms replaced " + SECRET, List.of(), List.of(),
        new ActionDetail.CniExclusion(new WorkloadRef(WorkloadRef.Kind.DAEMON_SET, "kube-system", "calico-node"),
            "42", "alibabacloud.com/external", "true", List.of(), List.of()), null);
  }

  private static Action secret() {
    return new Action("secret", ActionKind.ENSURE_ACCESS_KEY_SECRET, ChangeType.CREATE,
        "kube-system/alibaba-addon-secret", "write " + SECRET, List.of(), List.of(),
        new ActionDetail.AccessKeySecret("hybridcni", "kube-system", "alibaba-addon-secret", false), null);
  }

  private static Plan plan(List<Finding> findings, List<Action> actions) {
    return new Plan(PlanKind.APPLY, "c-" + SECRET, new SpecDigest("sha256:" + SECRET, Map.of()),
        new ScenarioReport(Scenario.OVERLAY, "ippools", "overlay " + SECRET, List.of(SECRET)), findings, actions);
  }
}
