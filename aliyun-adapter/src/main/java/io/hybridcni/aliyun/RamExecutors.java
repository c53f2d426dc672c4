package io.hybridcni.aliyun;

import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.SecretStore;
import io.hybridcni.spec.PolicyDocument;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The RAM executors: one small class per action kind, each idempotent. */
final class RamExecutors {

  private static final Logger LOG = LoggerFactory.getLogger(RamExecutors.class);

  private RamExecutors() {}

  /** {@code ENSURE_RAM_USER}: CreateUser; an existing user of that name is success. */
  static final class EnsureRamUser extends RamExecutor<ActionDetail.RamUser> {
    private final RamApi ram;

    EnsureRamUser(RamApi ram) {
      super(ActionDetail.RamUser.class, ActionKind.ENSURE_RAM_USER);
      this.ram = ram;
    }

    @Override
    String wouldDo(Action action, ActionDetail.RamUser d) {
      return "would create RAM user " + d.userName();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.RamUser d) {
      return List.of("RAM CreateUser UserName=" + d.userName());
    }

    @Override
    StepResult apply(Action action, ActionDetail.RamUser d, ExecutionContext context) {
      return create(() -> {
        ram.createUser(d.userName(), RamFacts.User.HYBRIDCNI_COMMENTS);
        LOG.info("Created RAM user {}", d.userName());
      }, "created RAM user " + d.userName(), "EntityAlreadyExists.User",
          "RAM user " + d.userName() + " already exists", () -> ram.getUser(d.userName()).isPresent());
    }
  }

  /**
   * {@code ENSURE_RAM_POLICY}: CreatePolicy, or CreatePolicyVersion as default after deleting the planned oldest
   * non-default version. If RAM still reports the version limit (someone added a version since planning), the
   * oldest non-default version at that moment is deleted and the call made once more.
   */
  static final class EnsureRamPolicy extends RamExecutor<ActionDetail.RamPolicy> {
    private final RamApi ram;
    private final Retrier retrier;

    EnsureRamPolicy(RamApi ram, Retrier retrier) {
      super(ActionDetail.RamPolicy.class, ActionKind.ENSURE_RAM_POLICY);
      this.ram = ram;
      this.retrier = retrier;
    }

    @Override
    String wouldDo(Action action, ActionDetail.RamPolicy d) {
      return d.newVersion()
          ? "would add a new default version to policy " + d.policyName()
          : "would create policy " + d.policyName();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.RamPolicy d) {
      if (!d.newVersion()) {
        return List.of("RAM CreatePolicy PolicyName=" + d.policyName());
      }
      String create = "RAM CreatePolicyVersion PolicyName=" + d.policyName() + " SetAsDefault=true";
      return d.deleteVersionFirst() == null
          ? List.of(create)
          : List.of("RAM DeletePolicyVersion PolicyName=" + d.policyName() + " VersionId=" + d.deleteVersionFirst(),
              create);
    }

    @Override
    StepResult apply(Action action, ActionDetail.RamPolicy d, ExecutionContext context) {
      if (!d.newVersion()) {
        return create(() -> ram.createPolicy(d.policyName(), d.document(),
                "Terway ENI permissions for ACK One registered clusters (managed by hybridcni)"),
            "created policy " + d.policyName(), "EntityAlreadyExists.Policy", e -> {
              if (hasDocument(d)) {
                return StepResult.alreadySatisfied("policy " + d.policyName()
                    + " already exists with this document");
              }
              throw new StaleActionException(action.id(), List.of("ram.policy/" + d.policyName()
                  + ": was absent, now exists with another document"));
            }, () -> hasDocument(d));
      }
      if (d.deleteVersionFirst() != null) {
        deleteVersion(d.policyName(), d.deleteVersionFirst());
        context.requireLockHeld("creating a new default version of policy " + d.policyName());
      }
      String version;
      try {
        version = createVersion(d);
      } catch (AliyunCallException e) {
        if (!e.hasCode("LimitExceeded.Policy.Version")) {
          throw e;
        }
        String oldest = ram.listPolicyVersions(d.policyName(), "Custom").stream()
            .filter(v -> !v.defaultVersion()).min(Comparator.comparingInt(RamFacts.PolicyVersion::number))
            .map(RamFacts.PolicyVersion::versionId)
            .orElseThrow(() -> e);
        deleteVersion(d.policyName(), oldest);
        context.requireLockHeld("creating a new default version of policy " + d.policyName());
        version = createVersion(d);
      }
      return StepResult.applied("policy " + d.policyName() + " now defaults to " + version);
    }

