package io.hybridcni.testkit.aliyun;

import static io.hybridcni.testkit.aliyun.FakeAliyunRamTest.POLICY;
import static io.hybridcni.testkit.aliyun.FakeAliyunRamTest.USER;
import static io.hybridcni.testkit.aliyun.FakeAliyunRamTest.document;
import static io.hybridcni.testkit.aliyun.Sdk.teaError;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ram20150501.Client;
import com.aliyun.ram20150501.models.DeletePolicyRequest;
import com.aliyun.ram20150501.models.GetPolicyRequest;
import com.aliyun.ram20150501.models.ListEntitiesForPolicyRequest;
import com.aliyun.ram20150501.models.ListEntitiesForPolicyResponseBody;
import com.aliyun.tea.TeaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RAM's ListEntitiesForPolicy, through the real SDK: who holds a policy, with RAM's answer shape and errors. */
class FakeAliyunPolicyHoldersTest {

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

  private ListEntitiesForPolicyResponseBody list(String policy) throws Exception {
    return ram.listEntitiesForPolicy(new ListEntitiesForPolicyRequest().setPolicyName(policy)
        .setPolicyType("Custom")).getBody();
  }

  @Test
  void usersGroupsAndRolesHoldingThePolicyAreListedWithNamesAndAttachDates() throws Exception {
    fake.seedPolicy(POLICY, document("ecs:*")).seedUser(USER).seedUser("other-user")
        .seedAttachment(USER, POLICY).seedAttachment("other-user", POLICY)
        .seedGroupAttachment("network-admins", POLICY).seedRoleAttachment("terway-role", POLICY);

    ListEntitiesForPolicyResponseBody body = list(POLICY);

    assertThat(body.getRequestId()).isNotBlank();
    assertThat(body.getUsers().getUser()).extracting(u -> u.getUserName()).containsExactly(USER, "other-user");
    assertThat(body.getUsers().getUser()).allSatisfy(u -> {
      assertThat(u.getUserId()).isNotBlank();
      assertThat(u.getAttachDate()).isNotBlank();
    });
    assertThat(body.getGroups().getGroup()).singleElement().satisfies(g -> {
      assertThat(g.getGroupName()).isEqualTo("network-admins");
      assertThat(g.getAttachDate()).isNotBlank();
    });
    assertThat(body.getRoles().getRole()).singleElement().satisfies(r -> {
      assertThat(r.getRoleName()).isEqualTo("terway-role");
      assertThat(r.getRoleId()).isNotBlank();
      assertThat(r.getArn()).startsWith("acs:ram::").endsWith(":role/terway-role");
      assertThat(r.getAttachDate()).isNotBlank();
    });
  }

  @Test
  void aPolicyHeldByNobodyAnswersEmptyLists() throws Exception {
    fake.seedPolicy(POLICY, document("ecs:*"));

    ListEntitiesForPolicyResponseBody body = list(POLICY);

    assertThat(body.getUsers().getUser()).isEmpty();
    assertThat(body.getGroups().getGroup()).isEmpty();
    assertThat(body.getRoles().getRole()).isEmpty();
  }

  @Test
  void anUnknownPolicyIsEntityNotExistPolicy404() {
    TeaException error = teaError(() -> list(POLICY));

    assertThat(error.getCode()).isEqualTo("EntityNotExist.Policy");
    assertThat(error.getData().get("statusCode")).isEqualTo(404);
  }

  @Test
  void groupsAndRolesCountInTheAttachmentCountAndBlockTheDeletion() throws Exception {
    fake.seedPolicy(POLICY, document("ecs:*")).seedGroupAttachment("network-admins", POLICY);

    Integer count = ram.getPolicy(new GetPolicyRequest().setPolicyName(POLICY).setPolicyType("Custom")).getBody()
        .getPolicy().getAttachmentCount();
    TeaException error = teaError(() -> ram.deletePolicy(new DeletePolicyRequest().setPolicyName(POLICY)));

    assertThat(count).isEqualTo(1);
    assertThat(error.getCode()).isEqualTo("DeleteConflict.Policy.Group");
    assertThat(error.getData().get("statusCode")).isEqualTo(409);
  }

  @Test
  void aRoleHoldingThePolicyBlocksTheDeletionToo() {
    fake.seedPolicy(POLICY, document("ecs:*")).seedRoleAttachment("terway-role", POLICY);

    TeaException error = teaError(() -> ram.deletePolicy(new DeletePolicyRequest().setPolicyName(POLICY)));

    assertThat(error.getCode()).isEqualTo("DeleteConflict.Role.Policy");
  }
}
