package io.hybridcni.aliyun;

import io.hybridcni.observe.RamFacts;
import io.hybridcni.port.AccessKeyCredential;
import java.util.List;
import java.util.Optional;

/**
 * The RAM operations hybridcni uses, in its own types, so that the SDK can change without touching the
 * executors. Every method throws {@link AliyunCallException} on failure; "not found" is an empty answer.
 */
public interface RamApi {

  /**
   * A policy as {@code GetPolicy} shows it: type, default version, that version's document and the number of
   * principals it is attached to ({@code null} when RAM does not say).
   */
  record PolicySummary(String name, String type, String defaultVersion, String defaultDocument,
      Integer attachmentCount) {}

  Optional<RamFacts.User> getUser(String userName);

  void createUser(String userName, String comments);

  /** Deletes the user; RAM refuses while it holds AccessKeys or policies ({@code DeleteConflict.User.*}). */
  void deleteUser(String userName);

  Optional<PolicySummary> getPolicy(String policyName, String policyType);

  /** The versions of a policy, oldest first. */
  List<RamFacts.PolicyVersion> listPolicyVersions(String policyName, String policyType);

  void createPolicy(String policyName, String document, String description);

  /** Adds a version; answers its id. Not retried by implementations: a retry after a lost answer adds another. */
  String createPolicyVersion(String policyName, String document, boolean setAsDefault);

  void deletePolicyVersion(String policyName, String versionId);

  /**
   * Deletes the custom policy; RAM refuses while it is attached ({@code DeleteConflict.Policy.User}, ...) or has
   * non-default versions ({@code DeleteConflict.Policy.Version}).
   */
  void deletePolicy(String policyName);

  List<RamFacts.AttachedPolicy> listPoliciesForUser(String userName);

  /**
   * Who holds the policy: the users, groups and roles it is attached to (RAM's {@code ListEntitiesForPolicy}, one
   * answer without paging); empty when the policy does not exist.
   */
  List<RamFacts.PolicyHolder> listEntitiesForPolicy(String policyName, String policyType);

  void attachPolicyToUser(String userName, String policyName, String policyType);

  void detachPolicyFromUser(String userName, String policyName, String policyType);

  List<RamFacts.AccessKey> listAccessKeys(String userName);

  /** Creates a key. Not retried by implementations: the secret is returned only by this one answer. */
  AccessKeyCredential createAccessKey(String userName);

  void deleteAccessKey(String userName, String accessKeyId);
}