    /**
     * CreatePolicyVersion, which is not idempotent: after a transient failure whose outcome is unknown (a lost answer,
     * a 5xx) the policy is read first, and a default version that already has the document is the success of the lost
     * call (a blind retry would add a second version, and use up RAM's limit of 5). Throttling and other refusals for
     * sure are retried as they are.
     */
    private String createVersion(ActionDetail.RamPolicy d) {
      for (int attempt = 1; ; attempt++) {
        try {
          return "new version " + ram.createPolicyVersion(d.policyName(), d.document(), true);
        } catch (AliyunCallException e) {
          if (e.outcomeUnknown()) {
            Optional<RamApi.PolicySummary> now = ram.getPolicy(d.policyName(), "Custom");
            if (now.isPresent()
                && PolicyDocument.parse(d.document()).semanticallyEquals(now.get().defaultDocument())) {
              LOG.warn("CreatePolicyVersion for {} lost its answer ({}), yet the policy defaults to the document now "
                  + "(version {})", d.policyName(), e.code() == null ? "no answer" : e.code(),
                  now.get().defaultVersion());
              return "version " + now.get().defaultVersion() + " (its CreatePolicyVersion answer was lost)";
            }
          }
          if (!e.isTransient() || attempt >= retrier.policy().maxAttempts()) {
            throw e;
          }
          retrier.sleep(retrier.policy().delayAfter(attempt, 0.5));
        }
      }
    }

    /** Whether the policy exists and its default version has the planned document. */
    private boolean hasDocument(ActionDetail.RamPolicy d) {
      String current = ram.getPolicy(d.policyName(), "Custom").map(RamApi.PolicySummary::defaultDocument)
          .orElse(null);
      return PolicyDocument.parse(d.document()).semanticallyEquals(current);
    }

    private void deleteVersion(String policy, String version) {
      try {
        ram.deletePolicyVersion(policy, version);
      } catch (AliyunCallException e) {
        if (!e.hasCode("EntityNotExist.Policy.Version")) {
          throw e;
        }
      }
    }
  }

  /** {@code ATTACH_RAM_POLICY}: AttachPolicyToUser; an existing attachment is success. */
  static final class AttachRamPolicy extends RamExecutor<ActionDetail.PolicyAttachment> {
    private final RamApi ram;

    AttachRamPolicy(RamApi ram) {
      super(ActionDetail.PolicyAttachment.class, ActionKind.ATTACH_RAM_POLICY);
      this.ram = ram;
    }

    @Override
    String wouldDo(Action action, ActionDetail.PolicyAttachment d) {
      return "would attach " + d.policyName() + " to " + d.userName();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.PolicyAttachment d) {
      return List.of("RAM AttachPolicyToUser UserName=" + d.userName() + " PolicyName=" + d.policyName()
          + " PolicyType=" + d.policyType());
    }

    @Override
    StepResult apply(Action action, ActionDetail.PolicyAttachment d, ExecutionContext context) {
      return create(() -> ram.attachPolicyToUser(d.userName(), d.policyName(), d.policyType()),
          "attached " + d.policyName() + " to " + d.userName(), "EntityAlreadyExists.User.Policy",
          d.policyName() + " is already attached to " + d.userName(),
          () -> ram.listPoliciesForUser(d.userName()).stream()
              .anyMatch(p -> p.name().equals(d.policyName()) && p.type().equalsIgnoreCase(d.policyType())));
    }
  }

  /**
   * {@code DELETE_ORPHAN_ACCESS_KEY}: reads the Secret (a key it names now is kept, as a failure), then
   * DeleteAccessKey; a key that is already gone is success.
   */
  static final class DeleteOrphanAccessKey extends RamExecutor<ActionDetail.OrphanAccessKey> {
    private final RamApi ram;
    private final SecretStore secrets;

    DeleteOrphanAccessKey(RamApi ram, SecretStore secrets) {
      super(ActionDetail.OrphanAccessKey.class, ActionKind.DELETE_ORPHAN_ACCESS_KEY);
      this.ram = ram;
      this.secrets = secrets;
    }

    @Override
    String wouldDo(Action action, ActionDetail.OrphanAccessKey d) {
      return "would delete AccessKey " + d.accessKeyId();
    }

    @Override
    List<String> wouldCall(Action action, ActionDetail.OrphanAccessKey d) {
      return List.of("RAM DeleteAccessKey UserName=" + d.userName() + " UserAccessKeyId=" + d.accessKeyId());
    }

    @Override
    StepResult apply(Action action, ActionDetail.OrphanAccessKey d, ExecutionContext context) {
      SecretNamedKey.requireNotNamed(secrets, d.secretNamespace(), d.secretName(), d.userName(), d.accessKeyId());
      return delete(() -> ram.deleteAccessKey(d.userName(), d.accessKeyId()),
          "AccessKey " + d.accessKeyId() + " is already gone", "deleted orphan AccessKey " + d.accessKeyId());
    }
  }
}
