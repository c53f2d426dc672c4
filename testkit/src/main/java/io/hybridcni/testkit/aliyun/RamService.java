package io.hybridcni.testkit.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The RAM (2015-05-01) side of the fake: users, custom and system policies with versions, user attachments and
 * AccessKeys, including the caller keys requests are signed with. Every method holds this object's monitor,
 * so each call is atomic.
 */
final class RamService {

  static final String API_VERSION = "2015-05-01";
  static final int ACCESS_KEYS_PER_USER = 2;
  static final int VERSIONS_PER_POLICY = 5;
  static final String CUSTOM = "Custom";
  static final String SYSTEM = "System";
  /** The fake's account id, in role ARNs ({@code acs:ram::<account id>:role/<name>}); a made-up value. */
  static final String ACCOUNT_ID = "1234567890123456";

  static final Set<String> ACTIONS = Set.of(
      "GetUser", "CreateUser", "DeleteUser",
      "GetPolicy", "CreatePolicy", "DeletePolicy",
      "GetPolicyVersion", "ListPolicyVersions", "CreatePolicyVersion", "DeletePolicyVersion",
      "ListPoliciesForUser", "AttachPolicyToUser", "DetachPolicyFromUser", "ListEntitiesForPolicy",
      "ListAccessKeys", "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey");

