package io.hybridcni.aliyun;

import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.SecretStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RAM executors of a destroy: one small class per action kind, each idempotent (what is already gone is
 * success). The user and the policy are looked at again right before they are deleted, so that a user whose
 * comments no longer name hybridcni, or a policy someone attached elsewhere since the plan, is left alone.
 */
final class RamDeletionExecutors {

  private static final Logger LOG = LoggerFactory.getLogger(RamDeletionExecutors.class);

  private RamDeletionExecutors() {}

  /** {@code DETACH_RAM_POLICY}: DetachPolicyFromUser; a policy that is no longer attached is success. */
  static final class DetachRamPolicy extends RamExecutor<ActionDetail.PolicyDetachment> {
    private final RamApi ram;

    DetachRamPolicy(RamApi ram) {
      super(ActionDetail.PolicyDetachment.class, ActionKind.DETACH_RAM_POLICY);
      this.ram = ram;
    }

    @Override
    String wouldDo(Action action, ActionDetail.PolicyDetachment d) {
      return "would detach " + d.policyName() + " from " + d.userName();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.PolicyDetachment d) {
      return List.of("RAM DetachPolicyFromUser UserName=" + d.userName() + " PolicyName=" + d.policyName()
          + " PolicyType=" + d.policyType());
    }

    @Override
    StepResult apply(Action action, ActionDetail.PolicyDetachment d, ExecutionContext context) {
      return delete(() -> ram.detachPolicyFromUser(d.userName(), d.policyName(), d.policyType()),
          d.policyName() + " is not attached to " + d.userName(),
          "detached " + d.policyName() + " from " + d.userName());
    }
  }

  /**
   * {@code DELETE_ACCESS_KEY}: reads the Secret (a key it names now, say a Secret written again since the plan, is
   * kept, as a failure), then DeleteAccessKey; a key that is already gone is success.
   */
  static final class DeleteAccessKey extends RamExecutor<ActionDetail.AccessKeyDeletion> {
    private final RamApi ram;
    private final SecretStore secrets;

    DeleteAccessKey(RamApi ram, SecretStore secrets) {
      super(ActionDetail.AccessKeyDeletion.class, ActionKind.DELETE_ACCESS_KEY);
      this.ram = ram;
      this.secrets = secrets;
    }

    @Override
    String wouldDo(Action action, ActionDetail.AccessKeyDeletion d) {
      return "would delete AccessKey " + d.accessKeyId() + " of " + d.userName();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.AccessKeyDeletion d) {
      return List.of("RAM DeleteAccessKey UserName=" + d.userName() + " UserAccessKeyId=" + d.accessKeyId());
    }

    @Override
    StepResult apply(Action action, ActionDetail.AccessKeyDeletion d, ExecutionContext context) {
      SecretNamedKey.requireNotNamed(secrets, d.secretNamespace(), d.secretName(), d.userName(), d.accessKeyId());
      return delete(() -> {
        ram.deleteAccessKey(d.userName(), d.accessKeyId());
        LOG.info("Deleted AccessKey {} of {}", d.accessKeyId(), d.userName());
      }, "AccessKey " + d.accessKeyId() + " is already gone",
          "deleted AccessKey " + d.accessKeyId() + " of " + d.userName());
    }
  }

  /**
   * {@code DELETE_RAM_POLICY}: reads the policy again (gone is success; attached to any principal stops as stale),
   * deletes its non-default versions, as RAM requires, then the policy. A version added meanwhile is deleted and
   * the deletion tried once more.
   */
  static final class DeleteRamPolicy extends RamExecutor<ActionDetail.RamPolicyDeletion> {
    private final RamApi ram;

    DeleteRamPolicy(RamApi ram) {
      super(ActionDetail.RamPolicyDeletion.class, ActionKind.DELETE_RAM_POLICY);
      this.ram = ram;
    }

    @Override
    String wouldDo(Action action, ActionDetail.RamPolicyDeletion d) {
      return "would delete policy " + d.policyName() + " and its non-default versions";
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.RamPolicyDeletion d) {
      return List.of("RAM DeletePolicyVersion PolicyName=" + d.policyName() + " VersionId=<each non-default version>",
          "RAM DeletePolicy PolicyName=" + d.policyName());
    }

