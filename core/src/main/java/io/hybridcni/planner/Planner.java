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
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
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

    Run(HybridNetworkSpec spec, ObservedState observed) {
      this.spec = spec;
      this.s = observed;
      this.nodes = new NodeClassifier(spec.cloudNodeLabel());
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
      checkCluster();
      findings.addAll(ClusterChecks.secretLocation(spec, s.secretNamespace()));
      warnWithoutCloudNodes();
      checkTerwayPlacement();
      SecretAdoption adoption = SecretAdoption.of(spec, s);
      Draft user = adoption == null ? planRamUser() : null;
      Draft policy = planRamPolicy(adoption == null ? spec.ramUserName() : adoption.userName());
      Draft attachment;
      Draft secret;
      Draft terwayRestart;
      if (adoption == null) {
        attachment = planAttachment(user, policy);
        secret = planAccessKeySecret(user);
        terwayRestart = planTerwayRestart(secret);
      } else {
        // An adopted key is already in the Secret Terway reads: nothing is written, so nothing to restart.
        attachment = planAdoptedKey(adoption, policy);
        secret = null;
        terwayRestart = null;
      }
      Draft exclusion = excludeCni ? planCniExclusion(detection) : null;
      if (excludeCni) {
        findings.add(Finding.note("BGP_PEERING_OUTSIDE_SCOPE", "Cloud pods are routed through the VBR: BGP "
            + "peering between the on-premises routers and the VBR is outside hybridcni's scope; check it "
            + "before moving workloads.", List.of()));
      }
      List<Draft> before = new ArrayList<>();
      for (Draft d : new Draft[] {user, policy, attachment, secret, terwayRestart, exclusion}) {
        if (d != null) {
          before.add(d);
        }
      }
      planAddon(before);
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
      if (s.nodes().stream().noneMatch(nodes::labelledCloud)) {
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
      List<String> evidence = new ArrayList<>();
      for (NodeInfo node : s.nodes()) {
        if (nodes.cloud(node)) {
          continue;
        }
        if (placement.allows(node)) {
          evidence.add("Terway may schedule onto " + nodes.describe(node));
        } else if (node.runsTerway()) {
          evidence.add("Terway runs on " + nodes.describe(node));
        }
      }
      if (!evidence.isEmpty()) {
        findings.add(Finding.blocker("TERWAY_ON_PREMISES", "Terway would run on on-premises nodes (placement of "
            + origin + "); Terway must run on cloud nodes only. Fix the node labels or Terway's placement.",
            evidence));
      }
    }

    // ---- RAM --------------------------------------------------------------------------------------------------

    private boolean userExists() {
      RamFacts.User user = s.ram().user();
      return user != null && user.name().equals(spec.ramUserName());
    }

    private Draft planRamUser() {
      if (userExists()) {
        return null;
      }
      String name = spec.ramUserName();
      return add(new Draft("ram-user", ActionKind.ENSURE_RAM_USER, ChangeType.CREATE, "ram/user/" + name,
          "The RAM user " + name + " that Terway's AccessKey belongs to does not exist.",
          List.of(new FieldChange("user_name", null, ChangeValues.text(name))),
          new ActionDetail.RamUser(name),
          Set.of(Facts.ramUser(name)), Set.of(Facts.ramUser(name))));
    }

    /**
     * @param ourUser the RAM user hybridcni attaches the policy to: the spec's, or the one whose key it adopts; every
     *     other holder of the policy is someone else's
     */
    private Draft planRamPolicy(String ourUser) {
      String name = spec.ramPolicyName();
      RamFacts.Policy policy = s.ram().policy();
      String document = spec.policyDocument().compactText();
      Set<String> facts = Set.of(Facts.ramPolicy(name));
      if (policy == null || !policy.name().equals(name)) {
        return add(new Draft("ram-policy", ActionKind.ENSURE_RAM_POLICY, ChangeType.CREATE, "ram/policy/" + name,
            "The custom policy " + name + " that grants Terway's ENI permissions does not exist.",
            List.of(new FieldChange("policy_name", null, ChangeValues.text(name)),
                new FieldChange("policy_type", null, ChangeValues.text("Custom")),
                new FieldChange("document", null, ChangeValues.json(document))),
            new ActionDetail.RamPolicy(name, document, false, null), facts, facts));
      }
      if (spec.policyDocument().semanticallyEquals(policy.defaultDocument())) {
        return null;
      }
      if (spec.policyDocument().grantedBy(policy.defaultDocument())) {
        // The policy is per addon, so shared by every registered cluster of the account: a default version that
        // already grants more than the spec asks for is someone's grant, and replacing it would take that away.
        findings.add(Finding.note("POLICY_GRANTS_MORE", "The default version " + policy.defaultVersion()
            + " of policy " + name + " already grants every action of the spec's document, and more; it is kept "
            + "as it is (the policy is shared by every registered cluster of the account).", List.of()));
        return null;
      }
      boolean narrowing = !spec.policyDocument().grantsAllOf(policy.defaultDocument());
      List<RamFacts.PolicyHolder> others = policy.holdersOtherThanUser(ourUser);
      String holders = others == null ? null
          : others.stream().map(RamFacts.PolicyHolder::toString).collect(java.util.stream.Collectors.joining(", "));
      if (others == null) {
        // ListEntitiesForPolicy was not answered: GetPolicy's AttachmentCount can still prove nobody else holds it.
        boolean ours = s.ram().user() != null && s.ram().user().name().equals(ourUser)
            && s.ram().attachedPolicies().stream()
            .anyMatch(p -> p.name().equals(name) && "Custom".equals(p.type()));
        Integer count = policy.attachmentCount();
        if (count != null && count - (ours ? 1 : 0) <= 0) {
          others = List.of();
        } else {
          String who = count == null ? "an unknown number of principals"
              : (count - (ours ? 1 : 0)) + " principal(s) other than user " + ourUser;
          List<String> evidence = List.of("holders of " + name + ": not observed (ram:ListEntitiesForPolicy)",
              "attachment_count=" + (count == null ? "unknown" : count));
          if (narrowing) {
            findings.add(Finding.blocker("POLICY_HOLDERS_UNKNOWN", "The spec's document does not grant everything "
                + "the default version " + policy.defaultVersion() + " of policy " + name + " grants, and that "
                + "policy may be held by " + who + ": hybridcni could not list who holds it (grant "
                + "ram:ListEntitiesForPolicy) and does not narrow a policy others may rely on.", evidence));
            return null;
          }
          findings.add(Finding.warning("POLICY_SHARED_WIDENED", "Policy " + name + " may be held by " + who
              + " (hybridcni could not list them); its new default version grants them more too.", evidence));
        }
      } else if (!others.isEmpty()) {
        List<String> evidence = others.stream().map(h -> "held by " + h).toList();
        if (narrowing) {
          findings.add(Finding.blocker("POLICY_SHARED_NARROWING", "The spec's document does not grant everything "
              + "the default version " + policy.defaultVersion() + " of policy " + name + " grants, and that "
              + "policy is also held by " + holders + ": a new default version would take permissions away from "
              + "them. Use another policy name (ram.policyName) or a document that grants at least what the "
              + "default version grants.", evidence));
          return null;
        }
        findings.add(Finding.warning("POLICY_SHARED_WIDENED", "Policy " + name + " is also held by " + holders
            + ": its new default version grants them more too.", evidence));
      }
      Set<String> versionFacts = Set.of(Facts.ramPolicy(name), Facts.ramPolicyHolders(name));
      List<RamFacts.PolicyVersion> versions = policy.versions().stream()
          .sorted(Comparator.comparingInt(RamFacts.PolicyVersion::number)).toList();
      int next = versions.stream().mapToInt(RamFacts.PolicyVersion::number).filter(n -> n != Integer.MAX_VALUE)
          .max().orElse(0) + 1;
      String deleteFirst = null;
      List<FieldChange> changes = new ArrayList<>();
      changes.add(new FieldChange("default_version", ChangeValues.text(policy.defaultVersion()),
          ChangeValues.text("v" + next)));
      changes.add(new FieldChange("document",
          policy.defaultDocument() == null ? null : jsonOrText(policy.defaultDocument()),
          ChangeValues.json(document)));
      if (versions.size() >= MAX_POLICY_VERSIONS) {
        RamFacts.PolicyVersion oldest = versions.stream().filter(v -> !v.defaultVersion()).findFirst()
            .orElse(null);
        if (oldest == null) {
          findings.add(Finding.blocker("POLICY_VERSION_LIMIT", "Policy " + name + " holds " + versions.size()
              + " versions and none is deletable (all default?); delete a version by hand.", List.of()));
          return null;
        }
        deleteFirst = oldest.versionId();
        List<String> after = new ArrayList<>();
        versions.stream().map(RamFacts.PolicyVersion::versionId).filter(v -> !v.equals(oldest.versionId()))
            .forEach(after::add);
        after.add("v" + next);
        changes.add(new FieldChange("versions",
            ChangeValues.texts(versions.stream().map(RamFacts.PolicyVersion::versionId).toList()),
            ChangeValues.texts(after)));
      }
      String reason = "The default version " + policy.defaultVersion() + " of policy " + name
          + " grants something other than the spec's document; a new default version replaces it"
          + (deleteFirst == null ? "." : ", after deleting the oldest non-default version " + deleteFirst
              + " (RAM keeps at most " + MAX_POLICY_VERSIONS + " versions).");
      return add(new Draft("ram-policy", ActionKind.ENSURE_RAM_POLICY, ChangeType.UPDATE, "ram/policy/" + name,
          reason, changes, new ActionDetail.RamPolicy(name, document, true, deleteFirst), versionFacts, facts));
    }

    private Draft planAttachment(Draft user, Draft policy) {
      return planAttachment(spec.ramUserName(), userExists(), user, policy,
          "Policy " + spec.ramPolicyName() + " is not attached to user " + spec.ramUserName() + ".");
    }

    private Draft planAttachment(String userName, boolean userExists, Draft user, Draft policy, String reason) {
      String policyName = spec.ramPolicyName();
      boolean attached = userExists && s.ram().attachedPolicies().stream()
          .anyMatch(p -> p.name().equals(policyName) && "Custom".equals(p.type()));
      if (attached) {
        return null;
      }
      Draft d = new Draft("ram-policy-attachment", ActionKind.ATTACH_RAM_POLICY, ChangeType.CREATE,
          "ram/user/" + userName + "/policy/" + policyName, reason,
          List.of(new FieldChange("policy", null, ChangeValues.text("Custom/" + policyName))),
          new ActionDetail.PolicyAttachment(userName, policyName, "Custom"),
          ActionFacts.reads(new ActionDetail.PolicyAttachment(userName, policyName, "Custom"), spec),
          Set.of(Facts.ramAttachments(userName)));
      d.dependOn(user);
      if (policy != null && policy.change == ChangeType.CREATE) {
        d.dependOn(policy);
      }
      return add(d);
    }

    /**
     * The Secret holds a key hybridcni did not write and its owner was looked up ({@link SecretAdoption}): a RAM
     * user's working key is adopted (the policy is attached to that user; no user, no key, no write to the
     * Secret); a refused key, an account's own key or any other identity is a blocker. Answers the attachment, or
     * {@code null}.
     */
    private Draft planAdoptedKey(SecretAdoption adoption, Draft policy) {
      RamFacts.SecretKeyOwner owner = adoption.owner();
      String keyId = owner.accessKeyId();
      String where = "Secret " + adoption.address();
      List<String> evidence = List.of("access-key-id " + keyId, "Secret keys " + adoption.secret().keys(),
          "labels " + adoption.secret().labels());
      if (owner.refusal() != null) {
        findings.add(Finding.blocker("SECRET_KEY_REFUSED", where + " holds AccessKey " + keyId + ", which Alibaba "
            + "Cloud refuses (" + owner.refusal() + ": " + refusalMeaning(owner.refusal()) + "), so Terway could "
            + "not use it either. Enable the key or put a working key of a RAM user in the Secret; hybridcni does "
            + "not overwrite a Secret other addons share.", evidence));
        return null;
      }
      if (owner.isAccount()) {
        findings.add(Finding.blocker("SECRET_HOLDS_ACCOUNT_KEY", where + " holds AccessKey " + keyId + " of the "
            + "Alibaba Cloud account " + (owner.accountId() == null ? "" : owner.accountId() + " ") + "itself, not "
            + "of a RAM user: an account key in a cluster Secret grants everything on the account to whoever can "
            + "read the Secret, and no RAM policy narrows it. Replace it with a RAM user's key (and disable the "
            + "account key).", evidence));
        return null;
      }
      if (!owner.isRamUser()) {
        findings.add(Finding.blocker("SECRET_KEY_NOT_A_RAM_USER", where + " holds AccessKey " + keyId + ", whose "
            + "identity is " + owner.identityType() + ", not a RAM user: no policy can be attached to it. Put a "
            + "RAM user's key in the Secret.", evidence));
        return null;
      }
      String userName = owner.userName();
      RamFacts.User observed = s.ram().user();
      if (observed == null || !observed.name().equals(userName)) {
        findings.add(Finding.blocker("SECRET_KEY_OWNER_NOT_FOUND", where + " holds AccessKey " + keyId + " of RAM "
            + "user " + userName + ", but that user was not found in RAM; observe again.", evidence));
        return null;
      }
      String adopting = "adopting the key of RAM user " + userName + " already in the Secret " + adoption.address();
      findings.add(Finding.note("SECRET_KEY_ADOPTED", "Secret " + adoption.address() + " already exists (other "
          + "registered-cluster addons share it): " + adopting + " (AccessKey " + keyId + "). No RAM user or "
          + "AccessKey is created and the Secret is not written; only policy " + spec.ramPolicyName() + " is "
          + "attached to " + userName + "."
          + (userName.equals(spec.ramUserName()) ? "" : " ram.userName " + spec.ramUserName() + " is not used."),
          List.of("access-key-id " + keyId + " belongs to " + owner.identityType() + " " + userName
              + (owner.accountId() == null ? "" : " of account " + owner.accountId()))));
      return planAttachment(userName, true, null, policy, "Policy " + spec.ramPolicyName() + " is not attached to "
          + "user " + userName + "; " + adopting + ".");
    }

    private Draft planAccessKeySecret(Draft user) {
      String userName = spec.ramUserName();
      String ns = spec.secretNamespace();
      String name = spec.secretName();
      SecretFacts secret = s.secret() != null && s.secret().present() && s.secret().namespace().equals(ns)
          && s.secret().name().equals(name) ? s.secret() : null;
      List<RamFacts.AccessKey> keys = userExists() ? s.ram().accessKeys() : List.of();
      RamFacts.AccessKey held = secret == null ? null
          : keys.stream().filter(k -> secret.holds(ACCESS_KEY_ID, k.id())).findFirst().orElse(null);
      boolean complete = secret != null && secret.valueHashes().containsKey(ACCESS_KEY_ID)
          && secret.valueHashes().containsKey(ACCESS_KEY_SECRET) && "Opaque".equals(secret.type());
      Set<String> secretFacts = Set.of(Facts.ramAccessKeys(userName), Facts.secret(ns, name));
      String secretAddress = "kubernetes/" + ns + "/Secret/" + name;

      if (held != null && held.active() && complete) {
        List<RamFacts.AccessKey> orphans = keys.stream().filter(k -> k != held).toList();
        planOrphans(orphans, secretFacts);
        return null;
      }
      if (secret != null && held == null && !secret.managedByHybridCni()
          && secret.valueHashes().containsKey(ACCESS_KEY_ID)) {
        findings.add(Finding.blocker("SECRET_NOT_MANAGED", "Secret " + ns + "/" + name + " exists, was not "
            + "created by hybridcni and holds an AccessKey that is not one of user " + userName + "'s; hybridcni "
            + "will not overwrite it. Delete it, or point secret.name at another Secret.",
            List.of("Secret keys " + secret.keys(), "labels " + secret.labels())));
        return null;
      }
      // Every key the user holds now is unusable for the Secret (its secret cannot be read back), so each one
      // becomes an orphan once the new key is written.
      List<RamFacts.AccessKey> orphans = keys;
      // But the key the Secret names (disabled, or in an incomplete Secret) stays until the new key is written: a
      // run that stops in between must leave the Secret naming a key that exists. The limit never needs it gone
      // first, since 2 keys with one in the Secret leave an orphan to delete.
      List<RamFacts.AccessKey> orphansFirst = keys.stream().filter(k -> k != held).toList();
      if (keys.size() >= MAX_ACCESS_KEYS) {
        if (!spec.deleteOrphanAccessKeys()) {
          findings.add(Finding.blocker("ACCESS_KEY_LIMIT", "User " + userName + " already holds " + keys.size()
              + " AccessKeys (RAM allows " + MAX_ACCESS_KEYS + ") and the Secret holds none of them, so no new key "
              + "can be created. Delete one, or set ram.deleteOrphanAccessKeys: true.",
              keys.stream().map(k -> "AccessKey " + k.id() + " (" + k.status() + ")").toList()));
          return null;
        }
      }
      List<Draft> deletions = spec.deleteOrphanAccessKeys() ? planOrphans(orphansFirst, secretFacts)
          : planOrphans(orphans, secretFacts);
      List<FieldChange> changes = new ArrayList<>();
      changes.add(new FieldChange("ram.access_key", held == null ? null : ChangeValues.text(held.id()),
          ChangeValues.text(ChangeValues.KNOWN_AFTER_APPLY)));
      changes.add(new FieldChange("secret.type", secret == null ? null : ChangeValues.text(secret.type()),
          ChangeValues.text("Opaque")));
      for (String key : List.of(ACCESS_KEY_ID, ACCESS_KEY_SECRET)) {
        changes.add(new FieldChange("secret.data." + key,
            secret != null && secret.valueHashes().containsKey(key) ? ChangeValues.text(ChangeValues.SENSITIVE) : null,
            ChangeValues.text(ChangeValues.SENSITIVE + " " + ChangeValues.KNOWN_AFTER_APPLY)));
      }
      changes.add(new FieldChange("secret.metadata.labels." + SecretFacts.MANAGED_BY_LABEL,
          secret == null ? null : ChangeValues.text(secret.labels().get(SecretFacts.MANAGED_BY_LABEL)),
          ChangeValues.text(SecretFacts.MANAGED_BY_VALUE)));
      changes.removeIf(c -> c.before() != null && c.before().equals(c.after()));
      String reason;
      if (secret == null) {
        reason = "Secret " + ns + "/" + name + " does not exist: a new AccessKey of " + userName
            + " is created and written to it at once (deleted again if that write fails).";
      } else if (held == null) {
        reason = "Secret " + ns + "/" + name + " holds no AccessKey of " + userName + ": a new key is created and "
            + "written to it.";
      } else if (!held.active()) {
        reason = "The AccessKey " + held.id() + " in Secret " + ns + "/" + name + " is " + held.status()
            + ": a new key replaces it.";
      } else {
        reason = "Secret " + ns + "/" + name + " lacks " + ACCESS_KEY_ID + "/" + ACCESS_KEY_SECRET
            + " or is not Opaque: a new key is created and the Secret rewritten.";
      }
      Draft d = new Draft("access-key-secret", ActionKind.ENSURE_ACCESS_KEY_SECRET,
          secret == null ? ChangeType.CREATE : ChangeType.UPDATE, secretAddress, reason, changes,
          new ActionDetail.AccessKeySecret(userName, ns, name, secret != null),
          Set.of(Facts.ramUser(userName), Facts.ramAccessKeys(userName), Facts.secret(ns, name)), secretFacts);
      d.dependOn(user);
      deletions.forEach(d::dependOn);
      add(d);
      if (held != null && spec.deleteOrphanAccessKeys()) {
        add(new Draft("orphan-access-key-" + held.id(), ActionKind.DELETE_ORPHAN_ACCESS_KEY, ChangeType.DELETE,
            "ram/user/" + userName + "/access-key/" + held.id(),
            "AccessKey " + held.id() + " of " + userName + ", which Secret " + ns + "/" + name + " holds now, is "
                + (held.active() ? "in an incomplete Secret" : held.status()) + ": once the new key is written to "
                + "the Secret it is an orphan, and the spec allows deleting orphan keys.",
            List.of(new FieldChange("access_key_id", ChangeValues.text(held.id()), null),
                new FieldChange("status", ChangeValues.text(held.status()), null)),
            new ActionDetail.OrphanAccessKey(userName, held.id(), ns, name), secretFacts,
            Set.of(Facts.ramAccessKeys(userName)))).dependOn(d);
      }
      return d;
    }

    // ---- the new key reaching Terway -----------------------------------------------------------------------

    /**
     * Terway reads its AccessKey once, when its daemon starts (AliyunContainerService/terway
     * {@code types/daemon/config.go} GetConfigFromFileWithMerge reads {@code /var/alibaba-addon-secret/access-key-id}
     * and {@code access-key-secret}; {@code daemon/builder.go} builds one static AKPairProvider from them): a key
     * written into the Secret its pods read reaches them only by a restart. The restart is planned when the plan
     * writes a new key ({@code secret} not null) into a Secret the installed Terway DaemonSet reads; or, when it
     * writes none, when Terway was last restarted (by hybridcni, its annotation says) for another key than the one
     * in the Secret now, or when a key is about to be deleted as an orphan while it cannot be known which key
     * Terway's pods run with (a hybridcni-managed Secret, no restart annotation): a run that stopped between
     * writing the key and restarting Terway converges so. Every orphan key deletion then waits for the restart,
     * except those that must go first to make room for the new key (RAM's limit of two). No restart when Terway
     * is not installed: the addon, installed after the Secret, reads the new key when it starts.
     */
    private Draft planTerwayRestart(Draft secret) {
      TerwayFacts terway = s.terway();
      String ns = spec.secretNamespace();
      String name = spec.secretName();
      if (terway == null || !terway.readsSecret(ns, name)) {
        return null;
      }
      List<Draft> orphanDeletions = drafts.stream().filter(d -> d.kind == ActionKind.DELETE_ORPHAN_ACCESS_KEY)
          .toList();
      SecretFacts current = s.secret() != null && s.secret().present() && s.secret().namespace().equals(ns)
          && s.secret().name().equals(name) ? s.secret() : null;
      String keyHash = current == null ? null : current.valueHashes().get(ACCESS_KEY_ID);
      String reason;
      if (secret != null) {
        reason = "Terway reads its AccessKey only when its daemon starts, and its pods read Secret " + ns + "/"
            + name + ", into which a new key is written: its pods are restarted (as kubectl rollout restart does) "
            + "and the rollout is waited for, before any old key is deleted.";
      } else if (terway.restartedForKey() != null && !terway.restartedForKey().equals(keyHash)) {
        reason = "Terway was last restarted for another AccessKey than the one Secret " + ns + "/" + name
            + " holds now, so its pods still run with the old key: they are restarted and the rollout is waited "
            + "for" + (orphanDeletions.isEmpty() ? "." : ", before any old key is deleted.");
      } else if (terway.restartedForKey() == null && !orphanDeletions.isEmpty() && current != null
          && current.managedByHybridCni()) {
        reason = "An old AccessKey is to be deleted, and nothing says Terway's pods were restarted since hybridcni "
            + "wrote the key Secret " + ns + "/" + name + " holds: they are restarted and the rollout is waited "
            + "for first, so that no pod still runs with the key being deleted.";
      } else {
        return null;
      }
      WorkloadRef ref = terway.daemonSet().ref();
      Draft d = new Draft("terway-restart", ActionKind.RESTART_TERWAY, ChangeType.UPDATE,
          "kubernetes/" + ref.address(), reason,
          List.of(new FieldChange("spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt", null,
                  ChangeValues.text(ChangeValues.KNOWN_AFTER_APPLY)),
              new FieldChange("spec.template.metadata.annotations." + TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION,
                  terway.restartedForKey() == null ? null : ChangeValues.text(terway.restartedForKey()),
                  ChangeValues.text(secret == null && keyHash != null ? keyHash : ChangeValues.KNOWN_AFTER_APPLY)),
              new FieldChange("rollout", null, ChangeValues.text("every pod updated and available"))),
          new ActionDetail.TerwayRestart(ref, ns, name),
          Set.of(Facts.workload(ref), Facts.secret(ns, name)), Set.of(Facts.workload(ref)));
      d.dependOn(secret);
      add(d);
      for (Draft orphan : orphanDeletions) {
        boolean neededFirst = secret != null && secret.dependsOn.contains(orphan.id)
            && s.ram().accessKeys().size() >= MAX_ACCESS_KEYS;
        if (neededFirst) {
          continue;
        }
        // An old key goes only once every Terway pod runs with the new one: it may be the key they run with.
        if (secret != null) {
          secret.dependsOn.remove(orphan.id);
          orphan.dependOn(secret);
        }
        orphan.dependOn(d);
      }
      return d;
    }

    private List<Draft> planOrphans(List<RamFacts.AccessKey> orphans, Set<String> facts) {
      if (orphans.isEmpty()) {
        return List.of();
      }
      String userName = spec.ramUserName();
      if (!spec.deleteOrphanAccessKeys()) {
        findings.add(Finding.warning("ORPHAN_ACCESS_KEYS", "User " + userName + " holds AccessKeys that Secret "
            + spec.secretNamespace() + "/" + spec.secretName() + " does not: " + orphans.stream()
                .map(RamFacts.AccessKey::id).toList() + ". They are kept; set ram.deleteOrphanAccessKeys: true "
            + "to delete them.", orphans.stream().map(k -> "AccessKey " + k.id() + " (" + k.status() + ")")
                .toList()));
        return List.of();
      }
      List<Draft> result = new ArrayList<>();
      for (RamFacts.AccessKey key : orphans) {
        result.add(add(new Draft("orphan-access-key-" + key.id(), ActionKind.DELETE_ORPHAN_ACCESS_KEY,
            ChangeType.DELETE, "ram/user/" + userName + "/access-key/" + key.id(),
            "AccessKey " + key.id() + " of " + userName + " is not held by the Secret and the spec allows "
                + "deleting orphan keys.",
            List.of(new FieldChange("access_key_id", ChangeValues.text(key.id()), null),
                new FieldChange("status", ChangeValues.text(key.status()), null)),
            new ActionDetail.OrphanAccessKey(userName, key.id(), spec.secretNamespace(),
                spec.secretName()), facts,
            Set.of(Facts.ramAccessKeys(userName)))));
      }
      return result;
    }

    // ---- the on-premises CNI exclusion ---------------------------------------------------------------------

    private Draft planCniExclusion(Detection detection) {
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
      List<String> leaving = new ArrayList<>();
      List<String> onPremLeaving = new ArrayList<>();
      for (NodeInfo node : s.nodes()) {
        if (node.runsCalico() && !newPlacement.allows(node)) {
          if (nodes.cloud(node)) {
            leaving.add(node.name());
          } else {
            onPremLeaving.add("Calico would leave " + nodes.describe(node));
          }
        }
      }
      if (!onPremLeaving.isEmpty()) {
        findings.add(Finding.blocker("CALICO_WOULD_LEAVE_ON_PREMISES_NODE", "The exclusion would take Calico off "
            + "node(s) that look on-premises: they carry " + label + " but are not Alibaba Cloud ECS instances. "
            + "Fix their labels before applying.", onPremLeaving));
      }
      if (!leaving.isEmpty()) {
        findings.add(Finding.note("CALICO_LEAVES_CLOUD_NODES", "Calico will be removed from cloud node(s) "
            + leaving + "; their pods lose networking until Terway runs there.", List.of()));
      }
      List<String> staying = s.nodes().stream().filter(n -> n.runsCalico() && newPlacement.allows(n))
          .map(NodeInfo::name).sorted().toList();
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
              rolledOut, strategy, podSelector, deletePodsOnNodes),
          Set.of(Facts.workload(target), Facts.nodesLabelled(label.key(), label.value()),
              Facts.nodesRunningCalico()),
          Set.of(Facts.workload(target), Facts.nodesRunningCalico()));
      return add(d);
    }

    /**
     * What a template change restarts under RollingUpdate: the DaemonSet controller replaces calico-node's pod on
     * every node it keeps running on, {@code maxUnavailable} at a time, and deletes those on the nodes the new
     * placement excludes (kubernetes {@code pkg/controller/daemon/update.go}, rollingUpdate). The runbook's warning:
     * while a node's calico-node restarts, pod networking there can be cut.
     */
    private String restartsRolling(WorkloadRef rolledOut, UpdateStrategy strategy, List<String> staying,
        List<String> leaving) {
      if (!staying.isEmpty()) {
        findings.add(Finding.warning("CALICO_RESTARTS_ON_EVERY_NODE", "The exclusion changes the pod template of "
            + "DaemonSet " + nsName(rolledOut) + ", whose updateStrategy is " + strategy.describe() + ": the "
            + "DaemonSet controller restarts calico-node on every node, " + strategy.maxUnavailable() + " at a time, "
            + "and on-premises pod networking can be cut while a node's calico-node restarts. apply follows the "
            + "rollout and stops before the addon install if on-premises calico pods do not come back Ready.",
            staying.stream().map(n -> "calico-node restarts on " + n).toList()));
      }
      return "This restarts calico-node on every node, " + strategy.maxUnavailable() + " at a time (" + strategy.type()
          + ", maxUnavailable " + strategy.maxUnavailable() + ")" + (leaving.isEmpty() ? "" : ", and removes it from "
          + leaving) + "; apply follows the "
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
      String controller = "the DaemonSet controller removes the calico pods from cloud node(s) " + leaving
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
          leaving.stream().map(n -> "kubectl -n " + rolledOut.namespace() + " delete pod -l " + shellQuoted(selector)
              + " --field-selector spec.nodeName=" + n).toList()));
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

    // ---- the addon ------------------------------------------------------------------------------------------

    private void planAddon(List<Draft> prerequisites) {
      String name = spec.addonName();
      AddonInstance addon = s.addon(name);
      Set<String> facts = Set.of(Facts.cluster(spec.clusterId()), Facts.addon(name));
      String address = "ack/cluster/" + spec.clusterId() + "/addon/" + name;
      List<Draft> before = new ArrayList<>(prerequisites);
      Draft change;
      if (addon == null) {
        List<FieldChange> changes = new ArrayList<>();
        changes.add(new FieldChange("name", null, ChangeValues.text(name)));
        changes.add(new FieldChange("version", null,
            ChangeValues.text(spec.addonVersion() == null ? "(ACK default)" : spec.addonVersion())));
        if (spec.addonConfig() != null) {
          changes.add(new FieldChange("config", null, ChangeValues.json(spec.addonConfig())));
        }
        change = new Draft("addon-install", ActionKind.INSTALL_ADDON, ChangeType.CREATE, address,
            "The " + name + " addon is not installed; cloud nodes need it for pod networking.", changes,
            new ActionDetail.Addon(spec.clusterId(), name, null, spec.addonVersion(), spec.addonConfig()), facts,
            Set.of(Facts.addon(name)));
      } else if (addon.failed()) {
        findings.add(addonFailed(addon));
        return;
      } else {
        boolean upgrade = spec.addonVersion() != null && !spec.addonVersion().equals(addon.version());
        if (!addon.active()) {
          // An addon that is busy (updating, upgrading) must settle before it can be changed again. ACK finishes
          // that change on its own, at any moment and at the version it was asked for (an upgrade a crashed run
          // started, say): the wait holds out for active at any version, and relies on no fact, since the addon
          // settling between plan and apply is what it waits for, not a change that makes it wrong.
          Draft settle = new Draft(upgrade ? "addon-settle" : "addon-wait", ActionKind.WAIT_FOR_ADDON,
              ChangeType.WAIT, address, "The " + name + " addon is " + addon.state() + "; it must be active"
                  + (upgrade ? " before it can be upgraded." : " for Terway to serve cloud nodes."),
              List.of(new FieldChange("state", ChangeValues.text(addon.state()),
                  ChangeValues.text(AddonInstance.ACTIVE))),
              new ActionDetail.AddonWait(spec.clusterId(), name, null),
              Set.of(), Set.of(Facts.addon(name)));
          prerequisites.forEach(settle::dependOn);
          add(settle);
          if (!upgrade) {
            return;
          }
          before = List.of(settle);
        } else if (!upgrade) {
          return;
        }
        List<FieldChange> changes = new ArrayList<>();
        changes.add(new FieldChange("version", ChangeValues.text(addon.version()),
            ChangeValues.text(spec.addonVersion())));
        if (spec.addonConfig() != null) {
          changes.add(new FieldChange("config", null, ChangeValues.json(spec.addonConfig())));
        }
        change = new Draft("addon-upgrade", ActionKind.UPGRADE_ADDON, ChangeType.UPDATE, address,
            "The " + name + " addon runs version " + addon.version() + ", the spec asks for "
                + spec.addonVersion() + ".", changes,
            new ActionDetail.Addon(spec.clusterId(), name, addon.version(), spec.addonVersion(),
                spec.addonConfig()), facts, Set.of(Facts.addon(name)));
      }
      before.forEach(change::dependOn);
      add(change);
      Draft wait = new Draft("addon-wait", ActionKind.WAIT_FOR_ADDON, ChangeType.WAIT, address,
          "Terway serves cloud nodes only once the addon instance is active.",
          List.of(new FieldChange("state", null, ChangeValues.text(AddonInstance.ACTIVE))),
          new ActionDetail.AddonWait(spec.clusterId(), name, spec.addonVersion()),
          Set.of(Facts.addon(name)), Set.of());
      wait.dependOn(change);
      add(wait);
    }

    /**
     * An addon instance in a failure state ({@link AddonInstance#failed()}) at plan time is a blocker, not a wait: ACK
     * leaves that state only when someone changes the addon, so a wait could only fail (or time out), and nothing
     * here can repair it. No source says a second InstallClusterAddons or UpgradeClusterAddons repairs a failed
     * instance: the Terraform alicloud provider (aliyun/terraform-provider-alicloud,
     * alicloud/resource_alicloud_cs_kubernetes_addon.go, resourceAlicloudCSKubernetesAddonCreate and updateAddon)
     * installs only an addon DescribeCsKubernetesAddon does not find, and upgrades only to another version (or
     * updates a differing config), whatever the instance's state. The addon's task tells why it failed: the user
     * looks there, uninstalls the addon and applies again.
     */
    private Finding addonFailed(AddonInstance addon) {
      String name = addon.name();
      return Finding.blocker("ADDON_FAILED", "The " + name + " addon of cluster " + spec.clusterId() + " is in "
          + "state " + addon.state() + ": ACK's last install, upgrade or uninstall of it did not succeed, and "
          + "neither waiting nor installing it again repairs that. Look at the addon's task in the ACK console "
          + "(the cluster's Add-ons page, or its task history) for the reason, uninstall the addon (hybridcni "
          + "destroy, or the console), then run apply again.",
          List.of("state=" + addon.state(), "version=" + (addon.version() == null ? "(none)" : addon.version())));
    }

    // ---- assembly -------------------------------------------------------------------------------------------

    private Draft add(Draft draft) {
      drafts.add(draft);
      return draft;
    }

    private List<Finding> sortFindings() {
      List<Finding> sorted = new ArrayList<>(findings);
      sorted.sort(Comparator.comparing(Finding::severity));
      return sorted;
    }

    private List<Action> finishActions() {
      return finish(drafts, s);
    }
  }

  /**
   * Orders actions by their edges (stable: ties keep planning order) and fingerprints each with the facts it
   * read that no earlier action writes, since those are the facts that must still hold when it runs.
   */
  static List<Action> finish(List<Draft> drafts, ObservedState s) {
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
      Set<String> relied = new LinkedHashSet<>(d.reads);
      relied.removeAll(written);
      Fingerprint fingerprint = Fingerprint.of(new TreeMap<>(Facts.read(relied, s)));
      actions.add(new Action(d.id, d.kind, d.change, d.address, d.reason, List.copyOf(d.dependsOn), d.changes,
          d.detail, fingerprint));
      written.addAll(d.writes);
    }
    return actions;
  }

  /** An action before ordering and fingerprinting. */
  static final class Draft {
    final String id;
    final ActionKind kind;
    final ChangeType change;
    final String address;
    final String reason;
    final List<FieldChange> changes;
    final ActionDetail detail;
    final Set<String> reads;
    final Set<String> writes;
    final Set<String> dependsOn = new LinkedHashSet<>();

    Draft(String id, ActionKind kind, ChangeType change, String address, String reason, List<FieldChange> changes,
        ActionDetail detail, Set<String> reads, Set<String> writes) {
      this.id = id;
      this.kind = kind;
      this.change = change;
      this.address = address;
      this.reason = reason;
      this.changes = changes;
      this.detail = detail;
      this.reads = reads;
      this.writes = writes;
    }

    void dependOn(Draft other) {
      if (other != null) {
        dependsOn.add(other.id);
      }
    }
  }

  /** What each refusal code of Alibaba Cloud's gateway means for a key. */
  private static String refusalMeaning(String code) {
    return switch (code) {
      case "InvalidAccessKeyId.Inactive" -> "the key is disabled";
      case "InvalidAccessKeyId.NotFound" -> "no such key: it was deleted or never existed";
      case "SignatureDoesNotMatch" -> "the access-key-secret is not this key's secret";
      default -> "the key was refused";
    };
  }

  private static tools.jackson.databind.JsonNode jsonOrText(String text) {
    try {
      return ChangeValues.json(text);
    } catch (RuntimeException e) {
      return ChangeValues.text(text);
    }
  }

  static boolean isBlocking(Finding f) {
    return f.severity() == Severity.BLOCKER;
  }

  private static String nsName(WorkloadRef ref) {
    return ref.namespace() + "/" + ref.name();
  }

  /** A {@code kubectl -l} selector as one shell word: quoted when it holds anything but name characters. */
  static String shellQuoted(String selector) {
    return selector.matches("[A-Za-z0-9._/=,-]+") ? selector : "'" + selector.replace("'", "'\\''") + "'";
  }
}
