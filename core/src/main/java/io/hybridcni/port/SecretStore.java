package io.hybridcni.port;

import java.util.Optional;

/**
 * Writes an AccessKey into a Kubernetes Secret. The cloud side's AccessKey action calls it right after creating
 * a key, so that the new key is never left outside the Secret; the kube-adapter implements it.
 */
public interface SecretStore {

  /**
   * Creates or updates the Secret (type Opaque, keys {@code access-key-id} and {@code access-key-secret}, marked as
   * managed by hybridcni). Retries transient failures itself.
   *
   * @throws io.hybridcni.error.HybridCniException when the write fails for good; the message never carries the
   *     secret
   */
  void writeAccessKey(String namespace, String name, AccessKeyCredential credential);

  /**
   * Reads the Secret again and answers the AccessKey id its {@code access-key-id} holds; empty when the Secret or
   * that key is absent. Used after a write whose outcome is unknown, and before an AccessKey is deleted: the key the
   * Secret names is never deleted. Retries transient failures itself; never reads out the secret value.
   *
   * <p>The default cannot read and throws, so that a store that does not implement it makes every caller keep the
   * key (the safe side) rather than delete it.
   *
   * @throws io.hybridcni.error.HybridCniException when the Secret cannot be read
   */
  default Optional<String> accessKeyIdIn(String namespace, String name) {
    throw new io.hybridcni.error.HybridCniException("this Secret store cannot read Secret " + namespace + "/" + name
        + " back");
  }

  /**
   * Reads the AccessKey the Secret holds ({@code access-key-id} and {@code access-key-secret}), in memory, so that
   * its owner can be {@linkplain CredentialOwnerLookup looked up}; empty when the Secret or either key is absent,
   * and when the Secret carries hybridcni's {@code managed-by} label (hybridcni wrote that key for its own user:
   * it is never adopted).
   * The secret travels only inside the returned {@link AccessKeyCredential}, masked in every rendering.
   *
   * <p>The default reads nothing (empty): without it no key is adopted, and a Secret hybridcni did not write
   * stays a blocker, the safe side.
   *
   * @throws io.hybridcni.error.HybridCniException when the Secret cannot be read
   */
  default Optional<AccessKeyCredential> readAccessKey(String namespace, String name) {
    return Optional.empty();
  }
}
