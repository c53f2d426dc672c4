package io.hybridcni.planner;

import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.Plan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Predicts the observed state after a successful apply of a plan, a destroy plan included. Pure. Values that only
 * the cloud decides (a new AccessKey's id, a new user's id) get deterministic stand-ins. Used to prove idempotence:
 * planning again against the predicted state yields an empty plan (and destroying again, an empty destroy plan).
 */
public final class PlannedState {

  /** The stand-in id of the AccessKey an apply would create, numbered from 1. */
  public static final String SIMULATED_ACCESS_KEY_PREFIX = "LTAIsimulated";

  private PlannedState() {}

  /** The state {@code observed} would be in after every action of {@code plan} succeeded. */
  public static ObservedState simulate(Plan plan, ObservedState observed) {
    ObservedState state = observed;
    int keys = 0;
    for (Action action : plan.actions()) {
      ActionDetail detail = action.detail();
      if (detail instanceof ActionDetail.RamUser d) {
        state = state.toBuilder().ram(state.ram().withUser(new RamFacts.User(d.userName(), null,
            RamFacts.User.HYBRIDCNI_COMMENTS)).withAttachedPolicies(List.of()).withAccessKeys(List.of())).build();
      } else if (detail instanceof ActionDetail.RamPolicy d) {
        state = state.toBuilder().ram(state.ram().withPolicy(policyAfter(state.ram().policy(), d))).build();
      } else if (detail instanceof ActionDetail.PolicyAttachment d) {
        List<RamFacts.AttachedPolicy> attached = new ArrayList<>(state.ram().attachedPolicies());
        attached.add(new RamFacts.AttachedPolicy(d.policyName(), d.policyType()));
        state = state.toBuilder().ram(state.ram().withAttachedPolicies(attached)
            .withPolicy(hold(countAttachment(state.ram().policy(), d.policyName(), 1), d.policyName(), d.userName(),
                true))).build();
      } else if (detail instanceof ActionDetail.OrphanAccessKey d) {
        List<RamFacts.AccessKey> remaining = state.ram().accessKeys().stream()
            .filter(k -> !k.id().equals(d.accessKeyId())).toList();
        state = state.toBuilder().ram(state.ram().withAccessKeys(remaining)).build();
      } else if (detail instanceof ActionDetail.AccessKeySecret d) {
        keys++;
        String id = SIMULATED_ACCESS_KEY_PREFIX + keys;
        List<RamFacts.AccessKey> all = new ArrayList<>(state.ram().accessKeys());
        all.add(new RamFacts.AccessKey(id, "Active", null));
        SecretFacts old = state.secret();
        Map<String, String> labels = new java.util.TreeMap<>(old != null && old.present() ? old.labels() : Map.of());
        labels.put(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE);
        SecretFacts secret = new SecretFacts(d.secretNamespace(), d.secretName(), true, "Opaque",
            old == null ? null : old.resourceVersion(),
            Map.of(Planner.ACCESS_KEY_ID, ValueHash.of(id),
                Planner.ACCESS_KEY_SECRET, ValueHash.of("simulated-secret-of-" + id)),
            labels);
        state = state.toBuilder().ram(state.ram().withAccessKeys(all)).secret(secret).build();
      } else if (detail instanceof ActionDetail.TerwayRestart d) {
        state = restartTerway(state, d);
      } else if (detail instanceof ActionDetail.CniExclusion d) {
        state = exclude(state, d);
      } else if (detail instanceof ActionDetail.Addon d) {
        AddonInstance old = state.addon(d.name());
        String version = d.toVersion() != null ? d.toVersion() : old != null ? old.version() : "default";
        state = withTerway(state.toBuilder().addon(new AddonInstance(d.name(), version, "active")).build());
      } else if (detail instanceof ActionDetail.AddonWait d) {
        AddonInstance old = state.addon(d.name());
        if (old != null) {
          state = state.toBuilder().addon(new AddonInstance(old.name(), old.version(), AddonInstance.ACTIVE))
              .build();
        }
      } else {
        state = undo(state, detail);
      }
    }
    return state;
  }

  /** The effect of a destroy action. */
  private static ObservedState undo(ObservedState state, ActionDetail detail) {
    RamFacts ram = state.ram();
    if (detail instanceof ActionDetail.AddonUninstall d) {
      AddonInstance old = state.addon(d.name());
      return old == null ? state
          : state.toBuilder().addon(new AddonInstance(old.name(), old.version(), DestroyPlanner.DELETING)).build();
    } else if (detail instanceof ActionDetail.AddonRemovalWait d) {
      // ACK removes the addon's Terway DaemonSet with it, and its pods with that.
      List<AddonInstance> addons = state.addons().stream().filter(a -> !a.name().equals(d.name())).toList();
      List<NodeInfo> nodes = state.nodes().stream().map(n -> n.runsTerway() ? n.withRunsTerway(false) : n).toList();
      return state.toBuilder().addons(addons).terway(null).nodes(nodes).build();
    } else if (detail instanceof ActionDetail.CniExclusionRemoval d) {
      return withCalicoPlacement(state, d.target(), d.after());
    } else if (detail instanceof ActionDetail.SecretDeletion d) {
      return state.toBuilder().secret(SecretFacts.absent(d.namespace(), d.name())).build();
    } else if (detail instanceof ActionDetail.AccessKeyDeletion d) {
      return state.toBuilder().ram(ram.withAccessKeys(ram.accessKeys().stream()
          .filter(k -> !k.id().equals(d.accessKeyId())).toList())).build();
    } else if (detail instanceof ActionDetail.PolicyDetachment d) {
      return state.toBuilder().ram(ram.withAttachedPolicies(ram.attachedPolicies().stream()
          .filter(p -> !(p.name().equals(d.policyName()) && p.type().equals(d.policyType()))).toList())
          .withPolicy(hold(countAttachment(ram.policy(), d.policyName(), -1), d.policyName(), d.userName(), false)))
          .build();
    } else if (detail instanceof ActionDetail.RamPolicyDeletion d) {
      return ram.policy() != null && ram.policy().name().equals(d.policyName())
          ? state.toBuilder().ram(ram.withPolicy(null)).build() : state;
    } else if (detail instanceof ActionDetail.RamUserDeletion d) {
      return ram.user() != null && ram.user().name().equals(d.userName())
          ? state.toBuilder().ram(ram.withUser(null).withAttachedPolicies(List.of()).withAccessKeys(List.of()))
              .build()
          : state;
    }
    return state;
  }

