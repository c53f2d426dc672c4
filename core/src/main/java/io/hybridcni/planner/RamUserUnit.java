package io.hybridcni.planner;

import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.FieldChange;
import io.hybridcni.plan.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The RAM user that Terway's AccessKey belongs to: created when it does not exist (unless the Secret's key of
 * another user is adopted), deleted by destroy only while its comments say hybridcni created it and it holds no
 * policy hybridcni did not attach. Reads the observed RAM user and its attached policies.
 */
final class RamUserUnit implements ResourceUnit {

  @Override
  public List<DetailRules<?>> details() {
    return List.of(
        new DetailRules<>(ActionDetail.RamUser.class,
            (d, spec) -> Set.of(Facts.ramUser(d.userName())),
            d -> Set.of(Facts.ramUser(d.userName())),
            (d, state, keys) -> state.toBuilder().ram(state.ram().withUser(new RamFacts.User(d.userName(), null,
                RamFacts.User.HYBRIDCNI_COMMENTS)).withAttachedPolicies(List.of()).withAccessKeys(List.of()))
                .build()),
        new DetailRules<>(ActionDetail.RamUserDeletion.class,
            (d, spec) -> userDeletionFacts(d.userName()),
            d -> userDeletionFacts(d.userName()),
            (d, state, keys) -> {
              RamFacts ram = state.ram();
              return ram.user() != null && ram.user().name().equals(d.userName())
                  ? state.toBuilder().ram(ram.withUser(null).withAttachedPolicies(List.of())
                      .withAccessKeys(List.of())).build()
                  : state;
            }));
  }

  private static Set<String> userDeletionFacts(String userName) {
    return Set.of(Facts.ramUser(userName), Facts.ramUserComments(userName), Facts.ramAttachments(userName),
        Facts.ramAccessKeys(userName));
  }

  /** Whether the spec's user exists. */
  static boolean exists(UnitRun run) {
    RamFacts.User user = run.s.ram().user();
    return user != null && user.name().equals(run.spec.ramUserName());
  }

  @Override
  public List<Draft> plan(UnitRun.Forward run, List<Draft> after) {
    if (run.adoption != null || exists(run)) {
      return List.of();
    }
    String name = run.spec.ramUserName();
    Draft d = run.add(new Draft("ram-user", ActionKind.ENSURE_RAM_USER, ChangeType.CREATE, "ram/user/" + name,
        "The RAM user " + name + " that Terway's AccessKey belongs to does not exist.",
        List.of(new FieldChange("user_name", null, ChangeValues.text(name))),
        new ActionDetail.RamUser(name)));
    d.dependOnAll(after);
    return List.of(d);
  }

  @Override
  public List<Draft> planDestroy(UnitRun.Destroy run, List<Draft> after) {
    String userName = run.userName;
    RamFacts.User user = run.user;
    if (user != null && !run.ours && run.adoption == null) {
      run.findings.add(Finding.blocker("NOT_MANAGED_BY_HYBRIDCNI", "RAM user " + userName + " exists, but its "
          + "comments do not say hybridcni created it (hybridcni writes \"" + RamFacts.User.HYBRIDCNI_COMMENTS
          + "\"): it is kept, with its AccessKeys and policies. Delete it by hand if it should go.",
          List.of(user.comments() == null ? "comments not observed" : "comments \"" + user.comments() + "\"")));
    }
    if (!run.ours) {
      return List.of();
    }
    String policyName = run.spec.ramPolicyName();
    List<String> others = new ArrayList<>();
    for (RamFacts.AttachedPolicy p : run.s.ram().attachedPolicies()) {
      if (!(p.name().equals(policyName) && "Custom".equals(p.type()))) {
        others.add(p.type() + "/" + p.name());
      }
    }
    if (!others.isEmpty()) {
      run.findings.add(Finding.blocker("RAM_USER_HAS_OTHER_POLICIES", "User " + userName + ", which hybridcni "
          + "created, also holds policies hybridcni did not attach: " + others + ". Deleting the user would "
          + "revoke them, so hybridcni keeps it; detach them first, or delete the user by hand.", others));
      return List.of();
    }
    Draft d = new Draft("ram-user-deletion", ActionKind.DELETE_RAM_USER, ChangeType.DELETE, "ram/user/" + userName,
        "hybridcni created RAM user " + userName + " (its comments say so) to hold Terway's AccessKey.",
        List.of(new FieldChange("user_name", ChangeValues.text(userName), null)),
        new ActionDetail.RamUserDeletion(userName));
    d.dependOnAll(after);
    return List.of(run.add(d));
  }
}
