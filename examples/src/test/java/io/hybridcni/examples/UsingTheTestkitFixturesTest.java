package io.hybridcni.examples;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static io.hybridcni.plan.ActionKind.ENSURE_ACCESS_KEY_SECRET;
import static io.hybridcni.plan.ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.Planner;
import org.junit.jupiter.api.Test;

/**
 * How another project uses hybridcni's testkit in its own unit tests: the sample clusters, {@code PlanAssert}'s
 * domain verbs, and the in-memory world for code that drives the reconciler.
 */
class UsingTheTestkitFixturesTest {

  @Test
  void myPolicyOfAllowingOrphanDeletionUnblocksAClusterWithTwoStrayKeys() {
    Plan plan = new Planner().plan(Specs.builder().deleteOrphanAccessKeys(true).build(),
        SampleClusters.twoAccessKeysNoneInSecret());

    assertThat(plan).hasNoBlockers()
        .hasDependency("access-key-secret", "orphan-access-key-" + SampleClusters.FIXTURE_ACCESS_KEY_ID,
            "orphan-access-key-" + SampleClusters.OTHER_ACCESS_KEY_ID)
        .redacts(SampleClusters.FIXTURE_ACCESS_KEY_SECRET);
    org.assertj.core.api.Assertions.assertThat(plan.actions()).extracting(a -> a.kind())
        .contains(ENSURE_ACCESS_KEY_SECRET, EXCLUDE_CLOUD_NODES_FROM_CNI);
  }

  @Test
  void myToolThatDrivesTheReconcilerStopsOnAFailure() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp())
        .failOn("cni-exclusion", InMemoryWorld.failure("calico-node is locked by a change freeze"));
    Reconciler reconciler = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).build();

    ReconcileResult result = reconciler.reconcile(Specs.auto(), ApplyOptions.defaults());

    assertThat(result.converged()).isFalse();
    assertThat(result.why()).contains("cni-exclusion");
    assertThat(world.executed()).doesNotContain("addon-install");
  }
}
