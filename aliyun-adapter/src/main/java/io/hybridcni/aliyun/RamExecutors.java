package io.hybridcni.aliyun;

import io.hybridcni.apply.ActionExecutor;
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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The RAM executors: one small class per action kind, each idempotent. */
final class RamExecutors {

  private static final Logger LOG = LoggerFactory.getLogger(RamExecutors.class);

  private RamExecutors() {}

  /** {@code ENSURE_RAM_USER}: CreateUser; an existing user of that name is success. */
  static final class EnsureRamUser implements ActionExecutor<ActionDetail.RamUser> {
    private final RamApi ram;

    EnsureRamUser(RamApi ram) {
      this.ram = ram;
    }

    @Override
    public Class<ActionDetail.RamUser> detailType() {
      return ActionDetail.RamUser.class;
    }

    @Override
    public Set<ActionKind> kinds() {
      return Set.of(ActionKind.ENSURE_RAM_USER);
    }

    @Override
    public StepResult execute(Action action, ActionDetail.RamUser d, ExecutionContext context) {
      if (context.dryRun()) {
        return StepResult.dryRun("client", "would create RAM user " + d.userName(),
            List.of("RAM CreateUser UserName=" + d.userName()));
      }
      try {
        ram.createUser(d.userName(), RamFacts.User.HYBRIDCNI_COMMENTS);
        LOG.info("Created RAM user {}", d.userName());
        return StepResult.applied("created RAM user " + d.userName());
      } catch (AliyunCallException e) {
        if (e.hasCode("EntityAlreadyExists.User")) {
          return StepResult.alreadySatisfied("RAM user " + d.userName() + " already exists");
        }
        return LostAnswers.settle(e, () -> ram.getUser(d.userName()).isPresent(),
            () -> StepResult.applied("created RAM user " + d.userName() + " (its answer was lost; read back)"));
      }
    }
  }

  /**
   * {@code ENSURE_RAM_POLICY}: CreatePolicy, or CreatePolicyVersion as default after deleting the planned oldest
   * non-default version. If RAM still reports the version limit (someone added a version since planning), the
   * oldest non-default version at that moment is deleted and the call made once more.
   */
  static final class EnsureRamPolicy implements ActionExecutor<ActionDetail.RamPolicy> {
    private final RamApi ram;
    private final Retrier retrier;

    EnsureRamPolicy(RamApi ram, Retrier retrier) {
      this.ram = ram;
      this.retrier = retrier;
    }

    @Override
    public Class<ActionDetail.RamPolicy> detailType() {
      return ActionDetail.RamPolicy.class;
    }

    @Override
    public Set<ActionKind> kinds() {
      return Set.of(ActionKind.ENSURE_RAM_POLICY);
    }