  // RAM's CreateUser reference (help.aliyun.com/document_detail/28680.html): UserName is 1 to 64 characters of
  // letters, digits, '.', '-' and '_'.
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9-]{1,128}");

  private final Map<String, String> stsTokens = new java.util.HashMap<>();
  private final Ids ids;
  private final Map<String, User> users = new LinkedHashMap<>();
  private final Map<String, Policy> policies = new LinkedHashMap<>();
  /** user name to (policy key to attach date), in attach order. */
  private final Map<String, Map<String, String>> attachments = new LinkedHashMap<>();
  private final Map<String, Key> keys = new LinkedHashMap<>();
  /** group name to (policy key to attach date): groups exist here only as holders of policies. */
  private final Map<String, Map<String, String>> groupAttachments = new LinkedHashMap<>();
  /** role name to (policy key to attach date): roles exist here only as holders of policies. */
  private final Map<String, Map<String, String>> roleAttachments = new LinkedHashMap<>();
  private final Map<String, String> roleIds = new LinkedHashMap<>();
  /** Every secret the fake ever issued, kept after a delete so renderings can still be scrubbed of it. */
  private final List<String> issuedSecrets = new ArrayList<>();

  RamService(Ids ids) {
    this.ids = ids;
  }

  /** A credential the gateway can check a signature against. */
  record Credential(String secret, boolean active) {}

  // ---------------------------------------------------------------------------------------------- the API

  synchronized ObjectNode handle(String action, Map<String, String> params, String callerKeyId) {
    return switch (action) {
      case "GetUser" -> getUser(params);
      case "CreateUser" -> createUser(params);
      case "DeleteUser" -> deleteUser(params);
      case "GetPolicy" -> getPolicy(params);
      case "CreatePolicy" -> createPolicy(params);
      case "DeletePolicy" -> deletePolicy(params);
      case "GetPolicyVersion" -> getPolicyVersion(params);
      case "ListPolicyVersions" -> listPolicyVersions(params);
      case "CreatePolicyVersion" -> createPolicyVersion(params);
      case "DeletePolicyVersion" -> deletePolicyVersion(params);
      case "ListPoliciesForUser" -> listPoliciesForUser(params);
      case "AttachPolicyToUser" -> attachPolicyToUser(params);
      case "DetachPolicyFromUser" -> detachPolicyFromUser(params);
      case "ListEntitiesForPolicy" -> listEntitiesForPolicy(params);
      case "ListAccessKeys" -> listAccessKeys(params, callerKeyId);
      case "CreateAccessKey" -> createAccessKey(params, callerKeyId);
      case "UpdateAccessKey" -> updateAccessKey(params, callerKeyId);
      case "DeleteAccessKey" -> deleteAccessKey(params, callerKeyId);
      default -> throw unknownAction(action);
    };
  }

  static ApiError unknownAction(String action) {
    return ApiError.notFound("InvalidAction.NotFound",
        "Specified api is not found, please check your url and method: " + action + ".");
  }

  private ObjectNode getUser(Map<String, String> params) {
    User user = existingUser(required(params, "UserName"));
    ObjectNode body = Json.object();
    ObjectNode node = body.putObject("User");
    node.put("UserName", user.name);
    node.put("UserId", user.userId);
    node.put("DisplayName", user.displayName);
    node.put("CreateDate", user.createDate);
    node.put("UpdateDate", user.updateDate);
    node.put("Comments", user.comments);
    return body;
  }

  private ObjectNode createUser(Map<String, String> params) {
    String name = required(params, "UserName");
    if (!USER_NAME.matcher(name).matches()) {
      throw ApiError.badRequest("InvalidParameter.UserName.InvalidChars",
          "The parameter UserName must be 1 to 64 characters of letters, digits, '.', '_' or '-', was \""
              + name + "\".");
    }
    if (users.containsKey(name)) {
      throw ApiError.conflict("EntityAlreadyExists.User", "The user already exists: " + name + ".");
    }
    User user = addUser(name, params.getOrDefault("DisplayName", ""), params.getOrDefault("Comments", ""));
    ObjectNode body = Json.object();
    ObjectNode node = body.putObject("User");
    node.put("UserName", user.name);
    node.put("UserId", user.userId);
    node.put("DisplayName", user.displayName);
    node.put("CreateDate", user.createDate);
    node.put("Comments", user.comments);
    return body;
  }

  private ObjectNode deleteUser(Map<String, String> params) {
    User user = existingUser(required(params, "UserName"));
    if (keys.values().stream().anyMatch(key -> user.name.equals(key.userName))) {
      throw ApiError.conflict("DeleteConflict.User.AccessKey",
          "The user still has AccessKeys; delete them first: " + user.name + ".");
    }
    if (!attachments.getOrDefault(user.name, Map.of()).isEmpty()) {
      throw ApiError.conflict("DeleteConflict.User.Policy",
          "The user still has policies attached; detach them first: " + user.name + ".");
    }
    users.remove(user.name);
    attachments.remove(user.name);
    return Json.object();
  }

  private ObjectNode getPolicy(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), policyType(params));
    PolicyVersion defaultVersion = policy.defaultVersion();
    ObjectNode body = Json.object();
    ObjectNode node = body.putObject("Policy");
    node.put("PolicyName", policy.name);
    node.put("PolicyType", policy.type);
    node.put("Description", policy.description);
    node.put("DefaultVersion", policy.defaultVersionId);
    node.put("PolicyDocument", defaultVersion.document);
    node.put("CreateDate", policy.createDate);
    node.put("UpdateDate", policy.updateDate);
    node.put("AttachmentCount", attachmentCount(policy));
    ObjectNode version = body.putObject("DefaultPolicyVersion");
    writeVersion(version, policy, defaultVersion);
    return body;
  }

  private ObjectNode createPolicy(Map<String, String> params) {
    String name = required(params, "PolicyName");
    String document = required(params, "PolicyDocument");
    if (!POLICY_NAME.matcher(name).matches()) {
      throw ApiError.badRequest("InvalidParameter.PolicyName.InvalidChars",
          "The parameter PolicyName must be 1 to 128 characters of letters, digits or '-', was \"" + name + "\".");
    }
    checkDocument(document);
    if (policies.containsKey(policyKey(CUSTOM, name))) {
      throw ApiError.conflict("EntityAlreadyExists.Policy", "The policy already exists: " + name + ".");
    }
    Policy policy = addPolicy(name, CUSTOM, params.getOrDefault("Description", ""), List.of(document));
    ObjectNode body = Json.object();
    ObjectNode node = body.putObject("Policy");
    node.put("PolicyName", policy.name);
    node.put("PolicyType", policy.type);
    node.put("Description", policy.description);
    node.put("DefaultVersion", policy.defaultVersionId);
    node.put("CreateDate", policy.createDate);
    return body;
  }

  private ObjectNode deletePolicy(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), CUSTOM);
    if (userAttachments(policy) > 0) {
      throw ApiError.conflict("DeleteConflict.Policy.User",
          "The policy is still attached to a user; detach it first: " + policy.name + ".");
    }
    // RAM's DeletePolicy error list names DeleteConflict.Policy.Group; the Terraform alicloud provider
    // (alicloud/resource_alicloud_ram_policy.go) also waits out DeleteConflict.Role.Policy when deleting a policy.
    if (held(groupAttachments, policy) > 0) {
      throw ApiError.conflict("DeleteConflict.Policy.Group",
          "The policy is still attached to a group; detach it first: " + policy.name + ".");
    }
    if (held(roleAttachments, policy) > 0) {
      throw ApiError.conflict("DeleteConflict.Role.Policy",
          "The policy is still attached to a role; detach it first: " + policy.name + ".");
    }
    if (policy.versions.size() > 1) {
      throw ApiError.conflict("DeleteConflict.Policy.Version",
          "The policy still has non-default versions; delete them first: " + policy.name + ".");
    }
    policies.remove(policyKey(policy.type, policy.name));
    return Json.object();
  }

  private ObjectNode getPolicyVersion(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), policyType(params));
    PolicyVersion version = existingVersion(policy, required(params, "VersionId"));
    ObjectNode body = Json.object();
    writeVersion(body.putObject("PolicyVersion"), policy, version);
    return body;
  }

  private ObjectNode listPolicyVersions(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), policyType(params));
    ObjectNode body = Json.object();
    ArrayNode list = body.putObject("PolicyVersions").putArray("PolicyVersion");
    for (PolicyVersion version : policy.versions) {
      writeVersion(list.addObject(), policy, version);
    }
    return body;
  }

  private ObjectNode createPolicyVersion(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), CUSTOM);
    String document = required(params, "PolicyDocument");
    checkDocument(document);
    boolean setAsDefault = bool(params, "SetAsDefault");
    String rotate = params.getOrDefault("RotateStrategy", "None");
    if (!rotate.equals("None") && !rotate.equals("DeleteOldestNonDefaultVersionWhenLimitExceeded")) {
      throw ApiError.badRequest("InvalidParameter.RotateStrategy",
          "The parameter RotateStrategy must be None or DeleteOldestNonDefaultVersionWhenLimitExceeded, was \""
              + rotate + "\".");
    }
    if (policy.versions.size() >= VERSIONS_PER_POLICY) {
      if (rotate.equals("None")) {
        throw ApiError.conflict("LimitExceeded.Policy.Version",
            "The policy already has " + VERSIONS_PER_POLICY + " versions, the maximum: " + policy.name + ".");
      }
      PolicyVersion oldest = policy.versions.stream()
          .filter(version -> !version.id.equals(policy.defaultVersionId))
          .findFirst()
          .orElseThrow();
      policy.versions.remove(oldest);
    }
    PolicyVersion version = policy.addVersion(document, ids.now());
    if (setAsDefault) {
      policy.defaultVersionId = version.id;
    }
    policy.updateDate = version.createDate;
    ObjectNode body = Json.object();
    writeVersion(body.putObject("PolicyVersion"), policy, version);
    return body;
  }

  private ObjectNode deletePolicyVersion(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), CUSTOM);
    PolicyVersion version = existingVersion(policy, required(params, "VersionId"));
    if (version.id.equals(policy.defaultVersionId)) {
      throw ApiError.conflict("DeleteConflict.Policy.Version.Default",
          "The default version of a policy cannot be deleted: " + policy.name + " " + version.id + ".");
    }
    policy.versions.remove(version);
    return Json.object();
  }

  private ObjectNode listPoliciesForUser(Map<String, String> params) {
    User user = existingUser(required(params, "UserName"));
    ObjectNode body = Json.object();
    ArrayNode list = body.putObject("Policies").putArray("Policy");
    attachments.getOrDefault(user.name, Map.of()).forEach((key, attachDate) -> {
      Policy policy = policies.get(key);
      ObjectNode node = list.addObject();
      node.put("PolicyName", policy.name);
      node.put("PolicyType", policy.type);
      node.put("Description", policy.description);
      node.put("DefaultVersion", policy.defaultVersionId);
      node.put("AttachDate", attachDate);
    });
    return body;
  }

  private ObjectNode attachPolicyToUser(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), policyType(params));
    User user = existingUser(required(params, "UserName"));
    Map<String, String> attached = attachments.computeIfAbsent(user.name, name -> new LinkedHashMap<>());
    String key = policyKey(policy.type, policy.name);
    if (attached.containsKey(key)) {
      throw ApiError.conflict("EntityAlreadyExists.User.Policy",
          "The policy is already attached to the user: " + policy.name + " to " + user.name + ".");
    }
    attached.put(key, ids.now());
    return Json.object();
  }

  private ObjectNode detachPolicyFromUser(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), policyType(params));
    User user = existingUser(required(params, "UserName"));
    Map<String, String> attached = attachments.getOrDefault(user.name, Map.of());
    if (attached.remove(policyKey(policy.type, policy.name)) == null) {
      throw ApiError.notFound("EntityNotExist.User.Policy",
          "The policy is not attached to the user: " + policy.name + " to " + user.name + ".");
    }
    return Json.object();
  }

  /**
   * RAM's ListEntitiesForPolicy
   * (https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listentitiesforpolicy): the users, groups and roles a policy is attached to, in one answer without paging, as
   * {@code Users.User[]} (UserName, UserId, DisplayName, AttachDate), {@code Groups.Group[]} (GroupName, Comments,
   * AttachDate) and {@code Roles.Role[]} (RoleName, RoleId, Arn, Description, AttachDate): the field names of the
   * {@code ram20150501} SDK model {@code ListEntitiesForPolicyResponseBody}. An unknown policy is
   * {@code EntityNotExist.Policy} (404), as for GetPolicy. The reference lists PolicyType and PolicyName; the fake
   * requires both, as hybridcni always sends them.
   */
  private ObjectNode listEntitiesForPolicy(Map<String, String> params) {
    Policy policy = existingPolicy(required(params, "PolicyName"), policyType(params));
    String key = policyKey(policy.type, policy.name);
    ObjectNode body = Json.object();
    ArrayNode userList = body.putObject("Users").putArray("User");
    attachments.forEach((userName, attached) -> {
      if (attached.containsKey(key)) {
        User user = users.get(userName);
        ObjectNode node = userList.addObject();
        node.put("UserName", user.name);
        node.put("UserId", user.userId);
        node.put("DisplayName", user.displayName);
        node.put("AttachDate", attached.get(key));
      }
    });
    ArrayNode groupList = body.putObject("Groups").putArray("Group");
    groupAttachments.forEach((groupName, attached) -> {
      if (attached.containsKey(key)) {
        ObjectNode node = groupList.addObject();
        node.put("GroupName", groupName);
        node.put("Comments", "");
        node.put("AttachDate", attached.get(key));
      }
    });
    ArrayNode roleList = body.putObject("Roles").putArray("Role");
    roleAttachments.forEach((roleName, attached) -> {
      if (attached.containsKey(key)) {
        ObjectNode node = roleList.addObject();
        node.put("RoleName", roleName);
        node.put("RoleId", roleIds.get(roleName));
        node.put("Arn", "acs:ram::" + ACCOUNT_ID + ":role/" + roleName);
        node.put("Description", "");
        node.put("AttachDate", attached.get(key));
      }
    });
    return body;
  }

  private ObjectNode listAccessKeys(Map<String, String> params, String callerKeyId) {
    String userName = userOrCaller(params, callerKeyId);
    ObjectNode body = Json.object();
    ArrayNode list = body.putObject("AccessKeys").putArray("AccessKey");
    for (Key key : keys.values()) {
      boolean listed = userName == null ? key.id.equals(callerKeyId) : userName.equals(key.userName);
      if (listed) {
        ObjectNode node = list.addObject();
        node.put("AccessKeyId", key.id);
        node.put("Status", key.status);
        node.put("CreateDate", key.createDate);
      }
    }
    return body;
  }

  private ObjectNode createAccessKey(Map<String, String> params, String callerKeyId) {
    String userName = userOrCaller(params, callerKeyId);
    if (userName == null) {
      throw ApiError.missingParameter("UserName");
    }
    User user = existingUser(userName);
    long held = keys.values().stream().filter(key -> user.name.equals(key.userName)).count();
    if (held >= ACCESS_KEYS_PER_USER) {
      throw ApiError.conflict("LimitExceeded.User.AccessKey",
          "The user already has " + ACCESS_KEYS_PER_USER + " AccessKeys, the maximum: " + user.name + ".");
    }
    Key key = addKey(user.name, "Active");
    ObjectNode body = Json.object();
    ObjectNode node = body.putObject("AccessKey");
    node.put("AccessKeyId", key.id);
    node.put("AccessKeySecret", key.secret);
    node.put("Status", key.status);
    node.put("CreateDate", key.createDate);
    return body;
  }

  private ObjectNode updateAccessKey(Map<String, String> params, String callerKeyId) {
    Key key = existingUserKey(params, callerKeyId);
    String status = required(params, "Status");
    if (!status.equals("Active") && !status.equals("Inactive")) {
      throw ApiError.badRequest("InvalidParameter.Status",
          "The parameter Status must be Active or Inactive, was \"" + status + "\".");
    }
    key.status = status;
    ObjectNode body = Json.object();
    ObjectNode node = body.putObject("AccessKey");
    node.put("AccessKeyId", key.id);
    node.put("Status", key.status);
    node.put("CreateDate", key.createDate);
    return body;
  }

  private ObjectNode deleteAccessKey(Map<String, String> params, String callerKeyId) {
    Key key = existingUserKey(params, callerKeyId);
    keys.remove(key.id);
    return Json.object();
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw ApiError.missingParameter(name);
    }
    return value;
  }

  private static boolean bool(Map<String, String> params, String name) {
    String value = params.getOrDefault(name, "false");
    if (!value.equals("true") && !value.equals("false")) {
      throw ApiError.badRequest("InvalidParameter." + name,
          "The parameter " + name + " must be true or false, was \"" + value + "\".");
    }
    return value.equals("true");
  }

  private static String policyType(Map<String, String> params) {
    String type = required(params, "PolicyType");
    if (!type.equals(CUSTOM) && !type.equals(SYSTEM)) {
      throw ApiError.badRequest("InvalidParameter.PolicyType",
          "The parameter PolicyType must be Custom or System, was \"" + type + "\".");
    }
    return type;
  }

  private static void checkDocument(String document) {
    JsonNode parsed = Json.parseOrNull(document);
    if (parsed == null || !parsed.isObject() || !parsed.has("Statement")) {
      throw ApiError.badRequest("InvalidParameter.PolicyDocument",
          "The parameter PolicyDocument must be a JSON policy with a Statement.");
    }
  }

  private User existingUser(String name) {
    User user = users.get(name);
    if (user == null) {
      throw ApiError.notFound("EntityNotExist.User", "The user does not exist: " + name + ".");
    }
    return user;
  }

  private Policy existingPolicy(String name, String type) {
    Policy policy = policies.get(policyKey(type, name));
    if (policy == null) {
      throw ApiError.notFound("EntityNotExist.Policy", "The policy does not exist: " + name + " (" + type + ").");
    }
    return policy;
  }

  private static PolicyVersion existingVersion(Policy policy, String versionId) {
    return policy.versions.stream()
        .filter(version -> version.id.equals(versionId))
        .findFirst()
        .orElseThrow(() -> ApiError.notFound("EntityNotExist.Policy.Version",
            "The policy version does not exist: " + policy.name + " " + versionId + "."));
  }

  private Key existingUserKey(Map<String, String> params, String callerKeyId) {
    String keyId = required(params, "UserAccessKeyId");
    String userName = userOrCaller(params, callerKeyId);
    if (userName != null) {
      existingUser(userName);
    }
    Key key = keys.get(keyId);
    boolean belongs = key != null && (userName == null ? key.id.equals(callerKeyId) : userName.equals(key.userName));
    if (!belongs) {
      throw ApiError.notFound("EntityNotExist.User.AccessKey",
          "The AccessKey does not exist" + (userName == null ? "" : " for user " + userName) + ": " + keyId + ".");
    }
    return key;
  }

  /** The named user, or the user owning the caller's key; null when the caller's key belongs to no user. */
  private String userOrCaller(Map<String, String> params, String callerKeyId) {
    String userName = params.get("UserName");
    if (userName != null && !userName.isEmpty()) {
      return userName;
    }
    Key caller = keys.get(callerKeyId);
    return caller == null ? null : caller.userName;
  }

  /** Every principal the policy is attached to: users, groups and roles (GetPolicy's AttachmentCount). */
  private long attachmentCount(Policy policy) {
    return userAttachments(policy) + held(groupAttachments, policy) + held(roleAttachments, policy);
  }

  private long userAttachments(Policy policy) {
    return held(attachments, policy);
  }

  private static long held(Map<String, Map<String, String>> holders, Policy policy) {
    String key = policyKey(policy.type, policy.name);
    return holders.values().stream().filter(attached -> attached.containsKey(key)).count();
  }

  private static void writeVersion(ObjectNode node, Policy policy, PolicyVersion version) {
    node.put("VersionId", version.id);
    node.put("IsDefaultVersion", version.id.equals(policy.defaultVersionId));
    node.put("PolicyDocument", version.document);
    node.put("CreateDate", version.createDate);
  }

  private static String policyKey(String type, String name) {
    return type + "/" + name;
  }

  private User addUser(String name, String displayName, String comments) {
    String now = ids.now();
    User user = new User(name, ids.userId(), displayName.isEmpty() ? name : displayName, comments, now);
    users.put(name, user);
    return user;
  }

  private Policy addPolicy(String name, String type, String description, List<String> documents) {
    String now = ids.now();
    Policy policy = new Policy(name, type, description, now);
    for (String document : documents) {
      policy.addVersion(document, now);
    }
    policy.defaultVersionId = policy.versions.get(policy.versions.size() - 1).id;
    policies.put(policyKey(type, name), policy);
    return policy;
  }

  private Key addKey(String userName, String status) {
    Key key = new Key(ids.accessKeyId(), ids.accessKeySecret(), userName, status, ids.now());
    keys.put(key.id, key);
    issuedSecrets.add(key.secret);
    return key;
  }

  // ---------------------------------------------------------------------------------------------- gateway

  synchronized Optional<Credential> credential(String accessKeyId) {
    Key key = keys.get(accessKeyId);
    return key == null ? Optional.empty() : Optional.of(new Credential(key.secret, key.status.equals("Active")));
  }

  /**
   * STS {@code GetCallerIdentity} (2015-04-01) for the key that signed the request, which the gateway has already
   * checked (known, active, signature made with its secret). Fields as Alibaba's reference lists them
   * (https://help.aliyun.com/document_detail/43767.html): {@code IdentityType} {@code RAMUser} with the user's id as
   * {@code UserId} and {@code PrincipalId} and {@code Arn} {@code acs:ram::<account>:user/<name>}; or, for a caller
   * key that no RAM user owns (the account's own key), {@code Account} with the account id as {@code UserId} and
   * {@code PrincipalId} and {@code Arn} {@code acs:ram::<account>:root} (the account's ARN form in RAM's ARN
   * documentation). {@code AccountId} is always {@code accountId}. The operation needs no RAM permission ("No
   * authorization for this operation"), so the fake checks none.
   */
  synchronized ObjectNode callerIdentity(String callerKeyId, String accountId) {
    Key key = keys.get(callerKeyId);
    ObjectNode node = Json.object();
    node.put("AccountId", accountId);
    if (key == null || key.userName == null) {
      node.put("IdentityType", "Account");
      node.put("UserId", accountId);
      node.put("PrincipalId", accountId);
      node.put("Arn", "acs:ram::" + accountId + ":root");
      return node;
    }
    User user = users.get(key.userName);
    String userId = user == null ? "" : user.userId;
    node.put("IdentityType", "RAMUser");
    node.put("UserId", userId);
    node.put("PrincipalId", userId);
    node.put("Arn", "acs:ram::" + accountId + ":user/" + key.userName);
    return node;
  }

  /** Gives a seeded user a new key and hands out its secret too, as CreateAccessKey does once. */
  synchronized String[] seedAccessKeyWithSecret(String userName, String status) {
    String id = seedAccessKey(userName, status);
    return new String[] {id, keys.get(id).secret};
  }

  /** A seeded key with a given secret, for a demo whose output must read the same on every run. */
  synchronized String[] seedAccessKeyWithSecret(String userName, String status, String secret) {
    String id = seedAccessKey(userName, status);
    Key random = keys.get(id);
    issuedSecrets.remove(random.secret);
    Key key = new Key(random.id, secret, userName, random.status, random.createDate);
    keys.put(id, key);
    issuedSecrets.add(secret);
    return new String[] {id, secret};
  }

  /** The secrets the fake issued (callers' own secrets never travel in a request, so they are not listed). */
  synchronized List<String> issuedSecrets() {
    return List.copyOf(issuedSecrets);
  }

  // ---------------------------------------------------------------------------------------------- seeding

  /**
   * A caller's temporary STS credential: every request signed with it must carry its security token in the signed
   * header {@code x-acs-security-token} (see {@code FakeHttpHandler#authenticate}).
   */
  synchronized void addStsKey(String id, String secret, String securityToken) {
    addCallerKey(id, secret);
    stsTokens.put(id, securityToken);
  }

  /** The security token an STS AccessKey must be sent with; empty for a long-term AccessKey. */
  synchronized Optional<String> securityToken(String accessKeyId) {
    return Optional.ofNullable(stsTokens.get(accessKeyId));
  }

  synchronized void addCallerKey(String id, String secret) {
    Key existing = keys.get(id);
    if (existing != null && existing.userName != null) {
      throw new IllegalStateException("AccessKey " + id + " already belongs to RAM user " + existing.userName);
    }
    keys.put(id, new Key(id, secret, null, "Active", ids.now()));
  }

  synchronized RamUser seedUser(String name) {
    if (users.containsKey(name)) {
      throw new IllegalStateException("RAM user " + name + " is already seeded");
    }
    return toView(addUser(name, "", ""));
  }

  synchronized RamPolicy seedPolicy(String name, String type, List<String> documents) {
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("A policy needs at least one document, " + name + " has none");
    }
    if (documents.size() > VERSIONS_PER_POLICY) {
      throw new IllegalArgumentException("A policy holds at most " + VERSIONS_PER_POLICY + " versions, "
          + name + " was given " + documents.size());
    }
    if (policies.containsKey(policyKey(type, name))) {
      throw new IllegalStateException(type + " policy " + name + " is already seeded");
    }
    return toView(addPolicy(name, type, "", documents));
  }

  synchronized void seedAttachment(String userName, String policyName) {
    if (!users.containsKey(userName)) {
      throw new IllegalStateException("RAM user " + userName + " is not seeded");
    }
    Policy policy = policies.get(policyKey(CUSTOM, policyName));
    if (policy == null) {
      policy = policies.get(policyKey(SYSTEM, policyName));
    }
    if (policy == null) {
      throw new IllegalStateException("Policy " + policyName + " is not seeded");
    }
    attachments.computeIfAbsent(userName, name -> new LinkedHashMap<>())
        .putIfAbsent(policyKey(policy.type, policy.name), ids.now());
  }

  /** Attaches a seeded policy to a RAM group, which the fake knows only as a holder of policies. */
  synchronized void seedGroupAttachment(String groupName, String policyName) {
    Policy policy = seededPolicy(policyName);
    groupAttachments.computeIfAbsent(groupName, name -> new LinkedHashMap<>())
        .putIfAbsent(policyKey(policy.type, policy.name), ids.now());
  }

  /** Attaches a seeded policy to a RAM role, which the fake knows only as a holder of policies. */
  synchronized void seedRoleAttachment(String roleName, String policyName) {
    Policy policy = seededPolicy(policyName);
    roleIds.computeIfAbsent(roleName, name -> ids.userId());
    roleAttachments.computeIfAbsent(roleName, name -> new LinkedHashMap<>())
        .putIfAbsent(policyKey(policy.type, policy.name), ids.now());
  }

  private Policy seededPolicy(String policyName) {
    Policy policy = policies.get(policyKey(CUSTOM, policyName));
    if (policy == null) {
      policy = policies.get(policyKey(SYSTEM, policyName));
    }
    if (policy == null) {
      throw new IllegalStateException("Policy " + policyName + " is not seeded");
    }
    return policy;
  }

  synchronized String seedAccessKey(String userName, String status) {
    if (!users.containsKey(userName)) {
      throw new IllegalStateException("RAM user " + userName + " is not seeded");
    }
    if (!status.equals("Active") && !status.equals("Inactive")) {
      throw new IllegalArgumentException("Status must be Active or Inactive, was " + status);
    }
    long held = keys.values().stream().filter(key -> userName.equals(key.userName)).count();
    if (held >= ACCESS_KEYS_PER_USER) {
      throw new IllegalStateException("RAM user " + userName + " already holds " + held + " AccessKeys, the maximum");
    }
    return addKey(userName, status).id;
  }

  /** Sets a key's status, as UpdateAccessKey (or a user in the console) does. */
  synchronized void setAccessKeyStatus(String accessKeyId, String status) {
    if (!status.equals("Active") && !status.equals("Inactive")) {
      throw new IllegalArgumentException("Status must be Active or Inactive, was " + status);
    }
    Key key = keys.get(accessKeyId);
    if (key == null) {
      throw new IllegalStateException("AccessKey " + accessKeyId + " does not exist");
    }
    key.status = status;
  }

  // ---------------------------------------------------------------------------------------------- views

  synchronized List<RamUser> users() {
    return users.values().stream().map(RamService::toView).toList();
  }

  synchronized Optional<RamUser> user(String name) {
    return Optional.ofNullable(users.get(name)).map(RamService::toView);
  }

  synchronized List<RamPolicy> policies() {
    return policies.values().stream().map(RamService::toView).toList();
  }

  synchronized Optional<RamPolicy> policy(String name) {
    Policy policy = policies.get(policyKey(CUSTOM, name));
    if (policy == null) {
      policy = policies.get(policyKey(SYSTEM, name));
    }
    return Optional.ofNullable(policy).map(RamService::toView);
  }

  synchronized List<String> attachedPolicies(String userName) {
    List<String> names = new ArrayList<>();
    attachments.getOrDefault(userName, Map.of()).keySet().forEach(key -> names.add(policies.get(key).name));
    return List.copyOf(names);
  }

  synchronized List<RamAccessKey> accessKeys(String userName) {
    return keys.values().stream()
        .filter(key -> userName.equals(key.userName))
        .map(key -> new RamAccessKey(key.id, key.status, key.createDate))
        .toList();
  }

  synchronized boolean secretMatches(String accessKeyId, String candidate) {
    Key key = keys.get(accessKeyId);
    return key != null && candidate != null && MessageDigest.isEqual(
        key.secret.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  private static RamUser toView(User user) {
    return new RamUser(user.name, user.userId, user.displayName, user.createDate);
  }

  private static RamPolicy toView(Policy policy) {
    List<RamPolicyVersion> versions = policy.versions.stream()
        .map(version -> new RamPolicyVersion(
            version.id, version.document, version.id.equals(policy.defaultVersionId), version.createDate))
        .toList();
    return new RamPolicy(policy.name, policy.type, policy.description, policy.defaultVersionId, versions);
  }

  // ---------------------------------------------------------------------------------------------- records

  private static final class User {
    final String name;
    final String userId;
    final String displayName;
    final String comments;
    final String createDate;
    final String updateDate;

    User(String name, String userId, String displayName, String comments, String createDate) {
      this.name = name;
      this.userId = userId;
      this.displayName = displayName;
      this.comments = comments;
      this.createDate = createDate;
      this.updateDate = createDate;
    }
  }

  private static final class Policy {
    final String name;
    final String type;
    final String description;
    final String createDate;
    final List<PolicyVersion> versions = new ArrayList<>();
    String updateDate;
    String defaultVersionId;
    int nextVersion = 1;

    Policy(String name, String type, String description, String createDate) {
      this.name = name;
      this.type = type;
      this.description = description;
      this.createDate = createDate;
      this.updateDate = createDate;
    }

    PolicyVersion addVersion(String document, String createDate) {
      PolicyVersion version = new PolicyVersion("v" + nextVersion++, document, createDate);
      versions.add(version);
      return version;
    }

    PolicyVersion defaultVersion() {
      return versions.stream().filter(version -> version.id.equals(defaultVersionId)).findFirst().orElseThrow();
    }
  }

  private static final class PolicyVersion {
    final String id;
    final String document;
    final String createDate;

    PolicyVersion(String id, String document, String createDate) {
      this.id = id;
      this.document = document;
      this.createDate = createDate;
    }
  }

  /** An AccessKey; {@code userName} is null for the caller keys the fake was given. */
  private static final class Key {
    final String id;
    final String secret;
    final String userName;
    final String createDate;
    String status;

    Key(String id, String secret, String userName, String status, String createDate) {
      this.id = id;
      this.secret = secret;
      this.userName = userName;
      this.status = status;
      this.createDate = createDate;
    }

    @Override
    public String toString() {
      return "Key{" + id + ", user=" + userName + ", " + status + "}";
    }
  }
}
