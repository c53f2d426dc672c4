package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Fingerprint;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.render.PlanJson;
import io.hybridcni.spec.SpecDigest;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every {@link ActionKind} through what the CLI wires: each has exactly one executor of its detail type in the
 * live wiring and in the simulation's, and its JSON name survives a saved plan. A kind added to the enum without
 * its executor or its JSON shape fails here by name (the core walks the planner's side of each kind).
 */
class EveryActionKindTest {

  private static Simulation simulation;

  @BeforeAll
  static void start() {
    simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO);
  }

  @AfterAll
  static void stop() {
    simulation.close();
  }

  @Test
  void everyActionKindHasAnExecutorOfItsDetailTypeInTheLiveWiring() {
    try (LiveEnvironment live = new LiveEnvironment(simulation.kubernetesClient(), simulation.aliyunConnection(),
        Duration.ofMinutes(1), "the live wiring on the simulation", false, UnaryOperator.identity())) {
      assertThat(unrunnableKinds(live.reconciler())).isEmpty();
    }
  }

  @Test
  void everyActionKindHasAnExecutorOfItsDetailTypeInTheSimulationWiring() {
    try (Environment simulated = simulation.environment(Duration.ofMinutes(1))) {
      assertThat(unrunnableKinds(simulated.reconciler())).isEmpty();
    }
  }

  @Test
  void theTwoWiringsRunEveryPlanKind() {
    try (Environment simulated = simulation.environment(Duration.ofMinutes(1))) {
      assertThat(simulated.reconciler().runs()).containsExactlyInAnyOrder(PlanKind.values());
    }
  }

  @Test
  void everyActionKindKeepsItsJsonNameThroughASavedPlan() {
    List<Action> actions = new ArrayList<>();
    for (ActionKind kind : ActionKind.values()) {
      actions.add(new Action(kind.name().toLowerCase(Locale.ROOT), kind, ChangeType.UPDATE, "address", "reason",
          List.of(), List.of(), (io.hybridcni.plan.ActionDetail) sample(kind.detailType()),
          Fingerprint.of(Map.of())));
    }
    Plan plan = new Plan(PlanKind.APPLY, "cluster", SpecDigest.of(simulation.demoSpec()),
        new ScenarioReport(Scenario.UNKNOWN, "test", "every kind", List.of()), List.of(), actions);

    String json = PlanJson.write(plan);
    Plan read = PlanJson.read("plan.json", json);

    for (ActionKind kind : ActionKind.values()) {
      assertThat(json).as(kind + "'s JSON name").contains("\"kind\" : \"" + kind.name() + "\"");
    }
    assertThat(read.actions()).extracting(Action::kind).containsExactly(ActionKind.values());
    assertThat(read.actions()).extracting(Action::detail).isEqualTo(plan.actions().stream().map(Action::detail)
        .toList());
  }

  /** The kinds without an executor, or with one of another detail type, as "KIND: why". */
  private static List<String> unrunnableKinds(Reconciler reconciler) {
    List<String> problems = new ArrayList<>();
    for (ActionKind kind : ActionKind.values()) {
      Optional<ActionExecutor<?>> executor = reconciler.executor(kind);
      if (executor.isEmpty()) {
        problems.add(kind + ": no executor");
      } else if (!executor.get().detailType().equals(kind.detailType())) {
        problems.add(kind + ": its executor reads " + executor.get().detailType().getSimpleName() + ", not "
            + kind.detailType().getSimpleName());
      }
    }
    return problems;
  }

  /** A value of {@code type} with every component filled (records all the way down), for the JSON round trip. */
  private static Object sample(Class<?> type) {
    if (type == String.class) {
      return "value";
    }
    if (type == boolean.class || type == Boolean.class) {
      return true;
    }
    if (type == int.class || type == Integer.class) {
      return 1;
    }
    if (type == long.class || type == Long.class) {
      return 1L;
    }
    if (type == List.class) {
      return List.of();
    }
    if (type == Map.class) {
      return Map.of();
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    if (type.isRecord()) {
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      Object[] values = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        values[i] = sample(types[i]);
      }
      try {
        return type.getDeclaredConstructor(types).newInstance(values);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("cannot make a " + type.getSimpleName() + " for the JSON round trip: " + e, e);
      }
    }
    throw new AssertionError("no sample value for " + type.getName() + ": teach EveryActionKindTest.sample");
  }
}
