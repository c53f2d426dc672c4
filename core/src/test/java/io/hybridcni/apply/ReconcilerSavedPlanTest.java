package io.hybridcni.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.PlanJson;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The library refuses a plan that is not fit to run, for its purpose, spec and shape, before it takes the apply
 * lock and before anything runs: {@link Reconciler#apply} runs only apply plans, {@link Reconciler#destroy} only
 * destroy plans.
 */
class ReconcilerSavedPlanTest {

  private final HybridNetworkSpec spec = Specs.auto();
  private final List<String> lockEvents = new ArrayList<>();

  private Reconciler reconciler(InMemoryWorld world) {
    ApplyLock lock = (holder, wait) -> {
      lockEvents.add("acquire");
      return () -> lockEvents.add("release");
    };
    return Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).lock(lock).build();
  }

  /** A plan as saved with {@code plan --out} and read back. */
  private static Plan saved(Plan plan) {
    return PlanJson.read("plan.json", PlanJson.write(plan));
  }

  @Test
  void aDestroyPlanGivenToApplyIsRefusedBeforeTheLockAndRunsNothing() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp());
    Plan destroy = saved(reconciler(world).planDestroy(spec));

    ApplyResult result = reconciler(world).apply(spec, destroy, ApplyOptions.defaults());

    assertThat(result.refused()).startsWith("the plan cannot run as an APPLY plan for this spec: kind: APPLY")
        .contains("found a DESTROY plan");
    assertThat(result.outcomes()).extracting(ActionOutcome::status).containsOnly(OutcomeStatus.SKIPPED);
    assertThat(lockEvents).isEmpty();
    assertThat(world.executed()).isEmpty();
    assertThat(world.state()).isEqualTo(SampleClusters.convergedBgp());
  }

  @Test
  void anApplyPlanGivenToDestroyIsRefusedBeforeTheLockAndRunsNothing() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Plan apply = saved(reconciler(world).plan(spec));

    ApplyResult result = reconciler(world).destroy(spec, apply, ApplyOptions.defaults());

    assertThat(result.refused()).startsWith("the plan cannot run as a DESTROY plan for this spec: kind: DESTROY")
        .contains("found an APPLY plan");
    assertThat(lockEvents).isEmpty();
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void eachPlanRunsForItsOwnPurpose() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());

    ApplyResult applied = reconciler(world).apply(spec, saved(reconciler(world).plan(spec)), ApplyOptions.defaults());
    ApplyResult destroyed = reconciler(world).destroy(spec, saved(reconciler(world).planDestroy(spec)),
        ApplyOptions.defaults());

    assertThat(applied.succeeded()).as(applied.refused()).isTrue();
    assertThat(destroyed.succeeded()).as(destroyed.refused()).isTrue();
    assertThat(lockEvents).containsExactly("acquire", "release", "acquire", "release");
  }

  @Test
  void aPlanMadeFromAnotherSpecIsRefusedNamingTheFieldsThatDiffer() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Plan plan = saved(reconciler(world).plan(spec));

    ApplyResult result = reconciler(world).apply(spec.toBuilder().addonVersion("v1.10.0").build(), plan,
        ApplyOptions.defaults());

    assertThat(result.refused()).contains("spec_digest: a plan made from the spec given, found one made from a "
        + "spec that differs in addon.version");
    assertThat(lockEvents).isEmpty();
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aPlanWhoseSecretActionLostItsFingerprintIsRefusedAndTheHandMadeSecretIsUntouched() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Plan plan = saved(reconciler(world).plan(spec));
    // Between plan and apply, an operator creates the Secret by hand with a key of their own...
    SecretFacts handMade = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "7",
        Map.of("access-key-id", ValueHash.of("LTAI5tOperatorKey"), "access-key-secret", ValueHash.of("theirs")),
        Map.of());
    world.change(s -> s.toBuilder().secret(handMade).build());
    ObservedState before = world.state();
    // ...and someone strips the fingerprint that would have noticed it.
    List<Action> edited = plan.actions().stream()
        .map(a -> a.id().equals("access-key-secret") ? a.withFingerprint(null) : a).toList();
    Plan stripped = saved(new Plan(plan.kind(), plan.clusterId(), plan.specDigest(), plan.scenario(),
        plan.findings(), edited));

    ApplyResult result = reconciler(world).apply(spec, stripped, ApplyOptions.defaults());

    assertThat(result.refused()).contains("actions[access-key-secret].fingerprint: the fingerprint of the facts "
        + "the action relies on");
    assertThat(lockEvents).isEmpty();
    assertThat(world.executed()).isEmpty();
    assertThat(world.state().secret()).isEqualTo(handMade);
    assertThat(world.state()).isEqualTo(before);
  }

  @Test
  void withItsFingerprintTheSamePlanIsStaleAndTheHandMadeSecretIsUntouched() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Plan plan = saved(reconciler(world).plan(spec));
    SecretFacts handMade = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "7",
        Map.of("access-key-id", ValueHash.of("LTAI5tOperatorKey")), Map.of());
    world.change(s -> s.toBuilder().secret(handMade).build());

    ApplyResult result = reconciler(world).apply(spec, plan, ApplyOptions.defaults());

    assertThat(result.refused()).startsWith("the plan is stale").contains("access-key-secret");
    assertThat(world.executed()).isEmpty();
    assertThat(world.state().secret()).isEqualTo(handMade);
  }
}
