package io.hybridcni.aliyun;

import com.aliyun.ram20150501.Client;
import com.aliyun.ram20150501.models.AttachPolicyToUserRequest;
import com.aliyun.ram20150501.models.CreateAccessKeyRequest;
import com.aliyun.ram20150501.models.CreateAccessKeyResponseBody;
import com.aliyun.ram20150501.models.CreatePolicyRequest;
import com.aliyun.ram20150501.models.CreatePolicyVersionRequest;
import com.aliyun.ram20150501.models.CreateUserRequest;
import com.aliyun.ram20150501.models.DeleteAccessKeyRequest;
import com.aliyun.ram20150501.models.DeletePolicyRequest;
import com.aliyun.ram20150501.models.DeletePolicyVersionRequest;
import com.aliyun.ram20150501.models.DeleteUserRequest;
import com.aliyun.ram20150501.models.DetachPolicyFromUserRequest;
import com.aliyun.ram20150501.models.GetPolicyRequest;
import com.aliyun.ram20150501.models.GetPolicyResponseBody;
import com.aliyun.ram20150501.models.GetUserRequest;
import com.aliyun.ram20150501.models.ListAccessKeysRequest;
import com.aliyun.ram20150501.models.ListEntitiesForPolicyRequest;
import com.aliyun.ram20150501.models.ListEntitiesForPolicyResponseBody;
import com.aliyun.ram20150501.models.ListPoliciesForUserRequest;
import com.aliyun.ram20150501.models.ListPolicyVersionsRequest;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import java.util.ArrayList;
import io.hybridcni.error.Sensitive;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link RamApi} over the RAM SDK V2 ({@code ram20150501}). Reads and idempotent writes are retried by the
 * {@link Retrier}; {@code CreateAccessKey} and {@code CreatePolicyVersion}, which are not idempotent, never are.
 */
public final class SdkRamApi implements RamApi {

  private final Client client;
  private final Retrier retrier;
  /** The account's shared call budget, taken by every attempt; null: no limit. */
  private final AliyunCallLimiter limiter;
  /** The caller's secrets and every AccessKey secret this instance handed out: masked in every error. */
  private volatile Sensitive sensitive;

  public SdkRamApi(Client client, Retrier retrier) {
    this(client, retrier, Sensitive.NONE);
  }

  /** As {@link #SdkRamApi(Client, Retrier)}, masking {@code sensitive} (the caller's credential) in every error. */
  public SdkRamApi(Client client, Retrier retrier, Sensitive sensitive) {
    this(client, retrier, sensitive, null);
  }

  /**
   * As {@link #SdkRamApi(Client, Retrier, Sensitive)}, with every attempt (the first and each retry) taking a permit
   * and a slot of {@code limiter}, or with no limit when it is null.
   */
  public SdkRamApi(Client client, Retrier retrier, Sensitive sensitive, AliyunCallLimiter limiter) {
    this.client = client;
    this.retrier = retrier;
    this.limiter = limiter;
    this.sensitive = java.util.Objects.requireNonNull(sensitive, "sensitive");
  }

  /** One attempt: through the account's limiter when there is one, so that no attempt reaches the cloud unmetered. */
  private <T> T once(String operation, String resource, SdkErrors.SdkCall<T> call) {
    return SdkErrors.attempt(limiter, sensitive, operation, resource, call);
  }

  private <T> T retried(String operation, String resource, SdkErrors.SdkCall<T> call) {
    return retrier.call(operation, () -> once(operation, resource, call));
  }

  private static boolean notFound(AliyunCallException e) {
    return e.code() != null && e.code().startsWith("EntityNotExist");
  }