    @Override
    StepResult apply(Action action, ActionDetail.RamPolicyDeletion d, ExecutionContext context) {
      String name = d.policyName();
      Optional<RamApi.PolicySummary> policy = ram.getPolicy(name, "Custom");
      if (policy.isEmpty()) {
        return StepResult.alreadySatisfied("policy " + name + " is already gone");
      }
      Integer count = policy.get().attachmentCount();
      if (count != null && count > 0) {
        throw new StaleActionException(action.id(), List.of("ram.policy_attachment_count/" + name
            + ": policy " + name + " is attached to " + count + " principal(s) now; it is kept"));
      }
      List<String> deleted = deleteNonDefaultVersions(name, context);
      context.requireLockHeld("deleting policy " + name);
      return delete(() -> ram.deletePolicy(name), "policy " + name + " is already gone", e -> {
        if (e.hasCode("DeleteConflict.Policy.Version")) {
          deleted.addAll(deleteNonDefaultVersions(name, context));
          context.requireLockHeld("deleting policy " + name);
          ram.deletePolicy(name);
        } else if (e.code() != null && e.code().startsWith("DeleteConflict.Policy")) {
          throw new StaleActionException(action.id(), List.of("ram.policy_attachment_count/" + name + ": RAM "
              + "refused to delete policy " + name + " (" + e.code() + "): it was attached again; it is kept"));
        } else {
          throw e;
        }
      }, () -> {
        LOG.info("Deleted policy {} (and its non-default versions {})", name, deleted);
        return StepResult.applied("deleted policy " + name
            + (deleted.isEmpty() ? "" : " after its non-default versions " + deleted));
      });
    }

    private List<String> deleteNonDefaultVersions(String name, ExecutionContext context) {
      List<String> deleted = new ArrayList<>();
      for (RamFacts.PolicyVersion v : ram.listPolicyVersions(name, "Custom")) {
        if (v.defaultVersion()) {
          continue;
        }
        context.requireLockHeld("deleting version " + v.versionId() + " of policy " + name);
        try {
          ram.deletePolicyVersion(name, v.versionId());
          deleted.add(v.versionId());
        } catch (AliyunCallException e) {
          if (!gone(e)) {
            throw e;
          }
        }
      }
      return deleted;
    }
  }

  /**
   * {@code DELETE_RAM_USER}: reads the user again (gone is success; comments that no longer say hybridcni created
   * it stop as stale) and deletes it. RAM refuses while the user still holds keys or policies: that is stale too
   * (something was added since the plan); any other conflict (a login profile, MFA device or group) is named so
   * that a person can remove it.
   */
  static final class DeleteRamUser extends RamExecutor<ActionDetail.RamUserDeletion> {
    private final RamApi ram;

    DeleteRamUser(RamApi ram) {
      super(ActionDetail.RamUserDeletion.class, ActionKind.DELETE_RAM_USER);
      this.ram = ram;
    }

    @Override
    String wouldDo(Action action, ActionDetail.RamUserDeletion d) {
      return "would delete RAM user " + d.userName();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.RamUserDeletion d) {
      return List.of("RAM DeleteUser UserName=" + d.userName());
    }

    @Override
    StepResult apply(Action action, ActionDetail.RamUserDeletion d, ExecutionContext context) {
      String name = d.userName();
      Optional<RamFacts.User> user = ram.getUser(name);
      if (user.isEmpty()) {
        return StepResult.alreadySatisfied("RAM user " + name + " is already gone");
      }
      if (!user.get().createdByHybridCni()) {
        throw new StaleActionException(action.id(), List.of("ram.user_comments/" + name + ": the comments of "
            + name + " no longer say hybridcni created it (now \"" + user.get().comments() + "\"); it is kept"));
      }
      return delete(() -> ram.deleteUser(name), "RAM user " + name + " is already gone", e -> {
        if (e.hasCode("DeleteConflict.User.AccessKey") || e.hasCode("DeleteConflict.User.Policy")) {
          throw new StaleActionException(action.id(), List.of("ram.user/" + name + ": RAM refused to delete "
              + name + " (" + e.code() + "): it holds AccessKeys or policies added since the plan"));
        }
        if (e.code() != null && e.code().startsWith("DeleteConflict")) {
          throw new HybridCniException("RAM refused to delete user " + name + " (" + e.code() + "): it still "
              + "holds something hybridcni does not manage; remove that by hand and run destroy again. "
              + e.getMessage(), e);
        }
        throw e;
      }, () -> {
        LOG.info("Deleted RAM user {}", name);
        return StepResult.applied("deleted RAM user " + name);
      });
    }
  }
}
