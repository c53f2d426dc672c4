package io.hybridcni.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder finds a wiring that cannot apply what it says it runs at build(), before anything is observed. */
class ReconcilerWiringTest {

  private final InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());

  private Reconciler.Builder builder() {
    return Reconciler.builder().cluster(world).cloud(world.cloud());
  }

  /** The world's own steps, one executor per kind, each bound to its kind's detail type. */
  private List<ActionExecutor<?>> onePerKind(Set<ActionKind> leftOut) {
    List<ActionExecutor<?>> all = new ArrayList<>();
    for (ActionKind kind : ActionKind.values()) {
      if (!leftOut.contains(kind)) {
        all.add(ActionExecutor.of(kind.detailType(), Set.of(kind),
            (action, detail, context) -> world.execute(action, detail, context)));
      }
    }
    return all;
  }

  @Test
  void aKindWithoutAnExecutorFailsBuildInOneLineNamingTheKinds() {
    List<ActionExecutor<?>> executors = onePerKind(Set.of(ActionKind.RESTART_TERWAY, ActionKind.DELETE_SECRET));

    assertThatThrownBy(() -> builder().executors(executors).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no executor for [RESTART_TERWAY, DELETE_SECRET]")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aKindWithTwoExecutorsFailsBuildNamingTheKind() {
    List<ActionExecutor<?>> executors = onePerKind(Set.of());
    executors.add(ActionExecutor.of(ActionDetail.Addon.class, Set.of(ActionKind.UPGRADE_ADDON),
        (action, detail, context) -> StepResult.applied("second")));

    assertThatThrownBy(() -> builder().executors(executors).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("more than one executor for [UPGRADE_ADDON]");
  }

  @Test
  void anExecutorReadingAnotherDetailTypeThanItsKindsFailsBuild() {
    List<ActionExecutor<?>> executors = onePerKind(Set.of(ActionKind.DELETE_SECRET));
    executors.add(ActionExecutor.of(ActionDetail.RamUser.class, Set.of(ActionKind.DELETE_SECRET),
        (action, detail, context) -> StepResult.applied("wrong")));

    assertThatThrownBy(() -> builder().executors(executors).build())
        .hasMessageContaining("DELETE_SECRET carries SecretDeletion, its executor reads RamUser");
  }

  @Test
  void noExecutorsAtAllFailsBuildUnlessTheReconcilerSaysItOnlyPlans() {
    assertThatThrownBy(() -> builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no executors").hasMessageContaining("planOnly()");

    Reconciler planning = builder().planOnly().build();

    assertThat(planning.runs()).isEmpty();
    assertThat(planning.plan(Specs.auto()).isEmpty()).isFalse();
  }

  @Test
  void aPlanOnlyReconcilerRefusesToApplyOrReconcileAPlanWithActionsAndWritesNothing() {
    Reconciler planning = builder().planOnly().build();
    Plan plan = planning.plan(Specs.auto());

    assertThatThrownBy(() -> planning.apply(Specs.auto(), plan, ApplyOptions.defaults()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("planOnly()");
    assertThatThrownBy(() -> planning.reconcile(Specs.auto(), ApplyOptions.defaults()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("planOnly()");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aPlanOnlyReconcilerReconcilesAConvergedClusterToNothingToDo() {
    InMemoryWorld converged = new InMemoryWorld(SampleClusters.convergedBgp());
    Reconciler planning = Reconciler.builder().cluster(converged).cloud(converged.cloud()).planOnly().build();

    ReconcileResult result = planning.reconcile(Specs.auto(), ApplyOptions.defaults());

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(result.plan().isEmpty()).isTrue();
  }

  @Test
  void aPlanOnlyReconcilerTakesNoExecutors() {
    assertThatThrownBy(() -> builder().planOnly().executor(world).build())
        .hasMessageContaining("planOnly() takes no executors");
  }

  @Test
  void aReconcilerThatRunsApplyPlansOnlyNeedsOnlyTheirKindsAndRefusesADestroy() {
    Set<ActionKind> destroyOnly = EnumSet.noneOf(ActionKind.class);
    for (ActionKind kind : ActionKind.values()) {
      if (!kind.belongsTo(PlanKind.APPLY)) {
        destroyOnly.add(kind);
      }
    }

    Reconciler applying = builder().runs(PlanKind.APPLY).executors(onePerKind(destroyOnly)).build();

    assertThat(applying.reconcile(Specs.auto(), ApplyOptions.defaults()).converged()).isTrue();
    assertThatThrownBy(() -> applying.destroy(Specs.auto(), ApplyOptions.defaults()))
        .hasMessageContaining("cannot run a DESTROY plan");
  }

  @Test
  void aKindDeclaredUnwiredPassesBuildAndFailsOnlyTheActionThatNeedsIt() {
    Reconciler partial = builder().executors(onePerKind(Set.of(ActionKind.ENSURE_RAM_USER)))
        .unwired(Set.of(ActionKind.ENSURE_RAM_USER)).build();

    ApplyResult result = partial.apply(Specs.auto(), partial.plan(Specs.auto()), ApplyOptions.defaults());

    assertThat(result.outcome("ram-user").status()).isEqualTo(OutcomeStatus.FAILED);
    assertThat(result.outcome("ram-user").message()).isEqualTo("no executor handles ENSURE_RAM_USER");
  }

  @Test
  void aWrappedExecutorKeepsItsKindsAndRunsAroundTheRealStep() {
    List<String> seen = new ArrayList<>();
    ActionExecutor<ActionDetail> wrapped = world.around((action, context, step) -> {
      seen.add("before " + action.id());
      StepResult result = step.get();
      seen.add("after " + action.id());
      return result;
    });

    Reconciler reconciler = builder().executor(wrapped).build();
    reconciler.reconcile(Specs.auto(), ApplyOptions.defaults());

    assertThat(wrapped.kinds()).isEqualTo(world.kinds());
    assertThat(seen).startsWith("before ram-user", "after ram-user");
    assertThat(world.executed()).contains("ram-user");
  }

  @Test
  void runningAnActionOfAnotherDetailTypeIsRefusedWithoutRunningIt() {
    ActionExecutor<ActionDetail.RamUser> ramUsers = ActionExecutor.of(ActionDetail.RamUser.class,
        Set.of(ActionKind.ENSURE_RAM_USER), (action, detail, context) -> {
          throw new AssertionError("ran " + action.id());
        });
    Action addon = builder().planOnly().build().plan(Specs.auto()).actions().stream()
        .filter(a -> a.kind() == ActionKind.INSTALL_ADDON).findFirst().orElseThrow();

    assertThatThrownBy(() -> ramUsers.run(addon, ExecutionContext.forReal(ApplyListener.NONE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is INSTALL_ADDON with detail Addon")
        .hasMessageContaining("this executor runs [ENSURE_RAM_USER] with detail RamUser");
  }
}
