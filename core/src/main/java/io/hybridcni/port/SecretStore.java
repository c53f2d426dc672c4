package io.hybridcni.port;

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
}
