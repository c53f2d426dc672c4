package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;

/**
 * The RAM side as observed for the spec's user and policy: the user ({@code null} when absent), the policy with
 * its versions and default version document ({@code null} when absent), the policies attached to the user and
 * the user's AccessKeys (ids and status only: a secret is never observable).
 *
 * <p>RAM objects carry no labels, so what marks a user as hybridcni's is its {@code Comments}, which hybridcni
 * sets to {@link User#HYBRIDCNI_COMMENTS} when it creates the user. The policy's attachment count tells whether
 * principals other than the spec's user still use the policy (the vendor's policy name is per addon, so every
 * registered cluster of an account shares it).
 *
 * <p>{@code secretKeyOwner} is who owns the AccessKey a Secret not written by hybridcni already holds
 * ({@code null}: not looked up, because the Secret is absent, incomplete, or holds one of the spec user's keys).
 * When that owner is another RAM user, the key is adopted and {@code user}, {@code attachedPolicies} and
 * {@code accessKeys} describe that user instead of the spec's {@code ram.userName}.
 */
public record RamFacts(User user, Policy policy, List<AttachedPolicy> attachedPolicies,
    List<AccessKey> accessKeys, SecretKeyOwner secretKeyOwner) {

  public static final RamFacts NONE = new RamFacts(null, null, List.of(), List.of(), null);

  /** Facts without a looked-up Secret key owner. */
  public RamFacts(User user, Policy policy, List<AttachedPolicy> attachedPolicies, List<AccessKey> accessKeys) {
    this(user, policy, attachedPolicies, accessKeys, null);
  }

  /**
   * Who owns the AccessKey held by a Secret, as STS {@code GetCallerIdentity} signed with that key answered it
   * (https://help.aliyun.com/document_detail/43767.html), or the code with which the service refused the key.
   * Never the key's secret.
   *
   * @param accessKeyId the key's id (not secret)
   * @param identityType {@value #RAM_USER}, {@value #ACCOUNT} or {@value #ASSUMED_ROLE_USER}; {@code null} when
   *     refused
   * @param userName the RAM user's name (from the {@code Arn} {@code acs:ram::<account>:user/<name>}); {@code null}
   *     unless {@code identityType} is {@value #RAM_USER}
   * @param accountId the Alibaba Cloud account the key belongs to; {@code null} when refused
   * @param refusal the error code the service refused the key with ({@code InvalidAccessKeyId.NotFound},
   *     {@code InvalidAccessKeyId.Inactive}, {@code SignatureDoesNotMatch}); {@code null} when it answered
   */
  public record SecretKeyOwner(String accessKeyId, String identityType, String userName, String accountId,
      String refusal) {

    public static final String RAM_USER = "RAMUser";
    public static final String ACCOUNT = "Account";
    public static final String ASSUMED_ROLE_USER = "AssumedRoleUser";

    public SecretKeyOwner {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
    }

    /** A key the service refused with {@code code}. */
    public static SecretKeyOwner refused(String accessKeyId, String code) {
      return new SecretKeyOwner(accessKeyId, null, null, null, Objects.requireNonNull(code, "code"));
    }

    /** A key owned by the RAM user {@code userName}. */
    public static SecretKeyOwner ramUser(String accessKeyId, String userName, String accountId) {
      return new SecretKeyOwner(accessKeyId, RAM_USER, Objects.requireNonNull(userName, "userName"), accountId, null);
    }

    /** A key of the account itself (its root identity). */
    public static SecretKeyOwner account(String accessKeyId, String accountId) {
      return new SecretKeyOwner(accessKeyId, ACCOUNT, null, accountId, null);
    }

    @JsonIgnore
    public boolean isRamUser() {
      return refusal == null && RAM_USER.equalsIgnoreCase(identityType) && userName != null;
    }

    @JsonIgnore
    public boolean isAccount() {
      return refusal == null && ACCOUNT.equalsIgnoreCase(identityType);
    }
  }

  /**
   * A RAM user and its {@code Comments} ({@code null} when not observed, as in snapshots written before comments
   * were recorded).
   */
  public record User(String name, String userId, String comments) {

    /** The comments hybridcni gives every user it creates. */
    public static final String HYBRIDCNI_COMMENTS = "Created by hybridcni for Terway on registered clusters";
    /** What the comments of a user hybridcni created contain. */
    public static final String CREATED_BY_HYBRIDCNI = "Created by hybridcni";

    public User {
      Objects.requireNonNull(name, "name");
    }

    /** A user whose comments were not observed. */
    public User(String name, String userId) {
      this(name, userId, null);
    }

    /** Whether the comments say hybridcni created this user. */
    @JsonIgnore
    public boolean createdByHybridCni() {
      return comments != null && comments.contains(CREATED_BY_HYBRIDCNI);
    }
  }

  /** One version of a policy; {@code versionId} is {@code v1}, {@code v2}, ... */
  public record PolicyVersion(String versionId, boolean defaultVersion, String createDate) {
    public PolicyVersion {
      Objects.requireNonNull(versionId, "versionId");
    }

    /** The number in {@code vN}, for ordering versions oldest first. */
    public int number() {
      try {
        return Integer.parseInt(versionId.substring(1));
      } catch (RuntimeException e) {
        return Integer.MAX_VALUE;
      }
    }
  }

  /**
   * A custom policy with its versions (oldest first), the document of its default version, the number of
   * principals it is attached to ({@code null} when not observed) and who they are ({@code holders}, from RAM's
   * {@code ListEntitiesForPolicy}: users, groups and roles, ordered by type and name; {@code null} when not
   * observed, as in snapshots written before holders were recorded or when RAM refused the call).
   */
  public record Policy(String name, String type, String defaultVersion, List<PolicyVersion> versions,
      String defaultDocument, Integer attachmentCount, List<PolicyHolder> holders) {
    public Policy {
      Objects.requireNonNull(name, "name");
      versions = Frozen.list(versions);
      holders = holders == null ? null : holders.stream().sorted().toList();
    }

    /** A policy whose holders were not observed. */
    public Policy(String name, String type, String defaultVersion, List<PolicyVersion> versions,
        String defaultDocument, Integer attachmentCount) {
      this(name, type, defaultVersion, versions, defaultDocument, attachmentCount, null);
    }

    /** A policy whose attachment count and holders were not observed. */
    public Policy(String name, String type, String defaultVersion, List<PolicyVersion> versions,
        String defaultDocument) {
      this(name, type, defaultVersion, versions, defaultDocument, null, null);
    }

    public Policy withAttachmentCount(Integer value) {
      return new Policy(name, type, defaultVersion, versions, defaultDocument, value, holders);
    }

    public Policy withHolders(List<PolicyHolder> value) {
      return new Policy(name, type, defaultVersion, versions, defaultDocument, attachmentCount, value);
    }

    /**
     * The holders other than the RAM user {@code userName}, or {@code null} when the holders were not observed.
     */
    @JsonIgnore
    public List<PolicyHolder> holdersOtherThanUser(String userName) {
      return holders == null ? null
          : holders.stream().filter(h -> !(h.kind() == PolicyHolder.Kind.USER && h.name().equals(userName)))
              .toList();
    }
  }

  /**
   * A principal a policy is attached to: a RAM user, group or role, by name (RAM's {@code ListEntitiesForPolicy}
   * answers {@code Users.User[]}, {@code Groups.Group[]} and {@code Roles.Role[]}).
   */
  public record PolicyHolder(Kind kind, String name) implements Comparable<PolicyHolder> {

    /** The kinds of principal RAM attaches policies to. */
    public enum Kind { USER, GROUP, ROLE }

    public PolicyHolder {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public int compareTo(PolicyHolder o) {
      int byKind = kind.compareTo(o.kind);
      return byKind != 0 ? byKind : name.compareTo(o.name);
    }

    /** {@code user X}, {@code group X}, {@code role X}: how plans name a holder. */
    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name;
    }
  }

  /** A policy attached to the user. */
  public record AttachedPolicy(String name, String type) {}

  /** An AccessKey of the user: id and status ({@code Active} or {@code Inactive}). */
  public record AccessKey(String id, String status, String createDate) {
    public AccessKey {
      Objects.requireNonNull(id, "id");
    }

    public boolean active() {
      return "Active".equalsIgnoreCase(status);
    }
  }

  public RamFacts {
    attachedPolicies = Frozen.list(attachedPolicies);
    accessKeys = Frozen.list(accessKeys);
  }

  public RamFacts withUser(User value) {
    return new RamFacts(value, policy, attachedPolicies, accessKeys, secretKeyOwner);
  }

  public RamFacts withPolicy(Policy value) {
    return new RamFacts(user, value, attachedPolicies, accessKeys, secretKeyOwner);
  }

  public RamFacts withAttachedPolicies(List<AttachedPolicy> value) {
    return new RamFacts(user, policy, value, accessKeys, secretKeyOwner);
  }

  public RamFacts withAccessKeys(List<AccessKey> value) {
    return new RamFacts(user, policy, attachedPolicies, value, secretKeyOwner);
  }

  public RamFacts withSecretKeyOwner(SecretKeyOwner value) {
    return new RamFacts(user, policy, attachedPolicies, accessKeys, value);
  }
}
