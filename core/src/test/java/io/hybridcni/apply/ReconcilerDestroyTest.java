package io.hybridcni.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.planner.Planner;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Destroy through the same apply flow as reconcile: observe, plan destroy, apply exactly that, verify. */
class ReconcilerDestroyTest {

  private final HybridNetworkSpec spec = Specs.auto();

  private static Reconciler reconciler(InMemoryWorld world) {
    return Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).build();
  }

  @Test
  void aConvergedClusterIsDestroyedAndTheNextDestroyPlanIsEmpty() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp());

    ReconcileResult result = reconciler(world).destroy(spec, ApplyOptions.defaults());

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(result.why()).contains("destroy plan made after apply is empty");
    assertThat(result.plan().destroy()).isTrue();
    assertThat(world.executed()).containsExactly("addon-uninstall", "addon-removal-wait", "cni-exclusion-removal",
        "secret-deletion", "access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID, "ram-policy-detachment",
        "ram-policy-deletion", "ram-user-deletion");
    assertThat(world.state().ram()).isEqualTo(RamFacts.NONE);
    assertThat(world.state().addons()).isEmpty();
  }

  @Test
  void applyThenDestroyThenPlanGivesTheFreshPlanAgain() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Reconciler reconciler = reconciler(world);

    assertThat(reconciler.reconcile(spec, ApplyOptions.defaults()).converged()).isTrue();
    ReconcileResult destroyed = reconciler.destroy(spec, ApplyOptions.defaults());

    assertThat(destroyed.converged()).as(destroyed.why()).isTrue();
    assertThat(reconciler.plan(spec)).isEqualTo(new Planner().plan(spec, SampleClusters.freshBgp()));
  }

  @Test
  void destroyingACleanClusterRunsNothing() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());

    ReconcileResult result = reconciler(world).destroy(spec, ApplyOptions.defaults());

    assertThat(result.converged()).isTrue();
    assertThat(result.why()).isEqualTo("nothing to do");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aDestroyBlockedByAForeignSecretRunsNothing() {
    SecretFacts foreign = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "9",
        SampleClusters.fixtureSecret().valueHashes(), Map.of());
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp().toBuilder().secret(foreign).build());

    ReconcileResult result = reconciler(world).destroy(spec, ApplyOptions.defaults());

    assertThat(result.converged()).isFalse();
    assertThat(result.apply().refused()).contains("NOT_MANAGED_BY_HYBRIDCNI");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aSecretThatLostItsLabelMidDestroyIsNotDeleted() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp())
        .interfereBefore("cni-exclusion-removal", s -> s.toBuilder().secret(new SecretFacts("kube-system",
            "alibaba-addon-secret", true, "Opaque", "9", s.secret().valueHashes(), Map.of())).build());

    ApplyResult result = reconciler(world).destroy(spec, reconciler(world).planDestroy(spec),
        ApplyOptions.defaults());

    assertThat(result.outcome("secret-deletion").status()).isEqualTo(OutcomeStatus.STALE);
    assertThat(result.outcome("secret-deletion").changedFacts()).singleElement().asString()
        .startsWith("secret/kube-system/alibaba-addon-secret").contains("managed=false");
    assertThat(world.state().secret().present()).isTrue();
  }

  @Test
  void aUserWhoseCommentsChangedMidDestroyIsNotDeleted() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedHostNetwork())
        .interfereBefore("addon-removal-wait", s -> s.toBuilder().ram(s.ram().withUser(
            new RamFacts.User(Specs.RAM_USER, "1", "taken over by the platform team"))).build());

    ApplyResult result = reconciler(world).destroy(Specs.hostNetwork(),
        reconciler(world).planDestroy(Specs.hostNetwork()), ApplyOptions.defaults().withContinueOnError(true));

    assertThat(result.outcome("ram-policy-detachment").status()).isEqualTo(OutcomeStatus.STALE);
    assertThat(result.outcome("ram-user-deletion").status()).isEqualTo(OutcomeStatus.SKIPPED);
    assertThat(result.outcome("ram-user-deletion").blockedBy()).isEqualTo("ram-policy-detachment");
    assertThat(result.outcome("access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID).changedFacts())
        .anySatisfy(f -> assertThat(f).startsWith("ram.user_comments/" + Specs.RAM_USER));
    assertThat(world.state().ram().user()).isNotNull();
  }
}
