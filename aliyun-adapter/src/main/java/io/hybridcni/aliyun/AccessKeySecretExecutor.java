package io.hybridcni.aliyun;

import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ENSURE_ACCESS_KEY_SECRET}: creates a new AccessKey and writes it to the Secret at once, as one action.
 *
 * <p>{@code CreateAccessKey} is not idempotent and returns the secret only once, so it is never retried blindly.
 * After an unknown outcome (lost answer, 5xx) the user's keys are listed again: exactly one key that appeared is
 * that create's, and it is unusable (its secret was only in the lost answer, so no one holds it). It is named in the
 * result and deleted unless the Secret names it, and a new key is created once more; a second lost answer, more than one new key, or RAM's limit of two keys per user stops with the orphans
 * named (no loop of creates). Before the Secret is written, the apply Lease is checked again: once it is lost the
 * Secret is left alone and the new key is named. If the Secret write fails, the Secret is read back
 * before anything is undone (the write may have been stored although its answer was lost): only a Secret that holds
 * another key or none gets the new key deleted; the key the Secret names is never deleted.
 */
final class AccessKeySecretExecutor extends RamExecutor<ActionDetail.AccessKeySecret> {

  private static final Logger LOG = LoggerFactory.getLogger(AccessKeySecretExecutor.class);
  static final int MAX_CREATE_ATTEMPTS = 3;

  private final RamApi ram;
  private final SecretStore secrets;
  private final Retrier retrier;

  AccessKeySecretExecutor(RamApi ram, SecretStore secrets, Retrier retrier) {
    super(ActionDetail.AccessKeySecret.class, ActionKind.ENSURE_ACCESS_KEY_SECRET);
    this.ram = ram;
    this.secrets = secrets;
    this.retrier = retrier;
  }

  @Override
  String wouldDo(Action action, ActionDetail.AccessKeySecret d) {
    return "would create an AccessKey for " + d.userName() + " and write it to Secret " + secretName(d);
  }

  @Override
  List<String> wouldCall(Action action, ActionDetail.AccessKeySecret d) {
    return List.of("RAM CreateAccessKey UserName=" + d.userName(),
        (d.secretExists() ? "PUT" : "POST") + " Secret " + secretName(d) + " data {access-key-id: "
            + "(sensitive value), access-key-secret: (sensitive value)}");
  }

  private static String secretName(ActionDetail.AccessKeySecret d) {
    return d.secretNamespace() + "/" + d.secretName();
  }

  @Override
  StepResult apply(Action action, ActionDetail.AccessKeySecret d, ExecutionContext context) {
    String secretName = secretName(d);
    List<String> unusable = new ArrayList<>();
    AccessKeyCredential credential = createKey(d.userName(), d, context, unusable);
    String id = credential.accessKeyId();
    try {
      context.requireLockHeld("writing Secret " + secretName);
    } catch (HybridCniException lost) {
      // Another apply may be writing now: the Secret is not touched, and the new key is not silently left behind.
      throw new HybridCniException(lost.getMessage() + ". Secret " + secretName + " was not written; the new "
          + "AccessKey " + id + " of " + d.userName() + " is kept and is an orphan unless another apply writes it: "
          + "delete it, or let the next apply with ram.deleteOrphanAccessKeys do it" + orphans(unusable), lost);
    }
    try {
      secrets.writeAccessKey(d.secretNamespace(), d.secretName(), credential);
    } catch (RuntimeException writeFailure) {
      return afterFailedWrite(d, secretName, id, writeFailure);
    }
    LOG.info("Wrote AccessKey {} of {} to Secret {}", id, d.userName(), secretName);
    return StepResult.applied("created AccessKey " + id + " and wrote it to Secret " + secretName
        + orphans(unusable));
  }

  private static String orphans(List<String> unusable) {
    return unusable.isEmpty() ? "" : "; " + String.join("; ", unusable);
  }

  /**
   * The Secret write failed. Its outcome may be unknown (an answer lost after the API server stored the Secret), so
   * the Secret is read before anything is undone: holding the new key, the write went through; holding another key or
   * none, the new key is of no use and is deleted; unreadable, the new key is left alone (it may be the one Terway now
   * reads) and reported as a possible orphan, unless the write was refused for sure.
   */
  private StepResult afterFailedWrite(ActionDetail.AccessKeySecret d, String secretName, String id,
      RuntimeException writeFailure) {
    Optional<String> held;
    try {
      held = secrets.accessKeyIdIn(d.secretNamespace(), d.secretName());
    } catch (RuntimeException readFailure) {
      writeFailure.addSuppressed(readFailure);
      if (unknown(writeFailure)) {
        throw new HybridCniException("Writing Secret " + secretName + " failed (" + writeFailure.getMessage()
            + ") in a way that may have stored it, and reading it back failed too (" + readFailure.getMessage()
            + "): the new AccessKey " + id + " of " + d.userName() + " is kept, since the Secret may hold it. "
            + "If the Secret does not hold " + id + ", it is an orphan: delete it (or let the next apply with "
            + "ram.deleteOrphanAccessKeys do it)", writeFailure);
      }
      held = Optional.empty();
    }
    if (held.isPresent() && held.get().equals(id)) {
      LOG.warn("Writing Secret {} reported a failure ({}), yet the Secret holds the new AccessKey {}: the write went "
          + "through", secretName, writeFailure.getMessage(), id);
      return StepResult.applied("created AccessKey " + id + " and wrote it to Secret " + secretName + " (the write "
          + "reported a failure, but reading the Secret back shows the new key)");
    }
    try {
      // The Secret was just read (or the write was refused for sure): it does not hold the new key.
      deleteKey(d.userName(), id, d, false);
    } catch (RuntimeException deleteFailure) {
      writeFailure.addSuppressed(deleteFailure);
      throw new HybridCniException("Writing Secret " + secretName + " failed for good (" + writeFailure.getMessage()
          + ") and deleting the new AccessKey " + id + " of " + d.userName() + " failed too ("
          + deleteFailure.getMessage() + "): delete it by hand", writeFailure);
    }
    throw new HybridCniException("Writing Secret " + secretName + " failed for good (" + writeFailure.getMessage()
        + "); the Secret " + (held.isPresent() ? "holds AccessKey " + held.get() : "holds no AccessKey")
        + ", so the new AccessKey " + id + " of " + d.userName() + " was deleted again", writeFailure);
  }