  /** The policy with one attachment more or less, when it is the named policy and its count is known. */
  private static RamFacts.Policy countAttachment(RamFacts.Policy policy, String name, int delta) {
    if (policy == null || !policy.name().equals(name) || policy.attachmentCount() == null) {
      return policy;
    }
    return policy.withAttachmentCount(Math.max(0, policy.attachmentCount() + delta));
  }

  /** The policy with the user added to or removed from its holders, when it is the named policy and they are known. */
  private static RamFacts.Policy hold(RamFacts.Policy policy, String name, String userName, boolean attach) {
    if (policy == null || !policy.name().equals(name) || policy.holders() == null) {
      return policy;
    }
    RamFacts.PolicyHolder user = new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER, userName);
    List<RamFacts.PolicyHolder> holders = new ArrayList<>(policy.holders());
    holders.remove(user);
    if (attach) {
      holders.add(user);
    }
    return policy.withHolders(holders);
  }

  private static RamFacts.Policy policyAfter(RamFacts.Policy old, ActionDetail.RamPolicy d) {
    if (!d.newVersion() || old == null) {
      return new RamFacts.Policy(d.policyName(), "Custom", "v1",
          List.of(new RamFacts.PolicyVersion("v1", true, null)), d.document(), 0, List.of());
    }
    List<RamFacts.PolicyVersion> versions = new ArrayList<>();
    int next = 0;
    for (RamFacts.PolicyVersion v : old.versions()) {
      next = Math.max(next, v.number() == Integer.MAX_VALUE ? 0 : v.number());
      if (!v.versionId().equals(d.deleteVersionFirst())) {
        versions.add(new RamFacts.PolicyVersion(v.versionId(), false, v.createDate()));
      }
    }
    String id = "v" + (next + 1);
    versions.add(new RamFacts.PolicyVersion(id, true, null));
    versions.sort(Comparator.comparingInt(RamFacts.PolicyVersion::number));
    return new RamFacts.Policy(old.name(), old.type(), id, versions, d.document(), old.attachmentCount(),
        old.holders());
  }

  /**
   * Terway restarted for the key its Secret holds now: the pod template carries that key's hash in the restart
   * annotation (its pods, placement and Secrets stay as they are; the new {@code resourceVersion} is the API
   * server's, so the old one stands in for it).
   */
  private static ObservedState restartTerway(ObservedState state, ActionDetail.TerwayRestart d) {
    TerwayFacts terway = state.terway();
    SecretFacts secret = state.secret();
    if (terway == null || !terway.daemonSet().ref().equals(d.daemonSet()) || secret == null || !secret.present()
        || !secret.namespace().equals(d.secretNamespace()) || !secret.name().equals(d.secretName())) {
      return state;
    }
    return state.toBuilder().terway(terway.withRestartedForKey(secret.valueHashes().get(Planner.ACCESS_KEY_ID)))
        .build();
  }

  private static ObservedState exclude(ObservedState state, ActionDetail.CniExclusion d) {
    return withCalicoPlacement(state, d.target(), d.after());
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
    List<NodeInfo> nodes = new ArrayList<>();
    for (NodeInfo n : state.nodes()) {
      if (n.runsCalico() && !placement.allows(n)) {
        nodes.add(n.withRunsCalico(false));
      } else if (!n.runsCalico() && placement.allows(n) && !before.allows(n)) {
        nodes.add(n.withRunsCalico(true));
      } else {
        nodes.add(n);
      }
    }
    return b.nodes(nodes).build();
  }

  /** The addon's DaemonSet as ACK installs it on a registered cluster, and its pods on the nodes it allows. */
  private static ObservedState withTerway(ObservedState state) {
    TerwayFacts facts;
    if (state.terway() != null && state.terway().daemonSet() != null) {
      facts = state.terway();
    } else {
      // The addon's pods read kube-system/alibaba-addon-secret (Terway since v1.8.0, see Planner#planTerwayRestart).
      facts = new TerwayFacts(new Workload(WorkloadRef.daemonSet("kube-system", "terway-eniip"), null,
          Placement.nodeSelector(Map.of(Planner.TERWAY_ADDON_NODE_SELECTOR.key(),
              Planner.TERWAY_ADDON_NODE_SELECTOR.value())), List.of()), List.of("alibaba-addon-secret"), null);
    }
    Workload terway = facts.daemonSet();
    List<NodeInfo> nodes = new ArrayList<>();
    for (NodeInfo n : state.nodes()) {
      nodes.add(n.withRunsTerway(terway.placement().allows(n)));
    }
    return state.toBuilder().terway(facts).nodes(nodes).build();
  }
}
