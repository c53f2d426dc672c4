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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The policy's attachment to the RAM user: to the spec's user, or, when the spec's Secret holds a working key of
 * another RAM user ({@link SecretAdoption}), to that user (any other identity behind the key is a blocker).
 * Destroy detaches it from either. Reads the user's attached policies and, for an adopted key, its owner.
 */
final class PolicyAttachmentUnit implements ResourceUnit {

  @Override
  public List<DetailRules<?>> details() {
    return List.of(
        new DetailRules<>(ActionDetail.PolicyAttachment.class,
            (d, spec) -> adopted(d.userName(), spec, Set.of(Facts.ramAttachments(d.userName()),
                Facts.ramUser(d.userName()), Facts.ramPolicy(d.policyName()))),
            d -> Set.of(Facts.ramAttachments(d.userName())),
            (d, state, keys) -> {
              List<RamFacts.AttachedPolicy> attached = new ArrayList<>(state.ram().attachedPolicies());
              attached.add(new RamFacts.AttachedPolicy(d.policyName(), d.policyType()));
              return state.toBuilder().ram(state.ram().withAttachedPolicies(attached)
                  .withPolicy(hold(countAttachment(state.ram().policy(), d.policyName(), 1), d.policyName(),
                      d.userName(), true))).build();
            }),
        new DetailRules<>(ActionDetail.PolicyDetachment.class,
            (d, spec) -> adopted(d.userName(), spec, Set.of(Facts.ramUser(d.userName()),
                Facts.ramUserComments(d.userName()), Facts.ramAttachments(d.userName()))),
            d -> Set.of(Facts.ramAttachments(d.userName()), Facts.ramPolicyAttachmentCount(d.policyName())),
            (d, state, keys) -> {
              RamFacts ram = state.ram();
              return state.toBuilder().ram(ram.withAttachedPolicies(ram.attachedPolicies().stream()
                  .filter(p -> !(p.name().equals(d.policyName()) && p.type().equals(d.policyType()))).toList())
                  .withPolicy(hold(countAttachment(ram.policy(), d.policyName(), -1), d.policyName(), d.userName(),
                      false))).build();
            }));
  }

  /**
   * An attachment to (or detachment from) a user other than the spec's is one whose key hybridcni adopted from the
   * spec's Secret ({@link SecretAdoption}): it relies on that Secret still holding that user's key too.
   */
  private static Set<String> adopted(String userName, HybridNetworkSpec spec, Set<String> facts) {
    if (userName.equals(spec.ramUserName())) {
      return facts;
    }
    Set<String> all = new LinkedHashSet<>(facts);
    all.add(Facts.secret(spec.secretNamespace(), spec.secretName()));
    return Set.copyOf(all);
  }

  @Override
  public List<Draft> plan(UnitRun.Forward run, List<Draft> after) {
    Forward f = new Forward(run);
    Draft d = run.adoption == null
        ? f.planAttachment(run.spec.ramUserName(), RamUserUnit.exists(run), after, "Policy "
            + run.spec.ramPolicyName() + " is not attached to user " + run.spec.ramUserName() + ".")
        : f.planAdoptedKey(run.adoption, after);
    return d == null ? List.of() : List.of(d);
  }

  @Override
  public List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after) {
    // An adopted key's user is not hybridcni's, but the policy hybridcni attached to it is detached all the same.
    if (run.user == null || !(run.ours || run.adoption != null)) {
      return List.of();
    }
    String userName = run.userName;
    String policyName = run.spec.ramPolicyName();
    Draft detach = null;
    for (RamFacts.AttachedPolicy p : run.s.ram().attachedPolicies()) {
      if (p.name().equals(policyName) && "Custom".equals(p.type())) {
        String reason = run.adoption != null
            ? "Policy " + policyName + " grants Terway's ENI permissions to user " + userName + ", whose key "
                + "hybridcni adopted from Secret " + run.adoption.address() + ": only the policy is detached; the "
                + "user, its keys and the Secret are kept."
            : "Policy " + policyName + " grants Terway's ENI permissions to user " + userName + ".";
        detach = new Draft("ram-policy-detachment", ActionKind.DETACH_RAM_POLICY, ChangeType.DELETE,
            "ram/user/" + userName + "/policy/" + policyName, reason,
            List.of(new FieldChange("policy", ChangeValues.text("Custom/" + policyName), null)),
            new ActionDetail.PolicyDetachment(userName, policyName, "Custom"));
        detach.dependOnAll(after);
        run.add(detach);
      }
    }
    return detach == null ? List.of() : List.of(detach);
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

  /** What each refusal code of Alibaba Cloud's gateway means for a key. */
  private static String refusalMeaning(String code) {
    return switch (code) {
      case "InvalidAccessKeyId.Inactive" -> "the key is disabled";
      case "InvalidAccessKeyId.NotFound" -> "no such key: it was deleted or never existed";
      case "SignatureDoesNotMatch" -> "the access-key-secret is not this key's secret";
      default -> "the key was refused";
    };
  }

  /** One forward planning of the attachment. */
  private static final class Forward extends UnitStep {
    Forward(UnitRun run) {
      super(run);
    }

    Draft planAttachment(String userName, boolean userExists, List<Draft> after, String reason) {
      String policyName = spec.ramPolicyName();
      boolean attached = userExists && s.ram().attachedPolicies().stream()
          .anyMatch(p -> p.name().equals(policyName) && "Custom".equals(p.type()));
      if (attached) {
        return null;
      }
      Draft d = new Draft("ram-policy-attachment", ActionKind.ATTACH_RAM_POLICY, ChangeType.CREATE,
          "ram/user/" + userName + "/policy/" + policyName, reason,
          List.of(new FieldChange("policy", null, ChangeValues.text("Custom/" + policyName))),
          new ActionDetail.PolicyAttachment(userName, policyName, "Custom"));
      d.dependOnAll(after);
      return add(d);
    }

    /**
     * The Secret holds a key hybridcni did not write and its owner was looked up ({@link SecretAdoption}): a RAM
     * user's working key is adopted (the policy is attached to that user; no user, no key, no write to the
     * Secret); a refused key, an account's own key or any other identity is a blocker. Answers the attachment, or
     * {@code null}.
     */
    Draft planAdoptedKey(SecretAdoption adoption, List<Draft> after) {
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
      return planAttachment(userName, true, after, "Policy " + spec.ramPolicyName() + " is not attached to "
          + "user " + userName + "; " + adopting + ".");
    }
  }
}
