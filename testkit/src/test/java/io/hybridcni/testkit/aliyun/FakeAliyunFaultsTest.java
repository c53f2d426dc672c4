package io.hybridcni.testkit.aliyun;

import static io.hybridcni.testkit.aliyun.Sdk.roa;
import static io.hybridcni.testkit.aliyun.Sdk.teaError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.ram20150501.Client;
import com.aliyun.ram20150501.models.CreateAccessKeyRequest;
import com.aliyun.ram20150501.models.CreateUserRequest;
import com.aliyun.ram20150501.models.GetUserRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.tea.TeaUnretryableException;
import com.aliyun.teautil.models.RuntimeOptions;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeAliyunFaultsTest {

  static final String USER = "ack-one-user-ce313528c3";

  FakeAliyun fake;
  Client ram;

  @BeforeEach
  void start() throws Exception {
    fake = FakeAliyun.start().addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET).seedUser(USER);
    ram = Sdk.ram(fake);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void throttlingSurfacesAsThrottlingUser400ForTheScriptedCallsThenCallsSucceed() throws Exception {
    fake.faults().on("CreateAccessKey").throttleTimes(3);

    List<String> codes = new ArrayList<>();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TeaException error = teaError(() -> ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)));
      codes.add(error.getCode());
      statuses.add(error.getStatusCode());
    }
    var created = ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)).getBody().getAccessKey();

    assertThat(codes).containsOnly("Throttling.User");
    assertThat(statuses).containsOnly(400);
    assertThat(fake.accessKeys(USER)).extracting(RamAccessKey::id).containsExactly(created.getAccessKeyId());
    assertThat(fake.faults().pending("CreateAccessKey")).isZero();
    assertThat(fake.journal().of("CreateAccessKey")).extracting(JournalEntry::status)
        .containsExactly(400, 400, 400, 200);
  }

  @Test
  void faultsHitOnlyTheNamedOperation() throws Exception {
    fake.faults().on("CreateAccessKey").throttleTimes(1);

    var user = ram.getUser(new GetUserRequest().setUserName(USER)).getBody().getUser();

    assertThat(user.getUserName()).isEqualTo(USER);
    assertThat(fake.faults().pending("CreateAccessKey")).isEqualTo(1);
  }

  @Test
  void serviceUnavailableSurfacesAs503AndChangesNothing() {
    fake.faults().on("CreateUser").serviceUnavailable(1);

    TeaException error = teaError(() -> ram.createUser(new CreateUserRequest().setUserName("u2")));

    assertThat(error.getCode()).isEqualTo("ServiceUnavailable");
    assertThat(error.getStatusCode()).isEqualTo(503);
    assertThat(fake.user("u2")).isEmpty();
  }

  @Test
  void failWithAnswersTheGivenCodeAndStatusInTheProductsShape() throws Exception {
    fake.addCluster("c1", FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", "cn-hangzhou");
    fake.faults().on("GetUser").failWith("NoPermission", 403);
    fake.faults().on("DescribeClusterDetail").failWith("ErrorCheckAcl", 403);

    TeaException ramError = teaError(() -> ram.getUser(new GetUserRequest().setUserName(USER)));
    TeaException csError = teaError(() -> Sdk.cs(fake).describeClusterDetail("c1"));

    assertThat(ramError.getCode()).isEqualTo("NoPermission");
    assertThat(ramError.getStatusCode()).isEqualTo(403);
    assertThat(ramError.getData()).containsKeys("RequestId", "HostId", "Code", "Message", "Recommend");
    assertThat(csError.getCode()).isEqualTo("ErrorCheckAcl");
    assertThat(csError.getStatusCode()).isEqualTo(403);
    assertThat(csError.getData()).containsKeys("requestId", "code", "message");
  }

  @Test
  void dropAfterCommitLeavesTheKeyCreatedWhileTheClientSeesAnIoError() {
    fake.faults().on("CreateAccessKey").dropAfterCommit();

    assertThatThrownBy(() -> ram.createAccessKey(new CreateAccessKeyRequest().setUserName(USER)))
        .isInstanceOf(TeaUnretryableException.class)
        .hasRootCauseInstanceOf(IOException.class)
        .satisfies(e -> assertThat(causes(e)).anyMatch(IOException.class::isInstance));

    assertThat(fake.accessKeys(USER)).singleElement().satisfies(key -> assertThat(key.active()).isTrue());
    assertThat(fake.journal().of("CreateAccessKey")).singleElement().satisfies(entry -> {
      assertThat(entry.dropped()).isTrue();
      assertThat(entry.status()).isZero();
      assertThat(entry.rendering()).contains("dropped after commit").contains("\"AccessKeySecret\":\"***\"")
          .contains(fake.accessKeys(USER).get(0).id());
    });
  }

  @Test
  void failAfterCommitCreatesTheUserWhileTheClientSeesA504AndTheScriptCountsIt() {
    List<String> heard = new ArrayList<>();
    fake.faults().listener((operation, injected) -> heard.add(operation + (injected ? " injected" : "")));
    fake.faults().on("CreateUser").failAfterCommit(504, 1);

    TeaException error = teaError(() -> ram.createUser(new CreateUserRequest().setUserName("u3")));

    assertThat(error.getStatusCode()).isEqualTo(504);
    assertThat(error.getCode()).isEqualTo("InternalError");
    assertThat(fake.user("u3")).isPresent();
    assertThat(fake.journal().of("CreateUser")).singleElement()
        .satisfies(entry -> assertThat(entry.status()).isEqualTo(504));
    assertThat(fake.faults().taken("CreateUser")).isEqualTo(1);
    assertThat(fake.faults().calls("CreateUser")).isEqualTo(1);
    assertThat(heard).containsExactly("CreateUser injected");
  }

  @Test
  void aDelayLongerThanTheClientReadTimeoutSurfacesAsASocketTimeout() {
    fake.faults().on("GetUser").delay(Duration.ofSeconds(2));
    RuntimeOptions impatient = new RuntimeOptions().setReadTimeout(150);

    assertThatThrownBy(() -> ram.getUserWithOptions(new GetUserRequest().setUserName(USER), impatient))
        .satisfies(e -> assertThat(causes(e)).anyMatch(SocketTimeoutException.class::isInstance));
  }

  @Test
  void scriptedOutcomesAreUsedInTheOrderTheyWereAdded() throws Exception {
    fake.addCluster("c1", FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", "cn-hangzhou");
    var openApi = Sdk.openApi(fake);
    fake.faults().on("ListClusterAddonInstances").throttleTimes(1).serviceUnavailable(1)
        .failWith("InternalError", 500);
    String path = "/clusters/c1/addon_instances";

    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      outcomes.add(teaError(() -> roa(openApi, "ListClusterAddonInstances", "GET", path, null)).getCode());
    }
    var answer = roa(openApi, "ListClusterAddonInstances", "GET", path, null);

    assertThat(outcomes).containsExactly("Throttling.User", "ServiceUnavailable", "InternalError");
    assertThat(answer).containsKey("addons");
  }

  @Test
  void clearingTheScriptRemovesQueuedOutcomes() throws Exception {
    fake.faults().on("GetUser").throttleTimes(5);

    fake.faults().clear();

    assertThat(ram.getUser(new GetUserRequest().setUserName(USER)).getBody().getUser().getUserName()).isEqualTo(USER);
  }

  static List<Throwable> causes(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable current = error; current != null && !chain.contains(current); current = current.getCause()) {
      chain.add(current);
    }
    return chain;
  }
}
