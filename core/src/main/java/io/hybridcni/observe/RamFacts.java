package io.hybridcni.observe;

import java.util.List;
import java.util.Objects;

/**
 * The RAM side as observed for the spec's user and policy: the user ({@code null} when absent), the policy with
 * its versions and default version document ({@code null} when absent), the policies attached to the user and
 * the user's AccessKeys (ids and status only: a secret is never observable).
 */
public record RamFacts(User user, Policy policy, List<AttachedPolicy> attachedPolicies,
    List<AccessKey> accessKeys) {

  public static final RamFacts NONE = new RamFacts(null, null, List.of(), List.of());

  /** A RAM user. */
  public record User(String name, String userId) {
    public User {
      Objects.requireNonNull(name, "name");
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

  /** A custom policy with its versions (oldest first) and the document of its default version. */
  public record Policy(String name, String type, String defaultVersion, List<PolicyVersion> versions,
      String defaultDocument) {
    public Policy {
      Objects.requireNonNull(name, "name");
      versions = Frozen.list(versions);
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
    return new RamFacts(value, policy, attachedPolicies, accessKeys);
  }

  public RamFacts withPolicy(Policy value) {
    return new RamFacts(user, value, attachedPolicies, accessKeys);
  }

  public RamFacts withAttachedPolicies(List<AttachedPolicy> value) {
    return new RamFacts(user, policy, value, accessKeys);
  }

  public RamFacts withAccessKeys(List<AccessKey> value) {
    return new RamFacts(user, policy, attachedPolicies, value);
  }
}
