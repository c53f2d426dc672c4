package io.hybridcni.planner;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.PlanJson;
import io.hybridcni.render.PlanText;
import io.hybridcni.spec.HybridNetworkSpec;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the text and JSON renderings of destroy plans under {@code src/test/resources/golden/destroy-<case>/}, the
 * same way as {@link GoldenPlansTest} (regenerate with {@code -Dhybridcni.updateGolden=true} and review the diff).
 */
class GoldenDestroyPlansTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("destroy-converged-bgp", Specs.auto(), SampleClusters.convergedBgp()),
        Arguments.of("destroy-converged-host-network", Specs.hostNetwork(), SampleClusters.convergedHostNetwork()),
        Arguments.of("destroy-operator-calico", Specs.auto(), SampleClusters.convergedOperatorCalico()),
        Arguments.of("destroy-foreign-secret", Specs.auto(), foreignSecret()),
        Arguments.of("destroy-shared-policy-busy-addon", Specs.auto(), sharedPolicyBusyAddon()),
        Arguments.of("destroy-brownfield-adopted-secret", Specs.auto(), SampleClusters.brownfieldConverged()),
        Arguments.of("destroy-clean", Specs.auto(), SampleClusters.freshBgp()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void destroyPlanRenderingsMatchTheGoldenFiles(String name, HybridNetworkSpec spec, ObservedState state)
      throws IOException {
    Plan plan = new Planner().planDestroy(spec, state);
    GoldenPlansTest.compare(name, "plan.txt", PlanText.plain().render(plan));
    GoldenPlansTest.compare(name, "plan.json", PlanJson.write(plan));
  }

  /** The converged BGP cluster, but its Secret was written by someone else (no managed-by label). */
  private static ObservedState foreignSecret() {
    SecretFacts hashes = SampleClusters.fixtureSecret();
    return SampleClusters.convergedBgp().toBuilder().secret(new SecretFacts(hashes.namespace(), hashes.name(), true,
        "Opaque", "6001", hashes.valueHashes(), Map.of("app.kubernetes.io/name", "terway"))).build();
  }

  /** The converged BGP cluster while the addon upgrades and another cluster's user holds the policy too. */
  private static ObservedState sharedPolicyBusyAddon() {
    ObservedState converged = SampleClusters.convergedBgp();
    return converged.toBuilder()
        .addon(new AddonInstance(Specs.ADDON, Specs.ADDON_VERSION, "upgrading"))
        .ram(converged.ram().withPolicy(converged.ram().policy().withAttachmentCount(2)))
        .build();
  }
}
