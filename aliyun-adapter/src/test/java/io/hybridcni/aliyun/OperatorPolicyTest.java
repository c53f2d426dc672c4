package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.fixtures.Specs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code hybridcni-operator-policy.json} (what {@code hybridcni permissions} prints) is the one list of the RAM and CS
 * actions hybridcni calls: every call an apply, an upgrade, a failed task and a destroy make against the fake is in
 * it. A new call goes into that file, and this test shows when it was forgotten.
 */
class OperatorPolicyTest {

  private static Set<String> policyActions() throws IOException {
    try (InputStream in = OperatorPolicyTest.class.getResourceAsStream(
        "/io/hybridcni/aliyun/hybridcni-operator-policy.json")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Set<String> actions = new TreeSet<>();
      Matcher m = Pattern.compile("\"([a-z]+:[A-Za-z]+)\"").matcher(text);
      while (m.find()) {
        actions.add(m.group(1));
      }
      return actions;
    }
  }

  @Test
  void thePermissionsListEveryActionTheCallsNeedIncludingDescribeTaskInfo() throws IOException {
    Set<String> called = new TreeSet<>();
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      bed.reconciler().reconcile(Specs.hostNetwork().toBuilder().addonVersion("v1.10.0").build(),
          ApplyOptions.defaults());
      bed.reconciler().destroy(CloudTestBed.spec(), ApplyOptions.defaults());
      // RAM is RPC style (every call to "/"), CS is ROA style (a path per resource).
      bed.fake.journal().forEach(e -> called.add((e.path().equals("/") ? "ram:" : "cs:") + e.operation()));
    }

    assertThat(called).contains("cs:DescribeTaskInfo", "cs:InstallClusterAddons", "cs:UpgradeClusterAddons",
        "cs:UnInstallClusterAddons");
    assertThat(policyActions()).containsAll(called);
  }
}