    @Override
    public StepResult execute(Action action, ActionDetail.RamPolicy d, ExecutionContext context) {
      if (context.dryRun()) {
        return StepResult.dryRun("client", d.newVersion()
                ? "would add a new default version to policy " + d.policyName()
                : "would create policy " + d.policyName(),
            d.newVersion()
                ? (d.deleteVersionFirst() == null
                    ? List.of("RAM CreatePolicyVersion PolicyName=" + d.policyName() + " SetAsDefault=true")
                    : List.of("RAM DeletePolicyVersion PolicyName=" + d.policyName() + " VersionId="
                        + d.deleteVersionFirst(),
                        "RAM CreatePolicyVersion PolicyName=" + d.policyName() + " SetAsDefault=true"))
                : List.of("RAM CreatePolicy PolicyName=" + d.policyName()));
      }
      if (!d.newVersion()) {
        try {
          ram.createPolicy(d.policyName(), d.document(),
              "Terway ENI permissions for ACK One registered clusters (managed by hybridcni)");
          return StepResult.applied("created policy " + d.policyName());
        } catch (AliyunCallException e) {
          if (!e.hasCode("EntityAlreadyExists.Policy")) {
            return LostAnswers.settle(e, () -> hasDocument(d),
                () -> StepResult.applied("created policy " + d.policyName() + " (its answer was lost; read back)"));
          }
          if (hasDocument(d)) {
            return StepResult.alreadySatisfied("policy " + d.policyName() + " already exists with this document");
          }
          throw new StaleActionException(action.id(), List.of("ram.policy/" + d.policyName()
              + ": was absent, now exists with another document"));
        }
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
  static final class AttachRamPolicy implements ActionExecutor<ActionDetail.PolicyAttachment> {
    private final RamApi ram;

    AttachRamPolicy(RamApi ram) {
      this.ram = ram;
    }

    @Override
    public Class<ActionDetail.PolicyAttachment> detailType() {
      return ActionDetail.PolicyAttachment.class;
    }

    @Override
    public Set<ActionKind> kinds() {
      return Set.of(ActionKind.ATTACH_RAM_POLICY);
    }

    @Override
    public StepResult execute(Action action, ActionDetail.PolicyAttachment d, ExecutionContext context) {
      if (context.dryRun()) {
        return StepResult.dryRun("client", "would attach " + d.policyName() + " to " + d.userName(),
            List.of("RAM AttachPolicyToUser UserName=" + d.userName() + " PolicyName=" + d.policyName()
                + " PolicyType=" + d.policyType()));
      }
      try {
        ram.attachPolicyToUser(d.userName(), d.policyName(), d.policyType());
        return StepResult.applied("attached " + d.policyName() + " to " + d.userName());
      } catch (AliyunCallException e) {
        if (e.hasCode("EntityAlreadyExists.User.Policy")) {
          return StepResult.alreadySatisfied(d.policyName() + " is already attached to " + d.userName());
        }
        return LostAnswers.settle(e, () -> ram.listPoliciesForUser(d.userName()).stream()
                .anyMatch(p -> p.name().equals(d.policyName()) && p.type().equalsIgnoreCase(d.policyType())),
            () -> StepResult.applied("attached " + d.policyName() + " to " + d.userName()
                + " (its answer was lost; read back)"));
      }
    }
  }

  /**
   * {@code DELETE_ORPHAN_ACCESS_KEY}: reads the Secret (a key it names now is kept, as a failure), then
   * DeleteAccessKey; a key that is already gone is success.
   */
  static final class DeleteOrphanAccessKey implements ActionExecutor<ActionDetail.OrphanAccessKey> {
    private final RamApi ram;
    private final SecretStore secrets;

    DeleteOrphanAccessKey(RamApi ram, SecretStore secrets) {
      this.ram = ram;
      this.secrets = secrets;
    }

    @Override
    public Class<ActionDetail.OrphanAccessKey> detailType() {
      return ActionDetail.OrphanAccessKey.class;
    }

    @Override
    public Set<ActionKind> kinds() {
      return Set.of(ActionKind.DELETE_ORPHAN_ACCESS_KEY);
    }

    @Override
    public StepResult execute(Action action, ActionDetail.OrphanAccessKey d, ExecutionContext context) {
      if (context.dryRun()) {
        return StepResult.dryRun("client", "would delete AccessKey " + d.accessKeyId(),
            List.of("RAM DeleteAccessKey UserName=" + d.userName() + " UserAccessKeyId=" + d.accessKeyId()));
      }
      SecretNamedKey.requireNotNamed(secrets, d.secretNamespace(), d.secretName(), d.userName(), d.accessKeyId());
      try {
        ram.deleteAccessKey(d.userName(), d.accessKeyId());
        return StepResult.applied("deleted orphan AccessKey " + d.accessKeyId());
      } catch (AliyunCallException e) {
        if (e.code() != null && e.code().startsWith("EntityNotExist")) {
          return StepResult.alreadySatisfied("AccessKey " + d.accessKeyId() + " is already gone");
        }
        throw e;
      }
    }
  }
}
