package io.hybridcni.testkit.aliyun;

import static io.hybridcni.testkit.aliyun.Sdk.roa;
import static io.hybridcni.testkit.aliyun.Sdk.teaError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import com.aliyun.cs20151215.models.DescribeClusterDetailResponseBody;
import com.aliyun.cs20151215.models.InstallClusterAddonsRequest;
import com.aliyun.cs20151215.models.InstallClusterAddonsRequest.InstallClusterAddonsRequestBody;
import com.aliyun.cs20151215.models.UnInstallClusterAddonsRequest;
import com.aliyun.cs20151215.models.UnInstallClusterAddonsRequest.UnInstallClusterAddonsRequestAddons;
import com.aliyun.cs20151215.models.UpgradeClusterAddonsRequest;
import com.aliyun.cs20151215.models.UpgradeClusterAddonsRequest.UpgradeClusterAddonsRequestBody;
import com.aliyun.tea.TeaException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeAliyunCsTest {

  static final String CLUSTER = "c8f3a0e1b2d4c4e6f8a0b2c4d6e8f0a12";
  static final String TERWAY = "terway-eniip";
  static final String ADDON_PATH = "/clusters/" + CLUSTER + "/addon_instances/" + TERWAY;

  FakeAliyun fake;
  com.aliyun.cs20151215.Client cs;
  com.aliyun.teaopenapi.Client openApi;

  @BeforeEach
  void start() throws Exception {
    fake = FakeAliyun.start(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(2))
        .addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET)
        .addCluster(CLUSTER, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", "cn-hangzhou");
    cs = Sdk.cs(fake);
    openApi = Sdk.openApi(fake);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  static Map<String, Object> addon(String name, String version, String config) {
    return Map.of("name", name, "version", version, "config", config);
  }

  @Test
  void describeClusterDetailAnswersTheSeededRegisteredCluster() throws Exception {
    DescribeClusterDetailResponseBody body = cs.describeClusterDetail(CLUSTER).getBody();

    assertThat(body.getClusterId()).isEqualTo(CLUSTER);
    assertThat(body.getClusterType()).isEqualTo("ExternalKubernetes");
    assertThat(body.getState()).isEqualTo("running");
    assertThat(body.getRegionId()).isEqualTo("cn-hangzhou");
    assertThat(body.getName()).isEqualTo(CLUSTER);
  }

  @Test
  void anUnknownClusterFailsWithErrorClusterNotFound404() {
    TeaException error = teaError(() -> cs.describeClusterDetail("c-nope"));

    assertThat(error.getCode()).isEqualTo("ErrorClusterNotFound");
    assertThat(error.getStatusCode()).isEqualTo(404);
    assertThat(error.getData()).containsKeys("requestId", "message");
  }

  @Test
  void listingAddonInstancesAnswersTheSeededAddons() throws Exception {
    fake.seedAddon(CLUSTER, TERWAY, "v1.9.0", "active").seedAddon(CLUSTER, "csi-plugin", "v1.30.0", "active");

    Map<String, Object> body = roa(openApi, "ListClusterAddonInstances", "GET",
        "/clusters/" + CLUSTER + "/addon_instances", null);

    assertThat(body.get("addons")).asInstanceOf(LIST).containsExactly(
        Map.of("name", TERWAY, "version", "v1.9.0", "state", "active"),
        Map.of("name", "csi-plugin", "version", "v1.30.0", "state", "active"));
  }

  @Test
  void gettingAMissingAddonInstanceFailsWithAddonNotFound404() {
    TeaException error = teaError(() -> roa(openApi, "GetClusterAddonInstance", "GET", ADDON_PATH, null));

    assertThat(error.getCode()).isEqualTo("AddonNotFound");
    assertThat(error.getStatusCode()).isEqualTo(404);
  }

  @Test
  void installAnswersATaskIdThenPollsSeeInstallingTwiceThenActive() throws Exception {
    Map<String, Object> installed = roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/" + CLUSTER + "/components/install", List.of(addon(TERWAY, "v1.9.0", "{\"IPVlan\":\"false\"}")));
    String taskId = (String) installed.get("task_id");

    assertThat(installed).containsEntry("cluster_id", CLUSTER).containsKey("request_id");
    assertThat(taskId).startsWith("T-");
    assertThat(fake.task(taskId).orElseThrow().state()).isEqualTo("running");
    List<Object> states = new ArrayList<>();
    for (int poll = 0; poll < 3; poll++) {
      states.add(roa(openApi, "GetClusterAddonInstance", "GET", ADDON_PATH, null).get("state"));
    }
    assertThat(states).containsExactly("installing", "installing", "active");
    var task = cs.describeTaskInfo(taskId).getBody();
    assertThat(task.getState()).isEqualTo("success");
    assertThat(task.getTaskResult()).singleElement().satisfies(result -> {
      assertThat(result.getData()).isEqualTo(TERWAY);
      assertThat(result.getStatus()).isEqualTo("success");
    });
    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow())
        .isEqualTo(new CsAddon(TERWAY, "v1.9.0", "active", "{\"IPVlan\":\"false\"}"));
  }

  @Test
  void pollingOnlyTheTaskAlsoSeesTheInstallThrough() throws Exception {
    String taskId = (String) roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/" + CLUSTER + "/components/install", List.of(addon(TERWAY, "v1.9.0", ""))).get("task_id");

    List<String> states = new ArrayList<>();
    for (int poll = 0; poll < 3; poll++) {
      states.add(cs.describeTaskInfo(taskId).getBody().getState());
    }

    assertThat(states).containsExactly("running", "running", "success");
    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("active");
  }

  @Test
  void anUnknownTaskFailsWith404() {
    TeaException error = teaError(() -> cs.describeTaskInfo("T-nope"));

    assertThat(error.getCode()).isEqualTo("ErrorTaskNotFound");
    assertThat(error.getStatusCode()).isEqualTo(404);
  }

  @Test
  void theTypedInstallCallSucceedsButCannotSeeTheTaskId() throws Exception {
    var response = cs.installClusterAddons(CLUSTER, new InstallClusterAddonsRequest().setBody(List.of(
        new InstallClusterAddonsRequestBody().setName(TERWAY).setVersion("v1.9.0"))));

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("installing");
    assertThat(fake.journal().of("InstallClusterAddons")).singleElement()
        .satisfies(entry -> assertThat(entry.rendering()).contains("\"task_id\":\"T-"));
  }

  @Test
  void installingAnInstalledAddonIsRefused() {
    fake.seedAddon(CLUSTER, TERWAY, "v1.9.0", "active");

    TeaException error = teaError(() -> roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/" + CLUSTER + "/components/install", List.of(addon(TERWAY, "v1.9.0", ""))));

    assertThat(error.getCode()).isEqualTo("AddonAlreadyInstalled");
    assertThat(error.getStatusCode()).isEqualTo(400);
  }

  @Test
  void anAddonConfigThatIsNotAJsonObjectStringIsRefused() {
    TeaException error = teaError(() -> roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/" + CLUSTER + "/components/install", List.of(addon(TERWAY, "v1.9.0", "IPVlan=false"))));

    assertThat(error.getCode()).isEqualTo("InvalidParameter");
    assertThat(fake.addons(CLUSTER)).isEmpty();
  }

  @Test
  void upgradeShowsUpgradingThenTheNewVersionActive() throws Exception {
    fake.seedAddon(CLUSTER, TERWAY, "v1.8.0", "active");

    cs.upgradeClusterAddons(CLUSTER, new UpgradeClusterAddonsRequest().setBody(List.of(
        new UpgradeClusterAddonsRequestBody().setComponentName(TERWAY).setVersion("v1.8.0").setNextVersion("v1.9.0"))));
    List<Object> seen = new ArrayList<>();
    for (int poll = 0; poll < 3; poll++) {
      Map<String, Object> instance = roa(openApi, "GetClusterAddonInstance", "GET", ADDON_PATH, null);
      seen.add(instance.get("state") + "@" + instance.get("version"));
    }

    assertThat(seen).containsExactly("upgrading@v1.8.0", "upgrading@v1.8.0", "active@v1.9.0");
  }

  @Test
  void uninstallShowsDeletingThenTheInstanceIsGone() throws Exception {
    fake.seedAddon(CLUSTER, TERWAY, "v1.9.0", "active");

    cs.unInstallClusterAddons(CLUSTER, new UnInstallClusterAddonsRequest().setAddons(List.of(
        new UnInstallClusterAddonsRequestAddons().setName(TERWAY))));
    String list = "/clusters/" + CLUSTER + "/addon_instances";
    Object first = roa(openApi, "ListClusterAddonInstances", "GET", list, null).get("addons");
    Object second = roa(openApi, "ListClusterAddonInstances", "GET", list, null).get("addons");
    Object third = roa(openApi, "ListClusterAddonInstances", "GET", list, null).get("addons");

    assertThat(first).asInstanceOf(LIST).singleElement().isEqualTo(Map.of("name", TERWAY, "version", "v1.9.0", "state",
        "deleting"));
    assertThat(second).asInstanceOf(LIST).hasSize(1);
    assertThat(third).asInstanceOf(LIST).isEmpty();
    assertThat(fake.addons(CLUSTER)).isEmpty();
  }

  @Test
  void readingStateThroughTheFakeIsNotAPoll() throws Exception {
    roa(openApi, "InstallClusterAddons", "POST", "/clusters/" + CLUSTER + "/components/install",
        List.of(addon(TERWAY, "v1.9.0", "")));

    for (int i = 0; i < 5; i++) {
      assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("installing");
    }
    fake.settleAddons();
    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("active");
  }

  @Test
  void addonsCannotBeInstalledInAClusterThatIsNotRunning() {
    fake.addCluster("c-failed", FakeAliyun.REGISTERED_CLUSTER_TYPE, "failed", "cn-hangzhou");

    TeaException error = teaError(() -> roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/c-failed/components/install", List.of(addon(TERWAY, "v1.9.0", ""))));

    assertThat(error.getCode()).isEqualTo("ErrorClusterState");
    assertThat(error.getStatusCode()).isEqualTo(400);
  }

  @Test
  void anUnknownPathFailsWithInvalidActionNotFound404() {
    TeaException error = teaError(() -> roa(openApi, "DescribeClusterAddonsVersion", "GET",
        "/clusters/" + CLUSTER + "/components/version", null));

    assertThat(error.getCode()).isEqualTo("InvalidAction.NotFound");
    assertThat(error.getStatusCode()).isEqualTo(404);
  }

  @Test
  void aScriptedTaskFailureEndsTheTaskFailedWithAckError() throws Exception {
    fake.failNextAddonTask(TERWAY, "AddonInstallFailed", "helm install failed: timed out", "active");
    String taskId = (String) roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/" + CLUSTER + "/components/install", List.of(addon(TERWAY, "v1.9.0", "{}"))).get("task_id");

    Map<String, Object> running = roa(openApi, "DescribeTaskInfo", "GET", "/tasks/" + taskId, null);
    assertThat(running).containsEntry("state", "running").doesNotContainKey("error");
    fake.settleAddons();
    Map<String, Object> failed = roa(openApi, "DescribeTaskInfo", "GET", "/tasks/" + taskId, null);

    assertThat(failed).containsEntry("state", "failed")
        .containsEntry("error", Map.of("code", "AddonInstallFailed", "message", "helm install failed: timed out"));
    assertThat(fake.task(taskId).orElseThrow().errorCode()).isEqualTo("AddonInstallFailed");
    // The real service's "wrong status(success) after failing": the instance reads active although the task failed.
    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("active");
  }

  @Test
  void describeClusterTasksListsTheClustersTasksInTheSdkModelsShapeWithoutObservingTheirAddons() throws Exception {
    fake.failNextAddonTask("csi-plugin", "E2", "broken", "Failed");
    roa(openApi, "InstallClusterAddons", "POST", "/clusters/" + CLUSTER + "/components/install",
        List.of(addon("csi-plugin", "v1.30.0", "{}")));
    fake.settleAddons();
    Map<String, Object> install = roa(openApi, "InstallClusterAddons", "POST",
        "/clusters/" + CLUSTER + "/components/install", List.of(addon(TERWAY, "v1.9.0", "{}")));

    var body = cs.describeClusterTasks(CLUSTER).getBody();
    var again = cs.describeClusterTasks(CLUSTER).getBody();

    assertThat(body.getTasks()).hasSize(2);
    assertThat(body.getTasks().get(0).getState()).isEqualTo("failed");
    assertThat(body.getTasks().get(0).getTaskType()).isEqualTo("cluster_addon_install");
    assertThat(body.getTasks().get(0).getError().getCode()).isEqualTo("E2");
    assertThat(body.getTasks().get(0).getError().getMessage()).isEqualTo("broken");
    assertThat(body.getTasks().get(1).getTaskId()).isEqualTo(install.get("task_id"));
    assertThat(body.getTasks().get(1).getState()).isEqualTo("running");
    assertThat(body.getTasks().get(1).getCreated()).isNotBlank();
    assertThat(body.getPageInfo().getTotalCount()).isEqualTo(2L);
    assertThat(body.getRequestId()).isNotBlank();
    assertThat(again.getTasks().get(1).getState()).as("listing settles nothing").isEqualTo("running");
    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("installing");
  }

  @Test
  void aFailedInstallCanLeaveNothingOrAFailureStateBehind() throws Exception {
    fake.failNextAddonTask(TERWAY, "E1", "gone", null).failNextAddonTask("csi-plugin", "E2", "broken", "Failed");
    roa(openApi, "InstallClusterAddons", "POST", "/clusters/" + CLUSTER + "/components/install",
        List.of(addon(TERWAY, "v1.9.0", "{}"), addon("csi-plugin", "v1.30.0", "{}")));

    fake.settleAddons();

    assertThat(fake.addon(CLUSTER, TERWAY)).isEmpty();
    assertThat(fake.addon(CLUSTER, "csi-plugin").orElseThrow().state()).isEqualTo("Failed");
    assertThat(roa(openApi, "GetClusterAddonInstance", "GET", "/clusters/" + CLUSTER + "/addon_instances/csi-plugin",
        null)).containsEntry("state", "Failed");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"active", "installing", "initial", "updating", "upgrading",
      "deleting", "Failed", "failed", "Canceled", "unhealthy"})
  void everyStateOfTheRealServiceCanBeSeededAndIsAnsweredAsSpelled(String state) throws Exception {
    fake.seedAddon(CLUSTER, TERWAY, "v1.9.0", state);

    assertThat(roa(openApi, "GetClusterAddonInstance", "GET", ADDON_PATH, null)).containsEntry("state", state);
  }

  @Test
  void failureStatesStayWhileTransitionalStatesSettle() throws Exception {
    fake.seedAddon(CLUSTER, TERWAY, "v1.9.0", "unhealthy").seedAddon(CLUSTER, "csi-plugin", "v1.30.0", "initial");

    fake.settleAddons();

    assertThat(fake.addon(CLUSTER, TERWAY).orElseThrow().state()).isEqualTo("unhealthy");
    assertThat(fake.addon(CLUSTER, "csi-plugin").orElseThrow().state()).isEqualTo("active");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {400, 404})
  void addonNotFoundIsAnsweredAtTheStatusTheFakeChooses(int status) {
    try (FakeAliyun other = FakeAliyun.start(FakeAliyunOptions.defaults().withAddonNotFoundStatus(status))
        .addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET)
        .addCluster(CLUSTER, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", "cn-hangzhou")) {
      TeaException error = teaError(() -> roa(Sdk.openApi(other), "GetClusterAddonInstance", "GET", ADDON_PATH,
          null));

      assertThat(error.getCode()).isEqualTo("AddonNotFound");
      assertThat(error.getStatusCode()).isEqualTo(status);
    }
  }
}
