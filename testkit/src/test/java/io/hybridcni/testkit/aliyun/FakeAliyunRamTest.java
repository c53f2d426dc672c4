package io.hybridcni.testkit.aliyun;

import static io.hybridcni.testkit.aliyun.Sdk.teaError;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ram20150501.Client;
import com.aliyun.ram20150501.models.AttachPolicyToUserRequest;
import com.aliyun.ram20150501.models.CreateAccessKeyRequest;
import com.aliyun.ram20150501.models.CreateAccessKeyResponseBody.CreateAccessKeyResponseBodyAccessKey;
import com.aliyun.ram20150501.models.CreatePolicyRequest;
import com.aliyun.ram20150501.models.CreatePolicyVersionRequest;
import com.aliyun.ram20150501.models.CreateUserRequest;
import com.aliyun.ram20150501.models.DeleteAccessKeyRequest;
import com.aliyun.ram20150501.models.DeletePolicyVersionRequest;
import com.aliyun.ram20150501.models.DeleteUserRequest;
import com.aliyun.ram20150501.models.DetachPolicyFromUserRequest;
import com.aliyun.ram20150501.models.GetPolicyRequest;
import com.aliyun.ram20150501.models.GetPolicyResponseBody;
import com.aliyun.ram20150501.models.GetPolicyVersionRequest;
import com.aliyun.ram20150501.models.GetUserRequest;
import com.aliyun.ram20150501.models.ListAccessKeysRequest;
import com.aliyun.ram20150501.models.ListPoliciesForUserRequest;
import com.aliyun.ram20150501.models.ListPolicyVersionsRequest;
import com.aliyun.tea.TeaException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeAliyunRamTest {

  static final String USER = "ack-one-user-ce313528c3";
  static final String POLICY = "ack-one-registered-cluster-policy-terway-eniip";

  static String document(String action) {
    return "{\"Version\":\"1\",\"Statement\":[{\"Action\":[\"" + action + "\"],\"Resource\":[\"*\"],"
        + "\"Effect\":\"Allow\"}]}";
  }

  FakeAliyun fake;
  Client ram;

  @BeforeEach
  void start() throws Exception {
    fake = FakeAliyun.start().addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
    ram = Sdk.ram(fake);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void createdUserCanBeReadAndASecondCreateFailsWithEntityAlreadyExists409() throws Exception {
    var created = ram.createUser(new CreateUserRequest().setUserName(USER).setDisplayName("Terway")).getBody();

    assertThat(created.getRequestId()).isNotBlank();
    assertThat(created.getUser().getUserName()).isEqualTo(USER);
    assertThat(created.getUser().getUserId()).hasSize(16);
    var read = ram.getUser(new GetUserRequest().setUserName(USER)).getBody().getUser();
    assertThat(read.getDisplayName()).isEqualTo("Terway");
    assertThat(read.getUserId()).isEqualTo(created.getUser().getUserId());

    TeaException error = teaError(() -> ram.createUser(new CreateUserRequest().setUserName(USER)));
    assertThat(error.getCode()).isEqualTo("EntityAlreadyExists.User");
    assertThat(error.getStatusCode()).isEqualTo(409);
    assertThat(error.getData()).containsEntry("statusCode", 409).containsKeys("RequestId", "HostId", "Recommend");
  }

  @Test
  void readingAnUnknownUserFailsWithEntityNotExist404() {
    TeaException error = teaError(() -> ram.getUser(new GetUserRequest().setUserName("nobody")));

    assertThat(error.getCode()).isEqualTo("EntityNotExist.User");
    assertThat(error.getData()).containsEntry("statusCode", 404);
    assertThat(error.getMessage()).contains("nobody");
  }

  @Test
  void aMissingRequiredParameterFailsWithMissingParameter400() {
    TeaException error = teaError(() -> ram.createUser(new CreateUserRequest()));

    assertThat(error.getCode()).isEqualTo("MissingParameter");
    assertThat(error.getStatusCode()).isEqualTo(400);
    assertThat(error.getMessage()).contains("UserName");
  }

  @Test
  void policyTakesVersionsUpToFiveThenRefusesWithLimitExceeded409() throws Exception {
    var created = ram.createPolicy(new CreatePolicyRequest().setPolicyName(POLICY)
        .setPolicyDocument(document("ecs:DescribeInstances")).setDescription("Terway")).getBody().getPolicy();
    assertThat(created.getDefaultVersion()).isEqualTo("v1");
    assertThat(created.getPolicyType()).isEqualTo("Custom");

    for (int i = 2; i <= 5; i++) {
      var version = ram.createPolicyVersion(new CreatePolicyVersionRequest().setPolicyName(POLICY)
          .setPolicyDocument(document("ecs:Action" + i)).setSetAsDefault(i == 5)).getBody().getPolicyVersion();
      assertThat(version.getVersionId()).isEqualTo("v" + i);
      assertThat(version.getIsDefaultVersion()).isEqualTo(i == 5);
    }
    TeaException error = teaError(() -> ram.createPolicyVersion(new CreatePolicyVersionRequest()
        .setPolicyName(POLICY).setPolicyDocument(document("ecs:Action6")).setRotateStrategy("None")));

    assertThat(error.getCode()).isEqualTo("LimitExceeded.Policy.Version");
    assertThat(error.getStatusCode()).isEqualTo(409);
    var listed = ram.listPolicyVersions(new ListPolicyVersionsRequest().setPolicyName(POLICY).setPolicyType("Custom"))
        .getBody().getPolicyVersions().getPolicyVersion();
    assertThat(listed).extracting(version -> version.getVersionId()).containsExactly("v1", "v2", "v3", "v4", "v5");
    assertThat(listed).filteredOn(version -> version.getIsDefaultVersion())
        .extracting(version -> version.getVersionId()).containsExactly("v5");
    assertThat(fake.policy(POLICY).orElseThrow().defaultDocument()).isEqualTo(document("ecs:Action5"));
  }

  @Test
  void rotatingAtTheLimitDeletesTheOldestNonDefaultVersion() throws Exception {
    fake.seedPolicy(POLICY, document("a:1"), document("a:2"), document("a:3"), document("a:4"), document("a:5"));
    ram.createPolicyVersion(new CreatePolicyVersionRequest().setPolicyName(POLICY).setPolicyDocument(document("a:6"))
        .setSetAsDefault(true).setRotateStrategy("DeleteOldestNonDefaultVersionWhenLimitExceeded"));

    RamPolicy policy = fake.policy(POLICY).orElseThrow();
    assertThat(policy.versionIds()).containsExactly("v2", "v3", "v4", "v5", "v6");
    assertThat(policy.defaultVersion()).isEqualTo("v6");
  }

  @Test
  void getPolicyAnswersTheDefaultVersionWithItsDocument() throws Exception {
    fake.seedPolicy(POLICY, document("ecs:Old"), document("ecs:New"));

    GetPolicyResponseBody body = ram.getPolicy(new GetPolicyRequest().setPolicyName(POLICY).setPolicyType("Custom"))
        .getBody();

    assertThat(body.getPolicy().getDefaultVersion()).isEqualTo("v2");
    assertThat(body.getDefaultPolicyVersion().getVersionId()).isEqualTo("v2");
    assertThat(body.getDefaultPolicyVersion().getIsDefaultVersion()).isTrue();
    assertThat(body.getDefaultPolicyVersion().getPolicyDocument()).isEqualTo(document("ecs:New"));
    var v1 = ram.getPolicyVersion(new GetPolicyVersionRequest().setPolicyName(POLICY).setPolicyType("Custom")
        .setVersionId("v1")).getBody().getPolicyVersion();
    assertThat(v1.getPolicyDocument()).isEqualTo(document("ecs:Old"));
    assertThat(v1.getIsDefaultVersion()).isFalse();
  }

  @Test
  void anUnknownPolicyOrVersionFailsWithEntityNotExist404() {
    TeaException policy = teaError(() -> ram.getPolicy(new GetPolicyRequest().setPolicyName("nope")
        .setPolicyType("Custom")));
    fake.seedPolicy(POLICY, document("a:1"));
    TeaException version = teaError(() -> ram.getPolicyVersion(new GetPolicyVersionRequest().setPolicyName(POLICY)
        .setPolicyType("Custom").setVersionId("v9")));

    assertThat(policy.getCode()).isEqualTo("EntityNotExist.Policy");
    assertThat(policy.getStatusCode()).isEqualTo(404);
    assertThat(version.getCode()).isEqualTo("EntityNotExist.Policy.Version");
    assertThat(version.getStatusCode()).isEqualTo(404);
  }

  @Test
  void creatingAnExistingPolicyFailsWithEntityAlreadyExists409() {
    fake.seedPolicy(POLICY, document("a:1"));

    TeaException error = teaError(() -> ram.createPolicy(new CreatePolicyRequest().setPolicyName(POLICY)
        .setPolicyDocument(document("a:2"))));

    assertThat(error.getCode()).isEqualTo("EntityAlreadyExists.Policy");
    assertThat(error.getStatusCode()).isEqualTo(409);
  }

  @Test
  void deletingTheDefaultVersionFailsWithDeleteConflict409ButAnOlderVersionGoes() throws Exception {
    fake.seedPolicy(POLICY, document("a:1"), document("a:2"));

    TeaException error = teaError(() -> ram.deletePolicyVersion(new DeletePolicyVersionRequest()
        .setPolicyName(POLICY).setVersionId("v2")));
    ram.deletePolicyVersion(new DeletePolicyVersionRequest().setPolicyName(POLICY).setVersionId("v1"));

    assertThat(error.getCode()).isEqualTo("DeleteConflict.Policy.Version.Default");
    assertThat(error.getStatusCode()).isEqualTo(409);
    assertThat(fake.policy(POLICY).orElseThrow().versionIds()).containsExactly("v2");
  }

  @Test
  void attachingTwiceFailsWithEntityAlreadyExistsUserPolicy409() throws Exception {
    fake.seedUser(USER).seedPolicy(POLICY, document("a:1"));
    AttachPolicyToUserRequest attach = new AttachPolicyToUserRequest().setUserName(USER).setPolicyName(POLICY)
        .setPolicyType("Custom");

    ram.attachPolicyToUser(attach);
    TeaException error = teaError(() -> ram.attachPolicyToUser(attach));

    assertThat(error.getCode()).isEqualTo("EntityAlreadyExists.User.Policy");
    assertThat(error.getStatusCode()).isEqualTo(409);
    var policies = ram.listPoliciesForUser(new ListPoliciesForUserRequest().setUserName(USER)).getBody()
        .getPolicies().getPolicy();
    assertThat(policies).singleElement().satisfies(policy -> {
      assertThat(policy.getPolicyName()).isEqualTo(POLICY);
      assertThat(policy.getPolicyType()).isEqualTo("Custom");
      assertThat(policy.getDefaultVersion()).isEqualTo("v1");
      assertThat(policy.getAttachDate()).isNotBlank();
    });
    assertThat(fake.attachedPolicies(USER)).containsExactly(POLICY);
  }

  @Test
  void detachingAPolicyThatIsNotAttachedFailsWithEntityNotExistUserPolicy404() throws Exception {
    fake.seedUser(USER).seedPolicy(POLICY, document("a:1")).seedAttachment(USER, POLICY);
    DetachPolicyFromUserRequest detach = new DetachPolicyFromUserRequest().setUserName(USER).setPolicyName(POLICY)
        .setPolicyType("Custom");

    ram.detachPolicyFromUser(detach);
    TeaException error = teaError(() -> ram.detachPolicyFromUser(detach));

    assertThat(error.getCode()).isEqualTo("EntityNotExist.User.Policy");
    assertThat(error.getStatusCode()).isEqualTo(404);
    assertThat(fake.attachedPolicies(USER)).isEmpty();
  }

  @Test
  void aUserHoldsTwoAccessKeysThenCreateFailsWithLimitExceeded409() throws Exception {
    fake.seedUser(USER);

    var first = ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)).getBody().getAccessKey();
    var second = ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)).getBody().getAccessKey();
    TeaException error = teaError(() -> ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)));

    assertThat(error.getCode()).isEqualTo("LimitExceeded.User.AccessKey");
    assertThat(error.getStatusCode()).isEqualTo(409);
    assertThat(fake.accessKeys(USER)).extracting(RamAccessKey::id)
        .containsExactly(first.getAccessKeyId(), second.getAccessKeyId());
    assertThat(first.getAccessKeyId()).startsWith("LTAI").hasSize(24);
    assertThat(first.getStatus()).isEqualTo("Active");
  }

  @Test
  void theSecretAppearsOnlyInTheCreateResponse() throws Exception {
    fake.seedUser(USER);

    CreateAccessKeyResponseBodyAccessKey created = ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER))
        .getBody().getAccessKey();
    String secret = created.getAccessKeySecret();
    var listed = ram.listAccessKeys(new ListAccessKeysRequest().setUserName(USER)).getBody();

    assertThat(secret).hasSize(30);
    assertThat(fake.secretMatches(created.getAccessKeyId(), secret)).isTrue();
    assertThat(fake.secretMatches(created.getAccessKeyId(), secret + "x")).isFalse();
    assertThat(listed.getAccessKeys().getAccessKey()).singleElement().satisfies(key -> {
      assertThat(key.getAccessKeyId()).isEqualTo(created.getAccessKeyId());
      assertThat(key.getStatus()).isEqualTo("Active");
    });
    assertThat(listed.toMap().toString()).doesNotContain(secret);
    assertThat(fake.accessKeys(USER).toString()).doesNotContain(secret);
    Journal journal = fake.journal();
    assertThat(journal.toString()).doesNotContain(secret).contains("\"AccessKeySecret\":\"***\"");
    assertThat(journal).allSatisfy(entry -> {
      assertThat(entry.toString()).doesNotContain(secret);
      assertThat(entry.rendering()).doesNotContain(secret);
    });
    assertThat(journal.of("CreateAccessKey")).singleElement().satisfies(entry -> {
      assertThat(entry.accessKeyId()).isEqualTo(Sdk.CALLER_ID);
      assertThat(entry.status()).isEqualTo(200);
      assertThat(entry.rendering()).contains(created.getAccessKeyId());
    });
  }

  @Test
  void aKeyCreatedForAUserSignsRequestsUntilItIsDeleted() throws Exception {
    fake.seedUser(USER);
    var created = ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)).getBody().getAccessKey();
    Client asUser = new Client(Sdk.config(fake, created.getAccessKeyId(), created.getAccessKeySecret()));

    var ownKeys = asUser.listAccessKeys(new ListAccessKeysRequest()).getBody().getAccessKeys().getAccessKey();
    ram.deleteAccessKey(new DeleteAccessKeyRequest().setUserName(USER).setUserAccessKeyId(created.getAccessKeyId()));
    TeaException error = teaError(() -> asUser.listAccessKeys(new ListAccessKeysRequest()));

    assertThat(ownKeys).extracting(key -> key.getAccessKeyId()).containsExactly(created.getAccessKeyId());
    assertThat(error.getCode()).isEqualTo("InvalidAccessKeyId.NotFound");
    assertThat(fake.accessKeys(USER)).isEmpty();
  }

  @Test
  void deletingAnUnknownAccessKeyFailsWithEntityNotExistUserAccessKey404() {
    fake.seedUser(USER);

    TeaException error = teaError(() -> ram.deleteAccessKey(new DeleteAccessKeyRequest().setUserName(USER)
        .setUserAccessKeyId("LTAI5tNoSuchKey000000000")));

    assertThat(error.getCode()).isEqualTo("EntityNotExist.User.AccessKey");
    assertThat(error.getStatusCode()).isEqualTo(404);
  }

  @Test
  void deletingAUserWhoStillHoldsAKeyFailsWithDeleteConflict409() throws Exception {
    fake.seedUser(USER);
    String keyId = fake.seedAccessKey(USER);

    TeaException error = teaError(() -> ram.deleteUser(new DeleteUserRequest().setUserName(USER)));
    ram.deleteAccessKey(new DeleteAccessKeyRequest().setUserName(USER).setUserAccessKeyId(keyId));
    ram.deleteUser(new DeleteUserRequest().setUserName(USER));

    assertThat(error.getCode()).isEqualTo("DeleteConflict.User.AccessKey");
    assertThat(error.getStatusCode()).isEqualTo(409);
    assertThat(fake.user(USER)).isEmpty();
  }

  @Test
  void anUnknownActionFailsWithInvalidActionNotFound404() throws Exception {
    var client = Sdk.openApi(fake);

    TeaException error = teaError(() -> Sdk.rpc(client, "CreateGroup", Map.of("GroupName", "g")));

    assertThat(error.getCode()).isEqualTo("InvalidAction.NotFound");
    assertThat(error.getStatusCode()).isEqualTo(404);
    assertThat(error.getMessage()).contains("CreateGroup");
    assertThat(fake.journal().operations()).containsExactly("CreateGroup");
  }
}