  @Override
  public Optional<RamFacts.User> getUser(String userName) {
    try {
      var user = retried("GetUser", "ram/user/" + userName,
          () -> client.getUser(new GetUserRequest().setUserName(userName)).getBody().getUser());
      return Optional.of(new RamFacts.User(user.getUserName(), user.getUserId(), user.getComments()));
    } catch (AliyunCallException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void createUser(String userName, String comments) {
    retried("CreateUser", "ram/user/" + userName,
        () -> client.createUser(new CreateUserRequest().setUserName(userName).setComments(comments)));
  }

  @Override
  public void deleteUser(String userName) {
    retried("DeleteUser", "ram/user/" + userName,
        () -> client.deleteUser(new DeleteUserRequest().setUserName(userName)));
  }

  @Override
  public Optional<PolicySummary> getPolicy(String policyName, String policyType) {
    try {
      GetPolicyResponseBody body = retried("GetPolicy", "ram/policy/" + policyName,
          () -> client.getPolicy(new GetPolicyRequest().setPolicyName(policyName).setPolicyType(policyType))
              .getBody());
      var policy = body.getPolicy();
      String document = body.getDefaultPolicyVersion() == null ? null
          : body.getDefaultPolicyVersion().getPolicyDocument();
      return Optional.of(new PolicySummary(policy.getPolicyName(), policy.getPolicyType(),
          policy.getDefaultVersion(), document, policy.getAttachmentCount()));
    } catch (AliyunCallException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<RamFacts.PolicyVersion> listPolicyVersions(String policyName, String policyType) {
    var versions = retried("ListPolicyVersions", "ram/policy/" + policyName,
        () -> client.listPolicyVersions(new ListPolicyVersionsRequest().setPolicyName(policyName)
            .setPolicyType(policyType)).getBody().getPolicyVersions().getPolicyVersion());
    List<RamFacts.PolicyVersion> result = new ArrayList<>();
    if (versions != null) {
      for (var v : versions) {
        result.add(new RamFacts.PolicyVersion(v.getVersionId(), Boolean.TRUE.equals(v.getIsDefaultVersion()),
            v.getCreateDate()));
      }
    }
    result.sort(Comparator.comparingInt(RamFacts.PolicyVersion::number));
    return result;
  }

  @Override
  public void createPolicy(String policyName, String document, String description) {
    retried("CreatePolicy", "ram/policy/" + policyName, () -> client.createPolicy(new CreatePolicyRequest()
        .setPolicyName(policyName).setPolicyDocument(document).setDescription(description)));
  }

  @Override
  public String createPolicyVersion(String policyName, String document, boolean setAsDefault) {
    // RotateStrategy None: hybridcni decides itself which version to delete, and says so in the plan. Not retried
    // here: a retry after a lost answer would add a second version; the executor reads the policy first.
    return once("CreatePolicyVersion", "ram/policy/" + policyName, () -> client.createPolicyVersion(
        new CreatePolicyVersionRequest().setPolicyName(policyName).setPolicyDocument(document)
            .setSetAsDefault(setAsDefault).setRotateStrategy("None")).getBody().getPolicyVersion().getVersionId());
  }

  @Override
  public void deletePolicyVersion(String policyName, String versionId) {
    retried("DeletePolicyVersion", "ram/policy/" + policyName + "/version/" + versionId,
        () -> client.deletePolicyVersion(new DeletePolicyVersionRequest().setPolicyName(policyName)
            .setVersionId(versionId)));
  }

  @Override
  public void deletePolicy(String policyName) {
    retried("DeletePolicy", "ram/policy/" + policyName,
        () -> client.deletePolicy(new DeletePolicyRequest().setPolicyName(policyName)));
  }

  @Override
  public List<RamFacts.AttachedPolicy> listPoliciesForUser(String userName) {
    var policies = retried("ListPoliciesForUser", "ram/user/" + userName,
        () -> client.listPoliciesForUser(new ListPoliciesForUserRequest().setUserName(userName)).getBody()
            .getPolicies().getPolicy());
    List<RamFacts.AttachedPolicy> result = new ArrayList<>();
    if (policies != null) {
      for (var p : policies) {
        result.add(new RamFacts.AttachedPolicy(p.getPolicyName(), p.getPolicyType()));
      }
    }
    return result;
  }

  @Override
  public List<RamFacts.PolicyHolder> listEntitiesForPolicy(String policyName, String policyType) {
    ListEntitiesForPolicyResponseBody body;
    try {
      body = retried("ListEntitiesForPolicy", "ram/policy/" + policyName,
          () -> client.listEntitiesForPolicy(new ListEntitiesForPolicyRequest().setPolicyName(policyName)
              .setPolicyType(policyType)).getBody());
    } catch (AliyunCallException e) {
      if (notFound(e)) {
        return List.of();
      }
      throw e;
    }
    List<RamFacts.PolicyHolder> result = new ArrayList<>();
    if (body.getUsers() != null && body.getUsers().getUser() != null) {
      body.getUsers().getUser().forEach(u -> result.add(
          new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER, u.getUserName())));
    }
    if (body.getGroups() != null && body.getGroups().getGroup() != null) {
      body.getGroups().getGroup().forEach(g -> result.add(
          new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.GROUP, g.getGroupName())));
    }
    if (body.getRoles() != null && body.getRoles().getRole() != null) {
      body.getRoles().getRole().forEach(r -> result.add(
          new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.ROLE, r.getRoleName())));
    }
    return result;
  }

  @Override
  public void attachPolicyToUser(String userName, String policyName, String policyType) {
    retried("AttachPolicyToUser", "ram/user/" + userName + "/policy/" + policyName,
        () -> client.attachPolicyToUser(new AttachPolicyToUserRequest().setUserName(userName)
            .setPolicyName(policyName).setPolicyType(policyType)));
  }

  @Override
  public void detachPolicyFromUser(String userName, String policyName, String policyType) {
    retried("DetachPolicyFromUser", "ram/user/" + userName + "/policy/" + policyName,
        () -> client.detachPolicyFromUser(new DetachPolicyFromUserRequest().setUserName(userName)
            .setPolicyName(policyName).setPolicyType(policyType)));
  }

  @Override
  public List<RamFacts.AccessKey> listAccessKeys(String userName) {
    var keys = retried("ListAccessKeys", "ram/user/" + userName,
        () -> client.listAccessKeys(new ListAccessKeysRequest().setUserName(userName)).getBody().getAccessKeys()
            .getAccessKey());
    List<RamFacts.AccessKey> result = new ArrayList<>();
    if (keys != null) {
      for (var k : keys) {
        result.add(new RamFacts.AccessKey(k.getAccessKeyId(), k.getStatus(), k.getCreateDate()));
      }
    }
    return result;
  }

  @Override
  public AccessKeyCredential createAccessKey(String userName) {
    CreateAccessKeyResponseBody.CreateAccessKeyResponseBodyAccessKey key = once("CreateAccessKey",
        "ram/user/" + userName,
        () -> client.createAccessKey(new CreateAccessKeyRequest().setUserName(userName)).getBody().getAccessKey());
    synchronized (this) {
      sensitive = sensitive.and(key.getAccessKeySecret());
    }
    return new AccessKeyCredential(key.getAccessKeyId(), SecretValue.of(key.getAccessKeySecret()));
  }

  @Override
  public void deleteAccessKey(String userName, String accessKeyId) {
    retried("DeleteAccessKey", "ram/user/" + userName + "/access-key/" + accessKeyId,
        () -> client.deleteAccessKey(new DeleteAccessKeyRequest().setUserName(userName)
            .setUserAccessKeyId(accessKeyId)));
  }
}
