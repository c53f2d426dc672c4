package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.PlanJson;
import io.hybridcni.render.PlanText;
import io.hybridcni.spec.HybridNetworkSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the text and JSON renderings of the plan for each sample cluster under
 * {@code src/test/resources/golden/<case>/}. To regenerate after an intended change, run with
 * {@code -Dhybridcni.updateGolden=true} and review the diff.
 */
class GoldenPlansTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("fresh-bgp", Specs.auto(), SampleClusters.freshBgp()),
        // Large enough for the summarised forms: evidence naming ten nodes and a count, node sets as digests.
        Arguments.of("fresh-bgp-150-nodes", Specs.auto(), SampleClusters.freshBgpWithNodes(120, 30)),
        Arguments.of("fresh-host-network", Specs.hostNetwork(), SampleClusters.freshHostNetwork()),
        Arguments.of("overlay-flannel-vxlan", Specs.auto(), SampleClusters.overlayFlannel()),
        Arguments.of("overlay-calico-ipip", Specs.auto(), SampleClusters.overlayCalicoIpip()),
        Arguments.of("overlay-calico-vxlan", Specs.auto(), SampleClusters.overlayCalicoVxlan()),
        Arguments.of("overlay-cilium-vxlan", Specs.auto(), SampleClusters.overlayCilium()),
        Arguments.of("converged-bgp", Specs.auto(), SampleClusters.convergedBgp()),
        Arguments.of("converged-host-network", Specs.hostNetwork(), SampleClusters.convergedHostNetwork()),
        Arguments.of("policy-drift", Specs.auto(), SampleClusters.policyDrift()),
        Arguments.of("policy-drift-version-limit", Specs.auto(), SampleClusters.policyDriftAtVersionLimit()),
        Arguments.of("policy-shared-grants-more", Specs.auto(), SampleClusters.sharedPolicyGrantingMore()),
        Arguments.of("policy-shared-narrowing", Specs.auto(), SampleClusters.sharedPolicyTheSpecWouldNarrow()),
        Arguments.of("policy-shared-widening", Specs.auto(), SampleClusters.sharedPolicyTheSpecWouldWiden()),
        Arguments.of("calico-existing-terms", Specs.auto(), SampleClusters.calicoWithExistingTerms()),
        Arguments.of("operator-calico", Specs.auto(), SampleClusters.operatorCalico()),
        Arguments.of("two-access-keys-none-in-secret", Specs.auto(), SampleClusters.twoAccessKeysNoneInSecret()),
        Arguments.of("two-access-keys-orphans-allowed",
            Specs.builder().deleteOrphanAccessKeys(true).build(), SampleClusters.twoAccessKeysNoneInSecret()),
        Arguments.of("ambiguous-cni", Specs.auto(), SampleClusters.ambiguousCni()),
        Arguments.of("mislabelled-on-premises-node", Specs.auto(), SampleClusters.mislabelledOnPremisesNode()),
        Arguments.of("brownfield-adopted-secret", Specs.auto(), SampleClusters.brownfieldBgp()),
        Arguments.of("addon-upgrade", Specs.builder().addonVersion("v1.10.0").build(),
            SampleClusters.convergedBgp()),
        Arguments.of("addon-failed", Specs.auto(), SampleClusters.addonFailed()),
        Arguments.of("rotation-with-terway", Specs.builder().deleteOrphanAccessKeys(true).build(),
            SampleClusters.keyRotationWithTerway()),
        Arguments.of("secret-deleted-with-terway", Specs.builder().deleteOrphanAccessKeys(true).build(),
            SampleClusters.secretDeletedWithTerway()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void planRenderingsMatchTheGoldenFiles(String name, HybridNetworkSpec spec, ObservedState state)
      throws IOException {
    Plan plan = new Planner().plan(spec, state);
    compare(name, "plan.txt", PlanText.plain().render(plan));
    compare(name, "plan.json", PlanJson.write(plan));
  }

  static void compare(String name, String file, String actual) throws IOException {
    Path golden = Paths.get("src/test/resources/golden", name, file);
    if (Boolean.getBoolean("hybridcni.updateGolden")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(golden).as("golden file %s (run with -Dhybridcni.updateGolden=true to create it)", golden)
        .exists();
    assertThat(actual).as("rendering of %s/%s", name, file)
        .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
