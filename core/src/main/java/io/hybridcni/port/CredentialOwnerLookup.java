package io.hybridcni.port;

import io.hybridcni.observe.RamFacts.SecretKeyOwner;

/**
 * Finds who owns an AccessKey found in a Secret, by asking the cloud with that key itself (Alibaba Cloud: STS
 * {@code GetCallerIdentity} signed with it, an operation that needs no RAM permission). The aliyun-adapter
 * implements it. The credential's secret is used to sign that one request and is kept nowhere.
 */
@FunctionalInterface
public interface CredentialOwnerLookup {

  /**
   * The owner of {@code credential}: a RAM user, the account itself, or the code with which the service refused
   * the key (disabled, unknown, or a secret that does not match its id).
   *
   * @throws io.hybridcni.error.HybridCniException when the answer is anything else (throttled beyond retries, a
   *     5xx, no answer); the message names the key id and the request id, never the secret
   */
  SecretKeyOwner ownerOf(AccessKeyCredential credential);
}