  /** Whether a failed write may have been applied; anything that is not a refusal for sure counts as unknown. */
  private static boolean unknown(RuntimeException failure) {
    if (failure instanceof RemoteCallException remote) {
      return remote.outcomeUnknown();
    }
    // Our own checks (a Secret of the wrong type, an immutable one) refuse before any write.
    return !(failure instanceof HybridCniException);
  }

  /**
   * Creates the key. A lost answer is read back (Crossplane's rule): the one key that appeared since is that create's
   * and unusable, so it is recorded in {@code unusable} (deleted when the spec allows), and the create is tried once
   * more; nothing appeared means the create was not carried out, and it is tried again as a plain transient failure.
   */
  private AccessKeyCredential createKey(String user, ActionDetail.AccessKeySecret d, ExecutionContext context,
      List<String> unusable) {
    boolean lostOnce = false;
    for (int attempt = 1; ; attempt++) {
      Set<String> before = ids(ram.listAccessKeys(user));
      try {
        return ram.createAccessKey(user);
      } catch (AliyunCallException e) {
        if (e.hasCode("LimitExceeded.User.AccessKey")) {
          throw new HybridCniException("CreateAccessKey for " + user + " was refused: RAM allows two AccessKeys per "
              + "user and " + user + " holds " + before + orphans(unusable) + ". Delete an AccessKey the Secret does "
              + "not hold (or set ram.deleteOrphanAccessKeys: true) and apply again", e);
        }
        if (e.outcomeUnknown()) {
          Set<String> appeared = ids(ram.listAccessKeys(user));
          appeared.removeAll(before);
          if (appeared.size() > 1) {
            throw new HybridCniException("CreateAccessKey for " + user + " lost its answer (" + e.getMessage()
                + ") and " + appeared.size() + " new AccessKeys " + new java.util.TreeSet<>(appeared) + " appeared: "
                + "something else creates keys for " + user + " too, so none is adopted or deleted", e);
          }
          if (appeared.size() == 1) {
            unusable.add(settleUnusable(user, appeared.iterator().next(), d));
          }
          if (lostOnce && !appeared.isEmpty()) {
            throw new HybridCniException("CreateAccessKey for " + user + " lost its answer twice after creating a key"
                + orphans(unusable) + "; no further key is created", e);
          }
          if (!appeared.isEmpty()) {
            lostOnce = true;
            context.requireLockHeld("creating another AccessKey for " + user);
            continue;
          }
        }
        if (attempt >= MAX_CREATE_ATTEMPTS || !e.isTransient()) {
          if (!unusable.isEmpty()) {
            throw new HybridCniException(e.getMessage() + orphans(unusable), e);
          }
          throw e;
        }
        retrier.sleep(retrier.policy().delayAfter(attempt, 0.5));
        context.requireLockHeld("creating an AccessKey for " + user + " again");
      }
    }
  }

  /**
   * A key whose create answer was lost: its secret was in that answer only, so no one ever received it and it
   * cannot be in use. It is deleted (after the Secret was read: the key the Secret names is never deleted) whatever
   * {@code ram.deleteOrphanAccessKeys} says, which is about keys that someone may hold; kept only if the delete fails.
   * Keeping it would leave the user at RAM's limit of two keys after two lost answers, and no later run could
   * create the key the Secret needs.
   */
  private String settleUnusable(String user, String id, ActionDetail.AccessKeySecret d) {
    String what = "AccessKey " + id + " of " + user + " was created by a CreateAccessKey whose answer was lost, so "
        + "its secret is unknown: it is an unusable orphan";
    try {
      deleteKey(user, id, d, true);
    } catch (RuntimeException deleteFailure) {
      LOG.warn("{}; deleting it failed: {}", what, deleteFailure.getMessage());
      return what + ", kept: deleting it failed (" + deleteFailure.getMessage() + "); delete it by hand";
    }
    LOG.warn("{}; it was deleted", what);
    return what + ", and was deleted";
  }

  /**
   * Deletes a key, after reading the Secret: the key the Secret names is never deleted (another writer, or an earlier
   * attempt, may have put it there). A key that is already gone counts as deleted: DeleteAccessKey is retried after a
   * lost answer, and the retry of a delete that went through answers {@code EntityNotExist}.
   */
  private void deleteKey(String user, String id, ActionDetail.AccessKeySecret d, boolean readSecretFirst) {
    if (readSecretFirst) {
      SecretNamedKey.requireNotNamed(secrets, d.secretNamespace(), d.secretName(), user, id);
    }
    try {
      ram.deleteAccessKey(user, id);
    } catch (AliyunCallException e) {
      if (!gone(e)) {
        throw e;
      }
      LOG.debug("AccessKey {} of {} is already gone ({})", id, user, e.code());
    }
  }

  private static Set<String> ids(List<RamFacts.AccessKey> keys) {
    return keys.stream().map(RamFacts.AccessKey::id).collect(Collectors.toCollection(java.util.HashSet::new));
  }
}
