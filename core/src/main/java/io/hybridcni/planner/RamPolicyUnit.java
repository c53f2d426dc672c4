package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The custom policy that grants Terway's ENI permissions: created when missing, given a new default version when
 * its document grants something else (never narrowing a grant others hold, and deleting the oldest version first
 * at RAM's limit), and deleted by destroy only when no principal but hybridcni's user holds it. Reads the observed
 * policy (versions, default document, holders, attachment count) and the user's attached policies.
 */
final class RamPolicyUnit implements ResourceUnit {

  @Override
  public List<DetailRules<?>> details() {
    return List.of(
        new DetailRules<>(ActionDetail.RamPolicy.class,
            // A new default version of a shared policy was planned for the holders seen: others attaching it since
            // (or detaching it) may turn a harmless update into narrowing someone else's grant.
            (d, spec) -> d.newVersion() ? Set.of(Facts.ramPolicy(d.policyName()),
                Facts.ramPolicyHolders(d.policyName())) : Set.of(Facts.ramPolicy(d.policyName())),
            d -> Set.of(Facts.ramPolicy(d.policyName())),
            (d, state, keys) -> state.toBuilder().ram(state.ram().withPolicy(policyAfter(state.ram().policy(), d)))
                .build()),
        new DetailRules<>(ActionDetail.RamPolicyDeletion.class,
            (d, spec) -> deletionFacts(d.policyName()),
            d -> deletionFacts(d.policyName()),
            (d, state, keys) -> {
              RamFacts ram = state.ram();
              return ram.policy() != null && ram.policy().name().equals(d.policyName())
                  ? state.toBuilder().ram(ram.withPolicy(null)).build() : state;
            }));
  }

  private static Set<String> deletionFacts(String policyName) {
    return Set.of(Facts.ramPolicy(policyName), Facts.ramPolicyAttachmentCount(policyName));
  }

  @Override
  public List<Draft> plan(UnitRun.Forward run, List<Draft> after) {
    String ourUser = run.adoption == null ? run.spec.ramUserName() : run.adoption.userName();
    Draft d = new Forward(run).planRamPolicy(ourUser);
    if (d == null) {
      return List.of();
    }
    d.dependOnAll(after);
    return List.of(d);
  }

  @Override
  public List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after) {
    String policyName = run.spec.ramPolicyName();
    RamFacts ram = run.s.ram();
    RamFacts.Policy policy = ram.policy() != null && ram.policy().name().equals(policyName) ? ram.policy() : null;
    if (policy == null) {
      return List.of();
    }
    boolean detached = !run.planned(ActionKind.DETACH_RAM_POLICY).isEmpty();
    boolean attachedToUser = run.user != null && ram.attachedPolicies().stream()
        .anyMatch(p -> p.name().equals(policyName) && "Custom".equals(p.type()));
    int count = policy.attachmentCount() != null ? policy.attachmentCount() : attachedToUser ? 1 : 0;
    int elsewhere = count - (detached ? 1 : 0);
    if (elsewhere > 0) {
      run.findings.add(Finding.note("RAM_POLICY_STILL_IN_USE", "Policy " + policyName + " is attached to "
          + elsewhere + " principal(s)" + (detached ? " besides user " + run.userName : "") + " (the vendor's "
          + "policy name is per addon, so other registered clusters of the account may share it): it is kept.",
          List.of()));
      return List.of();
    }
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
        changes, new ActionDetail.RamPolicyDeletion(policyName));
    d.dependOnAll(after);
    return List.of(run.add(d));
  }

  /** The policy after its creation, or with the new default version ({@link PlannedState}). */
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

  private static tools.jackson.databind.JsonNode jsonOrText(String text) {
    try {
      return ChangeValues.json(text);
    } catch (RuntimeException e) {
      return ChangeValues.text(text);
    }
  }

  /** One forward planning of the policy. */
  private static final class Forward extends UnitStep {
    Forward(UnitRun run) {
      super(run);
    }

    /**
     * @param ourUser the RAM user hybridcni attaches the policy to: the spec's, or the one whose key it adopts; every
     *     other holder of the policy is someone else's
     */
    Draft planRamPolicy(String ourUser) {
      String name = spec.ramPolicyName();
      RamFacts.Policy policy = s.ram().policy();
      String document = spec.policyDocument().compactText();
      if (policy == null || !policy.name().equals(name)) {
        return add(new Draft("ram-policy", ActionKind.ENSURE_RAM_POLICY, ChangeType.CREATE, "ram/policy/" + name,
            "The custom policy " + name + " that grants Terway's ENI permissions does not exist.",
            List.of(new FieldChange("policy_name", null, ChangeValues.text(name)),
                new FieldChange("policy_type", null, ChangeValues.text("Custom")),
                new FieldChange("document", null, ChangeValues.json(document))),
            new ActionDetail.RamPolicy(name, document, false, null)));
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
      if (versions.size() >= Planner.MAX_POLICY_VERSIONS) {
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
              + " (RAM keeps at most " + Planner.MAX_POLICY_VERSIONS + " versions).");
      return add(new Draft("ram-policy", ActionKind.ENSURE_RAM_POLICY, ChangeType.UPDATE, "ram/policy/" + name,
          reason, changes, new ActionDetail.RamPolicy(name, document, true, deleteFirst)));
    }
  }
}
