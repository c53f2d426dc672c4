package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What apply reads again before an action ({@link Facts#scope} of its fingerprint) is enough: every fact of every
 * planned action reads the same from a state that holds only the parts in scope as from the whole state.
 */
class FactScopeTest {

  static Stream<Supplier<ObservedState>> states() {
    return Stream.of(SampleClusters::freshBgp, SampleClusters::freshHostNetwork, SampleClusters::operatorCalico,
        SampleClusters::policyDrift, SampleClusters::twoAccessKeysNoneInSecret, SampleClusters::brownfieldBgp,
        SampleClusters::keyRotationWithTerway, SampleClusters::secretDeletedWithTerway,
        SampleClusters::calicoWithExistingTerms, SampleClusters::sharedPolicyTheSpecWouldWiden);
  }

  @ParameterizedTest
  @MethodSource("states")
  void everyFingerprintFactReadsTheSameFromOnlyThePartsItsScopeNames(Supplier<ObservedState> sample) {
    ObservedState state = sample.get();
    checkPlan(Specs.auto(), state, new Planner().plan(Specs.auto(), state));
    checkPlan(Specs.auto(), state, new Planner().planDestroy(Specs.auto(), state));
  }

  private static void checkPlan(HybridNetworkSpec spec, ObservedState state, Plan plan) {
    for (Action a : plan.actions()) {
      Map<String, String> facts = a.fingerprint().facts();
      ObservedState only = restrict(state, Facts.scope(facts.keySet()));
      assertThat(Facts.read(facts.keySet(), only)).as(a.id()).isEqualTo(Facts.read(facts.keySet(), state));
    }
  }

  @Test
  void aUsersAttachmentsAndKeysComeWithTheUsersRecordAndAPolicysHoldersWithItsRecord() {
    FactScope scope = Facts.scope(List.of("ram.attachments/u", "ram.access_keys/v", "ram.policy_holders/p",
        "workload/TIGERA_INSTALLATION//default", "nodes.labelled/a=b"));

    assertThat(scope.ramUsers()).containsExactlyInAnyOrder("u", "v");
    assertThat(scope.ramPolicies()).containsExactly("p");
    assertThat(scope.workloads()).containsExactly(WorkloadRef.tigeraInstallation("default"));
    assertThat(scope.nodes()).isTrue();
    assertThat(scope.touchesCloud()).isTrue();
    assertThat(scope.touchesKubernetes()).isTrue();
    assertThat(Facts.scope(List.of()).touchesCloud()).isFalse();
    assertThat(Facts.scope(List.of()).touchesKubernetes()).isFalse();
  }

  @Test
  void anUnknownFactKeyIsRefusedNamingWhatWasExpected() {
    assertThatThrownBy(() -> Facts.scope(List.of("ram.usr/x"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a fact key hybridcni knows").hasMessageContaining("ram.usr/x");
  }

  /** {@code state} with every part outside {@code scope} left absent, as if never read. */
  private static ObservedState restrict(ObservedState state, FactScope scope) {
    RamFacts ram = state.ram();
    boolean user = !scope.ramUsers().isEmpty();
    RamFacts.Policy policy = scope.ramPolicies().isEmpty() || ram.policy() == null ? null
        : scope.ramPolicyHolders().isEmpty() ? withoutHolders(ram.policy()) : ram.policy();
    RamFacts onlyRam = new RamFacts(user ? ram.user() : null, policy,
        user && !scope.ramUserAttachments().isEmpty() ? ram.attachedPolicies() : List.of(),
        user && !scope.ramUserAccessKeys().isEmpty() ? ram.accessKeys() : List.of(), ram.secretKeyOwner());
    boolean workloads = !scope.workloads().isEmpty();
    // Where Calico's pods run is a property of each node, read only when the scope says so.
    List<NodeInfo> nodes = !scope.nodes() ? List.of() : scope.calicoPods() ? state.nodes()
        : state.nodes().stream().map(n -> n.withRunsCalico(false)).toList();
    return new ObservedState(nodes, workloads ? state.cni() : CniFacts.NONE,
        workloads ? state.terway() : null, scope.secrets().isEmpty() ? null : state.secret(), onlyRam,
        scope.clusters().isEmpty() ? null : state.cluster(), scope.addons().isEmpty() ? List.of() : state.addons(),
        state.identity(), state.secretNamespace());
  }

  private static RamFacts.Policy withoutHolders(RamFacts.Policy p) {
    return new RamFacts.Policy(p.name(), p.type(), p.defaultVersion(), p.versions(), p.defaultDocument(),
        p.attachmentCount(), null);
  }
}
