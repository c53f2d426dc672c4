package io.hybridcni.planner;

import io.hybridcni.detect.Detection;
import io.hybridcni.detect.ScenarioDetector;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.planner.Planner.Draft;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.spec.NodeLabel;
import io.hybridcni.spec.SpecDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * One run of {@link Planner#planDestroy}. The edges are those of {@link Planner#plan} walked backwards: the addon,
 * which everything else was a prerequisite of, goes first; then the exclusion and the Secret; the AccessKeys after
 * the Secret that holds one of them; the policy after it is detached; the user after its keys and the attachment.
 * Every action is a {@link ChangeType#DELETE} (waits are {@link ChangeType#WAIT}), and nothing that is already
 * gone is planned.
 */
final class DestroyPlanner {

  /** Addon states in which ACK is still changing the addon: it must settle before it can be uninstalled. */
  static final Set<String> BUSY_ADDON_STATES = Set.of("installing", "initial", "updating", "upgrading");
  /** The state of an addon ACK is already uninstalling. */
  static final String DELETING = "deleting";
  /** What the text shows for an addon that is no longer there. */
  static final String GONE = "(gone)";

  private final ScenarioDetector detector;
  private final HybridNetworkSpec spec;
  private final ObservedState s;
  private final NodeClassifier nodes;
  private final List<Finding> findings = new ArrayList<>();
  private final List<Draft> drafts = new ArrayList<>();

  DestroyPlanner(ScenarioDetector detector, HybridNetworkSpec spec, ObservedState observed) {
    this.detector = detector;
    this.spec = spec;
    this.s = observed;
    this.nodes = new NodeClassifier(spec.cloudNodeLabel());
  }

  Plan plan() {
    ScenarioReport report = report(detector.detect(s));
    Draft addonGone = planAddonRemoval();
    planExclusionRemoval(addonGone);
    Draft secret = planSecretDeletion(addonGone);
    planRam(addonGone, secret);
    if (!drafts.isEmpty()) {
      // Deleting is writing: the cluster must be cluster.id, as for apply.
      findings.addAll(ClusterChecks.identity(spec, s));
      findings.addAll(ClusterChecks.region(spec, s.cluster()));
    }
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing(Finding::severity));
    return new Plan(PlanKind.DESTROY, spec.clusterId(), SpecDigest.of(spec), report, sorted,
        Planner.finish(drafts, s));
  }

  /** The scenario as {@link Planner#plan} would report it; destroy does not depend on it. */
  private ScenarioReport report(Detection detection) {
    if (spec.mode() == NetworkMode.AUTO) {
      return new ScenarioReport(detection.scenario(), "detected", detection.summary(), detection.evidence());
    }
    return new ScenarioReport(Scenario.valueOf(spec.mode().name()), "spec", spec.mode() + " (set in the spec)",
        detection.evidence());
  }

  // ---- the addon --------------------------------------------------------------------------------------------

  /** Uninstalls the addon and waits until it is gone; answers the last of those drafts, or {@code null}. */
  private Draft planAddonRemoval() {
    String name = spec.addonName();
    AddonInstance addon = s.addon(name);
    if (addon == null) {
      return null;
    }
    ClusterFacts cluster = s.cluster();
    if (cluster != null && cluster.state() != null && !"running".equals(cluster.state())) {
      findings.add(Finding.warning("CLUSTER_NOT_RUNNING", "Cluster " + cluster.clusterId() + " is in state "
          + cluster.state() + "; uninstalling the addon may fail until it is running.",
          List.of("state=" + cluster.state())));
    }
    String address = "ack/cluster/" + spec.clusterId() + "/addon/" + name;
    Set<String> addonFact = Set.of(Facts.addon(name));
    Draft uninstall = null;
    if (!addon.is(DELETING)) {
      Draft settle = null;
      if (addon.state() != null
          && BUSY_ADDON_STATES.contains(addon.state().toLowerCase(java.util.Locale.ROOT))) {
        settle = add(new Draft("addon-settle", ActionKind.WAIT_FOR_ADDON, ChangeType.WAIT, address,
            "The " + name + " addon is " + addon.state() + "; ACK must finish that change before the addon can "
                + "be uninstalled.",
            List.of(new FieldChange("state", ChangeValues.text(addon.state()),
                ChangeValues.text(AddonInstance.ACTIVE))),
            // As the settle before an upgrade: ACK finishing its change early is what the wait waits for.
            new ActionDetail.AddonWait(spec.clusterId(), name, null), Set.of(), addonFact));
      }
      List<FieldChange> changes = new ArrayList<>();
      changes.add(new FieldChange("name", ChangeValues.text(name), null));
      if (addon.version() != null) {
        changes.add(new FieldChange("version", ChangeValues.text(addon.version()), null));
      }
      uninstall = add(new Draft("addon-uninstall", ActionKind.UNINSTALL_ADDON, ChangeType.DELETE, address,
          "The " + name + " addon serves cloud nodes with Terway; it goes first, because everything else "
              + "hybridcni set up exists for it.",
          changes, new ActionDetail.AddonUninstall(spec.clusterId(), name, addon.version()),
          Set.of(Facts.cluster(spec.clusterId()), Facts.addon(name)), addonFact));
      uninstall.dependOn(settle);
    }
    // The wait relies on no fact: an addon ACK is uninstalling (one a crashed destroy asked to go, say) may be gone
    // by the time the apply starts, and that is what the wait waits for, not a change that makes it wrong.
    Draft wait = new Draft("addon-removal-wait", ActionKind.WAIT_FOR_ADDON_REMOVAL, ChangeType.WAIT, address,
        uninstall == null
            ? "ACK is already uninstalling the " + name + " addon; what Terway used goes only once it is gone."
            : "What Terway used goes only once the addon is gone.",
        List.of(new FieldChange("state", ChangeValues.text(uninstall == null ? addon.state() : DELETING),
            ChangeValues.text(GONE))),
        new ActionDetail.AddonRemovalWait(spec.clusterId(), name), Set.of(), addonFact);
    wait.dependOn(uninstall);
    return add(wait);
  }

  // ---- the on-premises CNI exclusion ------------------------------------------------------------------------

  private void planExclusionRemoval(Draft addonGone) {
    CalicoFacts calico = s.cni().calico();
    WorkloadRef target = spec.onPremisesCni();
    if (target == null && calico != null) {
      target = calico.installation() != null ? WorkloadRef.tigeraInstallation(calico.installation().name())
          : calico.daemonSet() != null ? calico.daemonSet().ref() : null;
    }
    if (target == null) {
      return;
    }
    Placement placement;
    String resourceVersion;
    if (target.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION) {
      if (calico == null || calico.installation() == null || !calico.installation().name().equals(target.name())) {
        return;
      }
      placement = calico.installation().calicoNodePlacement();
      resourceVersion = calico.installation().resourceVersion();
    } else {
      WorkloadRef ref = target;
      Workload workload = Workloads.all(s).stream().filter(w -> w.ref().equals(ref)).findFirst().orElse(null);
      if (workload == null) {
        return;
      }
      if (calico != null && calico.installation() != null && calico.daemonSet() != null
          && calico.daemonSet().ref().equals(target)) {
        findings.add(Finding.blocker("CNI_MANAGED_BY_OPERATOR", "DaemonSet " + target.address() + " is managed "
            + "by the Tigera operator, which reverts direct edits; hybridcni's exclusion lives in Installation "
            + calico.installation().name() + ". Remove network.onPremisesCni or name the Installation.",
            List.of("Installation " + calico.installation().name() + " present")));
        return;
      }
      placement = workload.placement();
      resourceVersion = workload.resourceVersion();
    }
    NodeLabel label = spec.cloudNodeLabel();
    List<NodeSelectorTerm> before = placement.requiredTerms();
    List<NodeSelectorTerm> after = CniExclusion.remove(before, label);
    if (after.equals(before)) {
      return;
    }
    Placement widened = placement.withRequiredTerms(after);
    List<String> narrowed = CniExclusion.narrowedBy(placement, widened, s.nodes(), label);
    if (!narrowed.isEmpty()) {
      findings.add(Finding.blocker("EXCLUSION_REMOVAL_WOULD_NARROW", "A required term of " + target.address()
          + " holds nothing but " + label.key() + " NotIn [" + label.value() + "] beside other terms, so it is not "
          + "the term hybridcni creates, and dropping it would keep Calico off nodes it may run on now. Remove the "
          + "exclusion by hand.", narrowed));
      return;
    }
    List<String> returning = new ArrayList<>();
    for (NodeInfo node : s.nodes()) {
      if (!placement.allows(node) && widened.allows(node)) {
        returning.add(node.name());
      }
    }
    if (!returning.isEmpty()) {
      findings.add(Finding.note("CALICO_RETURNS_TO_CLOUD_NODES", "Calico may schedule onto node(s) " + returning
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
    add(new Draft("cni-exclusion-removal", ActionKind.REMOVE_CNI_EXCLUSION, ChangeType.DELETE,
        "kubernetes/" + target.address(),
        "hybridcni added " + label.key() + " NotIn [" + label.value() + "] to keep Calico off cloud nodes; it is "
            + "taken out of " + (changed == 1 ? "1 required term" : changed + " required terms")
            + (after.isEmpty() ? ", and with no term left the required node affinity goes." : "; nothing else "
                + "changes."),
        List.of(new FieldChange(target.termsFieldPath(), ChangeValues.terms(before),
            after.isEmpty() ? null : ChangeValues.terms(after))),
        new ActionDetail.CniExclusionRemoval(target, resourceVersion, label.key(), label.value(), before, after),
        Set.of(Facts.workload(target), Facts.nodesLabelled(label.key(), label.value()),
            Facts.nodesRunningCalico()),
        Set.of(Facts.workload(target), Facts.nodesRunningCalico()))).dependOn(addonGone);
  }

  // ---- the Secret -------------------------------------------------------------------------------------------

  private Draft planSecretDeletion(Draft addonGone) {
    String ns = spec.secretNamespace();
    String name = spec.secretName();
    SecretFacts secret = s.secret();
    if (secret == null || !secret.present() || !secret.namespace().equals(ns) || !secret.name().equals(name)) {
      return null;
    }
    SecretAdoption adoption = SecretAdoption.ofRamUser(spec, s);
    if (adoption != null) {
      findings.add(Finding.note("ADOPTED_SECRET_KEPT", "Secret " + ns + "/" + name + " holds the AccessKey of RAM "
          + "user " + adoption.userName() + " that hybridcni adopted (it never wrote the Secret, which carries no "
          + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE + " label): the Secret, the key and "
          + "the user are kept; only the policy hybridcni attaches is detached.",
          List.of("access-key-id " + adoption.owner().accessKeyId())));
      return null;
    }
    if (!secret.managedByHybridCni()) {
      findings.add(Finding.blocker("NOT_MANAGED_BY_HYBRIDCNI", "Secret " + ns + "/" + name + " lacks the label "
          + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE + ": hybridcni did not write it and "
          + "will not delete it. Delete it by hand if it should go, or point secret.name at the Secret hybridcni "
          + "wrote.", List.of("Secret keys " + secret.keys(), "labels " + secret.labels())));
      return null;
    }
    List<FieldChange> changes = new ArrayList<>();
    if (secret.type() != null) {
      changes.add(new FieldChange("secret.type", ChangeValues.text(secret.type()), null));
    }
    for (String key : secret.keys()) {
      changes.add(new FieldChange("secret.data." + key, ChangeValues.text(ChangeValues.SENSITIVE), null));
    }
    changes.add(new FieldChange("secret.metadata.labels." + SecretFacts.MANAGED_BY_LABEL,
        ChangeValues.text(SecretFacts.MANAGED_BY_VALUE), null));
    Set<String> fact = Set.of(Facts.secret(ns, name));
    Draft d = new Draft("secret-deletion", ActionKind.DELETE_SECRET, ChangeType.DELETE,
        "kubernetes/" + ns + "/Secret/" + name,
        "Secret " + ns + "/" + name + " holds the AccessKey hybridcni wrote for Terway (labelled "
            + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE + ").",
        changes, new ActionDetail.SecretDeletion(ns, name), fact, fact);
    d.dependOn(addonGone);
    return add(d);
  }

  // ---- RAM --------------------------------------------------------------------------------------------------

  private void planRam(Draft addonGone, Draft secretDeletion) {
    // An adopted key's user is not hybridcni's: its keys and the user stay, and only the policy is detached.
    SecretAdoption adoption = SecretAdoption.ofRamUser(spec, s);
    String userName = adoption != null ? adoption.userName() : spec.ramUserName();
    String policyName = spec.ramPolicyName();
    RamFacts ram = s.ram();
    RamFacts.User user = ram.user() != null && ram.user().name().equals(userName) ? ram.user() : null;
    boolean ours = adoption == null && user != null && user.createdByHybridCni();
    if (user != null && !ours && adoption == null) {
      findings.add(Finding.blocker("NOT_MANAGED_BY_HYBRIDCNI", "RAM user " + userName + " exists, but its "
          + "comments do not say hybridcni created it (hybridcni writes \"" + RamFacts.User.HYBRIDCNI_COMMENTS
          + "\"): it is kept, with its AccessKeys and policies. Delete it by hand if it should go.",
          List.of(user.comments() == null ? "comments not observed" : "comments \"" + user.comments() + "\"")));
    }
    Set<String> userFacts = Set.of(Facts.ramUser(userName), Facts.ramUserComments(userName));

    List<Draft> keys = new ArrayList<>();
    Draft detach = null;
    boolean otherPolicies = false;
    if (adoption != null && user != null) {
      for (RamFacts.AttachedPolicy p : ram.attachedPolicies()) {
        if (p.name().equals(policyName) && "Custom".equals(p.type())) {
          detach = new Draft("ram-policy-detachment", ActionKind.DETACH_RAM_POLICY, ChangeType.DELETE,
              "ram/user/" + userName + "/policy/" + policyName,
              "Policy " + policyName + " grants Terway's ENI permissions to user " + userName + ", whose key "
                  + "hybridcni adopted from Secret " + adoption.address() + ": only the policy is detached; the "
                  + "user, its keys and the Secret are kept.",
              List.of(new FieldChange("policy", ChangeValues.text("Custom/" + policyName), null)),
              new ActionDetail.PolicyDetachment(userName, policyName, "Custom"),
              ActionFacts.reads(new ActionDetail.PolicyDetachment(userName, policyName, "Custom"), spec),
              Set.of(Facts.ramAttachments(userName), Facts.ramPolicyAttachmentCount(policyName)));
          detach.dependOn(addonGone);
          add(detach);
        }
      }
    }
    if (ours) {
      for (RamFacts.AccessKey key : ram.accessKeys()) {
        SecretFacts secret = s.secret();
        boolean inSecret = secret != null && secret.present() && secret.holds(Planner.ACCESS_KEY_ID, key.id());
        Draft d = new Draft("access-key-" + key.id(), ActionKind.DELETE_ACCESS_KEY, ChangeType.DELETE,
            "ram/user/" + userName + "/access-key/" + key.id(),
            "AccessKey " + key.id() + " belongs to user " + userName + ", which hybridcni created"
                + (inSecret ? "; it is the key the Secret holds." : "; no Secret holds it."),
            List.of(new FieldChange("access_key_id", ChangeValues.text(key.id()), null),
                new FieldChange("status", ChangeValues.text(key.status()), null)),
            new ActionDetail.AccessKeyDeletion(userName, key.id(), spec.secretNamespace(),
                spec.secretName()),
            union(userFacts, Set.of(Facts.ramAccessKeys(userName))), Set.of(Facts.ramAccessKeys(userName)));
        d.dependOn(secretDeletion != null ? secretDeletion : addonGone);
        keys.add(add(d));
      }
      List<String> others = new ArrayList<>();
      for (RamFacts.AttachedPolicy p : ram.attachedPolicies()) {
        if (p.name().equals(policyName) && "Custom".equals(p.type())) {
          detach = new Draft("ram-policy-detachment", ActionKind.DETACH_RAM_POLICY, ChangeType.DELETE,
              "ram/user/" + userName + "/policy/" + policyName,
              "Policy " + policyName + " grants Terway's ENI permissions to user " + userName + ".",
              List.of(new FieldChange("policy", ChangeValues.text("Custom/" + policyName), null)),
              new ActionDetail.PolicyDetachment(userName, policyName, "Custom"),
              union(userFacts, Set.of(Facts.ramAttachments(userName))),
              Set.of(Facts.ramAttachments(userName), Facts.ramPolicyAttachmentCount(policyName)));
          detach.dependOn(addonGone);
          add(detach);
        } else {
          others.add(p.type() + "/" + p.name());
        }
      }
      if (!others.isEmpty()) {
        otherPolicies = true;
        findings.add(Finding.blocker("RAM_USER_HAS_OTHER_POLICIES", "User " + userName + ", which hybridcni "
            + "created, also holds policies hybridcni did not attach: " + others + ". Deleting the user would "
            + "revoke them, so hybridcni keeps it; detach them first, or delete the user by hand.", others));
      }
    }

    RamFacts.Policy policy = ram.policy() != null && ram.policy().name().equals(policyName) ? ram.policy() : null;
    if (policy != null) {
      boolean attachedToUser = user != null && ram.attachedPolicies().stream()
          .anyMatch(p -> p.name().equals(policyName) && "Custom".equals(p.type()));
      int count = policy.attachmentCount() != null ? policy.attachmentCount() : attachedToUser ? 1 : 0;
      int elsewhere = count - (detach != null ? 1 : 0);
      if (elsewhere > 0) {
        findings.add(Finding.note("RAM_POLICY_STILL_IN_USE", "Policy " + policyName + " is attached to "
            + elsewhere + " principal(s)" + (detach != null ? " besides user " + userName : "") + " (the vendor's "
            + "policy name is per addon, so other registered clusters of the account may share it): it is kept.",
            List.of()));
      } else {
        List<String> versions = policy.versions().stream().map(RamFacts.PolicyVersion::versionId).toList();
        List<String> nonDefault = policy.versions().stream().filter(v -> !v.defaultVersion())
            .map(RamFacts.PolicyVersion::versionId).toList();
        List<FieldChange> changes = new ArrayList<>();
        changes.add(new FieldChange("policy_name", ChangeValues.text(policyName), null));
        if (policy.defaultVersion() != null) {
          changes.add(new FieldChange("default_version", ChangeValues.text(policy.defaultVersion()), null));
        }
        if (!versions.isEmpty()) {
          changes.add(new FieldChange("versions", ChangeValues.texts(versions), null));
        }
        Draft d = new Draft("ram-policy-deletion", ActionKind.DELETE_RAM_POLICY, ChangeType.DELETE,
            "ram/policy/" + policyName,
            "Custom policy " + policyName + " grants Terway's ENI permissions and no other principal holds it"
                + (nonDefault.isEmpty() ? "." : "; its non-default versions " + nonDefault + " are deleted first, "
                    + "as RAM requires."),
            changes, new ActionDetail.RamPolicyDeletion(policyName),
            Set.of(Facts.ramPolicy(policyName), Facts.ramPolicyAttachmentCount(policyName)),
            Set.of(Facts.ramPolicy(policyName), Facts.ramPolicyAttachmentCount(policyName)));
        d.dependOn(detach != null ? detach : addonGone);
        add(d);
      }
    }

    if (ours && !otherPolicies) {
      Draft d = new Draft("ram-user-deletion", ActionKind.DELETE_RAM_USER, ChangeType.DELETE, "ram/user/" + userName,
          "hybridcni created RAM user " + userName + " (its comments say so) to hold Terway's AccessKey.",
          List.of(new FieldChange("user_name", ChangeValues.text(userName), null)),
          new ActionDetail.RamUserDeletion(userName),
          union(userFacts, Set.of(Facts.ramAttachments(userName), Facts.ramAccessKeys(userName))),
          union(userFacts, Set.of(Facts.ramAttachments(userName), Facts.ramAccessKeys(userName))));
      d.dependOn(detach);
      keys.forEach(d::dependOn);
      if (d.dependsOn.isEmpty()) {
        d.dependOn(addonGone);
      }
      add(d);
    }
  }

  // ---- assembly ---------------------------------------------------------------------------------------------

  private Draft add(Draft draft) {
    drafts.add(draft);
    return draft;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.LinkedHashSet<>(a);
    all.addAll(b);
    return all;
  }
}
