package io.hybridcni.aliyun;

import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ENSURE_ACCESS_KEY_SECRET}: creates a new AccessKey and writes it to the Secret at once, as one action.
 *
 * <p>{@code CreateAccessKey} is not idempotent and returns the secret only once, so it is never retried blindly.
 * After an unknown outcome (lost answer, 5xx) the user's keys are listed again: a key that appeared is unusable
 * (its secret is lost) and is deleted before trying again. If the Secret write fails for good, the new key is
 * deleted so that nothing dangles.
 */
final class AccessKeySecretExecutor implements ActionExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(AccessKeySecretExecutor.class);
  static final int MAX_CREATE_ATTEMPTS = 3;

  private final RamApi ram;
  private final SecretStore secrets;
  private final Retrier retrier;

  AccessKeySecretExecutor(RamApi ram, SecretStore secrets, Retrier retrier) {
    this.ram = ram;
    this.secrets = secrets;
    this.retrier = retrier;
  }

  @Override
  public boolean handles(ActionKind kind) {
    return kind == ActionKind.ENSURE_ACCESS_KEY_SECRET;
  }

  @Override
  public StepResult execute(Action action, ExecutionContext context) {
    ActionDetail.AccessKeySecret d = (ActionDetail.AccessKeySecret) action.detail();
    String secretName = d.secretNamespace() + "/" + d.secretName();
    if (context.dryRun()) {
      return StepResult.dryRun("client", "would create an AccessKey for " + d.userName() + " and write it to Secret "
          + secretName, List.of("RAM CreateAccessKey UserName=" + d.userName(),
          (d.secretExists() ? "PUT" : "POST") + " Secret " + secretName + " data {access-key-id: "
              + "(sensitive value), access-key-secret: (sensitive value)}"));
    }
    AccessKeyCredential credential = createKey(d.userName());
    try {
      secrets.writeAccessKey(d.secretNamespace(), d.secretName(), credential);
    } catch (RuntimeException writeFailure) {
      String id = credential.accessKeyId();
      try {
        deleteKey(d.userName(), id);
      } catch (RuntimeException deleteFailure) {
        writeFailure.addSuppressed(deleteFailure);
        throw new HybridCniException("Writing Secret " + secretName + " failed for good (" + writeFailure.getMessage()
            + ") and deleting the new AccessKey " + id + " of " + d.userName() + " failed too ("
            + deleteFailure.getMessage() + "): delete it by hand", writeFailure);
      }
      throw new HybridCniException("Writing Secret " + secretName + " failed for good (" + writeFailure.getMessage()
          + "); the new AccessKey " + id + " of " + d.userName() + " was deleted again", writeFailure);
    }
    LOG.info("Wrote AccessKey {} of {} to Secret {}", credential.accessKeyId(), d.userName(), secretName);
    return StepResult.applied("created AccessKey " + credential.accessKeyId() + " and wrote it to Secret "
        + secretName);
  }

  private AccessKeyCredential createKey(String user) {
    for (int attempt = 1; ; attempt++) {
      Set<String> before = ids(ram.listAccessKeys(user));
      try {
        return ram.createAccessKey(user);
      } catch (AliyunCallException e) {
        if (attempt >= MAX_CREATE_ATTEMPTS || !e.isTransient()) {
          throw e;
        }
        if (e.outcomeUnknown()) {
          // The key may exist without us ever seeing its secret: find it and delete it before trying again.
          Set<String> appeared = ids(ram.listAccessKeys(user));
          appeared.removeAll(before);
          for (String id : appeared) {
            LOG.warn("CreateAccessKey for {} lost its answer; deleting the unusable new key {}", user, id);
            deleteKey(user, id);
          }
        }
        retrier.sleep(retrier.policy().delayAfter(attempt, 0.5));
      }
    }
  }

  /**
   * Deletes a key. A key that is already gone counts as deleted: DeleteAccessKey is retried after a lost answer,
   * and the retry of a delete that went through answers {@code EntityNotExist}.
   */
  private void deleteKey(String user, String id) {
    try {
      ram.deleteAccessKey(user, id);
    } catch (AliyunCallException e) {
      if (e.code() == null || !e.code().startsWith("EntityNotExist")) {
        throw e;
      }
      LOG.debug("AccessKey {} of {} is already gone ({})", id, user, e.code());
    }
  }

  private static Set<String> ids(List<RamFacts.AccessKey> keys) {
    return keys.stream().map(RamFacts.AccessKey::id).collect(Collectors.toCollection(java.util.HashSet::new));
  }
}
