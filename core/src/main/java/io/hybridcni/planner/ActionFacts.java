package io.hybridcni.planner;

import io.hybridcni.plan.ActionDetail;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.Set;

/**
 * Which facts an action of each detail type reads (it relies on them) and writes (running it changes them), as the
 * planners draft them: {@link Planner#finish} fingerprints an action with what it reads and no earlier action
 * writes, so from these sets the fingerprint a planned action must carry can be derived again for a saved plan.
 * A test keeps this in step with what {@link Planner} and {@link DestroyPlanner} emit.
 */
final class ActionFacts {

  private ActionFacts() {}

  /** The facts the action relies on. {@code spec} gives the Secret an orphan AccessKey's deletion relies on. */
  static Set<String> reads(ActionDetail detail, HybridNetworkSpec spec) {
    if (detail instanceof ActionDetail.RamUser d) {
      return Set.of(Facts.ramUser(d.userName()));
    } else if (detail instanceof ActionDetail.RamPolicy d) {
      // A new default version of a shared policy was planned for the holders seen: others attaching it since
      // (or detaching it) may turn a harmless update into narrowing someone else's grant.
      return d.newVersion() ? Set.of(Facts.ramPolicy(d.policyName()), Facts.ramPolicyHolders(d.policyName()))
          : Set.of(Facts.ramPolicy(d.policyName()));
    } else if (detail instanceof ActionDetail.PolicyAttachment d) {
      return adopted(d.userName(), spec, Set.of(Facts.ramAttachments(d.userName()), Facts.ramUser(d.userName()),
          Facts.ramPolicy(d.policyName())));
    } else if (detail instanceof ActionDetail.OrphanAccessKey d) {
      // An orphan is a key the spec's Secret does not hold: deleting it relies on what that Secret holds.
      return Set.of(Facts.ramAccessKeys(d.userName()), Facts.secret(spec.secretNamespace(), spec.secretName()));
    } else if (detail instanceof ActionDetail.AccessKeySecret d) {
      return Set.of(Facts.ramUser(d.userName()), Facts.ramAccessKeys(d.userName()),
          Facts.secret(d.secretNamespace(), d.secretName()));
    } else if (detail instanceof ActionDetail.TerwayRestart d) {
      // The DaemonSet's placement and update strategy (an OnDelete DaemonSet restarts nothing, so the restart is
      // refused), and the Secret whose key the restart brings to Terway (written just before when the plan writes a
      // new key). Someone else's restart since the plan is not a change it relies on: one more restart is harmless.
      return Set.of(Facts.workload(d.daemonSet()), Facts.secret(d.secretNamespace(), d.secretName()));
    } else if (detail instanceof ActionDetail.CniExclusion d) {
      return Set.of(Facts.workload(d.target()), Facts.nodesLabelled(d.labelKey(), d.labelValue()),
          Facts.nodesRunningCalico());
    } else if (detail instanceof ActionDetail.Addon d) {
      return Set.of(Facts.cluster(d.clusterId()), Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.AddonWait d) {
      // A wait with no version is the settle of an addon ACK is still changing: reaching active early is what it
      // waits for, so it relies on nothing; a wait for a version follows the install that writes the addon.
      return d.version() == null ? Set.of() : Set.of(Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.AddonUninstall d) {
      return Set.of(Facts.cluster(d.clusterId()), Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.AddonRemovalWait) {
      // The addon going away early is what the wait waits for, not a change that makes it wrong.
      return Set.of();
    } else if (detail instanceof ActionDetail.CniExclusionRemoval d) {
      return Set.of(Facts.workload(d.target()), Facts.nodesLabelled(d.labelKey(), d.labelValue()),
          Facts.nodesRunningCalico());
    } else if (detail instanceof ActionDetail.SecretDeletion d) {
      return Set.of(Facts.secret(d.namespace(), d.name()));
    } else if (detail instanceof ActionDetail.AccessKeyDeletion d) {
      return Set.of(Facts.ramUser(d.userName()), Facts.ramUserComments(d.userName()),
          Facts.ramAccessKeys(d.userName()));
    } else if (detail instanceof ActionDetail.PolicyDetachment d) {
      return adopted(d.userName(), spec, Set.of(Facts.ramUser(d.userName()), Facts.ramUserComments(d.userName()),
          Facts.ramAttachments(d.userName())));
    } else if (detail instanceof ActionDetail.RamPolicyDeletion d) {
      return Set.of(Facts.ramPolicy(d.policyName()), Facts.ramPolicyAttachmentCount(d.policyName()));
    } else if (detail instanceof ActionDetail.RamUserDeletion d) {
      return Set.of(Facts.ramUser(d.userName()), Facts.ramUserComments(d.userName()),
          Facts.ramAttachments(d.userName()), Facts.ramAccessKeys(d.userName()));
    }
    throw new IllegalArgumentException("no facts known for " + detail.getClass().getSimpleName());
  }

  /**
   * An attachment to (or detachment from) a user other than the spec's is one whose key hybridcni adopted from the
   * spec's Secret ({@link SecretAdoption}): it relies on that Secret still holding that user's key too.
   */
  private static Set<String> adopted(String userName, HybridNetworkSpec spec, Set<String> facts) {
    if (userName.equals(spec.ramUserName())) {
      return facts;
    }
    Set<String> all = new java.util.LinkedHashSet<>(facts);
    all.add(Facts.secret(spec.secretNamespace(), spec.secretName()));
    return Set.copyOf(all);
  }

  /**
   * The facts running the action changes, so that later actions no longer rely on their planned values. A wait
   * for an addon counts as changing it (from busy to active), as the settle step before an upgrade or uninstall
   * does; after the final wait of an install nothing reads the addon again.
   */
  static Set<String> writes(ActionDetail detail) {
    if (detail instanceof ActionDetail.RamUser d) {
      return Set.of(Facts.ramUser(d.userName()));
    } else if (detail instanceof ActionDetail.RamPolicy d) {
      return Set.of(Facts.ramPolicy(d.policyName()));
    } else if (detail instanceof ActionDetail.PolicyAttachment d) {
      return Set.of(Facts.ramAttachments(d.userName()));
    } else if (detail instanceof ActionDetail.OrphanAccessKey d) {
      return Set.of(Facts.ramAccessKeys(d.userName()));
    } else if (detail instanceof ActionDetail.AccessKeySecret d) {
      return Set.of(Facts.ramAccessKeys(d.userName()), Facts.secret(d.secretNamespace(), d.secretName()));
    } else if (detail instanceof ActionDetail.TerwayRestart d) {
      return Set.of(Facts.workload(d.daemonSet()));
    } else if (detail instanceof ActionDetail.CniExclusion d) {
      return Set.of(Facts.workload(d.target()), Facts.nodesRunningCalico());
    } else if (detail instanceof ActionDetail.Addon d) {
      return Set.of(Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.AddonWait d) {
      return Set.of(Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.AddonUninstall d) {
      return Set.of(Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.AddonRemovalWait d) {
      return Set.of(Facts.addon(d.name()));
    } else if (detail instanceof ActionDetail.CniExclusionRemoval d) {
      return Set.of(Facts.workload(d.target()), Facts.nodesRunningCalico());
    } else if (detail instanceof ActionDetail.SecretDeletion d) {
      return Set.of(Facts.secret(d.namespace(), d.name()));
    } else if (detail instanceof ActionDetail.AccessKeyDeletion d) {
      return Set.of(Facts.ramAccessKeys(d.userName()));
    } else if (detail instanceof ActionDetail.PolicyDetachment d) {
      return Set.of(Facts.ramAttachments(d.userName()), Facts.ramPolicyAttachmentCount(d.policyName()));
    } else if (detail instanceof ActionDetail.RamPolicyDeletion d) {
      return Set.of(Facts.ramPolicy(d.policyName()), Facts.ramPolicyAttachmentCount(d.policyName()));
    } else if (detail instanceof ActionDetail.RamUserDeletion d) {
      return Set.of(Facts.ramUser(d.userName()), Facts.ramUserComments(d.userName()),
          Facts.ramAttachments(d.userName()), Facts.ramAccessKeys(d.userName()));
    }
    throw new IllegalArgumentException("no facts known for " + detail.getClass().getSimpleName());
  }
}
