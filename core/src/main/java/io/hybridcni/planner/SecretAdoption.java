package io.hybridcni.planner;

import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts.SecretKeyOwner;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.spec.HybridNetworkSpec;

/**
 * The spec's Secret already holds an AccessKey that hybridcni did not write, and its owner was looked up.
 *
 * <p>{@code kube-system/alibaba-addon-secret} is the credential of several registered-cluster addons (logtail-ds,
 * CSI, virtual nodes, the ACR credential helper), so on a real cluster it often exists already, holding another
 * RAM user's key; the vendor runbook says to skip creating it when it exists, and onectl uses the key in it.
 * hybridcni does the same: it adopts that key and attaches the policy to its owner, creates no user and no key,
 * and never writes to the Secret, so the Secret keeps no {@code managed-by} label and destroy never deletes it.
 *
 * <p>How {@code ram.userName} interacts: a key of the spec's own user (the default name {@code ack-one-user-<10>}
 * is the one onectl uses too) is not adopted but used as it always was. A working key of any other RAM user wins
 * over the spec's name: the spec's user is then neither created nor used, and the plan says so in a note, since a
 * second user and key beside the one every addon already reads would only be an orphan.
 */
record SecretAdoption(SecretKeyOwner owner, SecretFacts secret) {

  /** The adoption the state shows for the spec's Secret, or {@code null}. */
  static SecretAdoption of(HybridNetworkSpec spec, ObservedState s) {
    SecretFacts secret = s.secret();
    SecretKeyOwner owner = s.ram().secretKeyOwner();
    if (owner == null || secret == null || !secret.present() || secret.managedByHybridCni()
        || !secret.namespace().equals(spec.secretNamespace()) || !secret.name().equals(spec.secretName())
        || !secret.valueHashes().containsKey(Planner.ACCESS_KEY_SECRET)
        || !secret.holds(Planner.ACCESS_KEY_ID, owner.accessKeyId())) {
      return null;
    }
    return new SecretAdoption(owner, secret);
  }

  /** The adoption of a RAM user's working key, or {@code null}. */
  static SecretAdoption ofRamUser(HybridNetworkSpec spec, ObservedState s) {
    SecretAdoption adoption = of(spec, s);
    return adoption != null && adoption.owner.isRamUser() ? adoption : null;
  }

  String userName() {
    return owner.userName();
  }

  String address() {
    return secret.namespace() + "/" + secret.name();
  }
}
