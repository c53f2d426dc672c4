package io.hybridcni.aliyun;

import io.hybridcni.error.HybridCniException;
import io.hybridcni.port.SecretStore;

/**
 * The last look before an AccessKey is deleted: the key the Secret names is never deleted. The plan's fingerprint
 * re-check runs before the action; this reads the Secret right before {@code DeleteAccessKey}, so that a Secret
 * written since (by another writer, or by a hand repairing Terway) keeps its key. A Secret that cannot be read keeps
 * the key too (the read's failure is the action's).
 */
final class SecretNamedKey {

  private SecretNamedKey() {}

  /**
   * Throws, before any delete, when Secret {@code namespace/name} names {@code accessKeyId}.
   *
   * @throws HybridCniException naming the key, the user and the Secret
   */
  static void requireNotNamed(SecretStore secrets, String namespace, String name, String user, String accessKeyId) {
    if (secrets.accessKeyIdIn(namespace, name).filter(accessKeyId::equals).isPresent()) {
      throw new HybridCniException("AccessKey " + accessKeyId + " of " + user + " was to be deleted, but Secret "
          + namespace + "/" + name + " names it now: it is kept and nothing was deleted");
    }
  }
}
