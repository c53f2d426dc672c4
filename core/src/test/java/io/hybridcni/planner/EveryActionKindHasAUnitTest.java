package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.PlanJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Walks every {@link ActionKind}: a new kind, or a new detail type, that lacks its JSON name, the unit that plans
 * it, its rules (the facts it relies on and changes, its planned-state effect) or a golden plan that renders it
 * fails here rather than at apply time. (That every kind has an executor is checked where the executors are
 * wired, in the CLI.)
 */
class EveryActionKindHasAUnitTest {

  private static final Path GOLDEN = Paths.get("src/test/resources/golden");
  private static final Map<Class<?>, String> JSON_NAMES = new HashMap<>();
  private static final Map<ActionKind, List<Action>> GOLDEN_ACTIONS = new EnumMap<>(ActionKind.class);

  @BeforeAll
  static void readTheGoldenPlans() throws IOException {
    for (JsonSubTypes.Type t : ActionDetail.class.getAnnotation(JsonSubTypes.class).value()) {
      JSON_NAMES.put(t.value(), t.name());
    }
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      for (Path file : files.filter(f -> f.getFileName().toString().equals("plan.json")).sorted().toList()) {
        Plan plan = PlanJson.read(file.toString(), read(file));
        plan.actions().forEach(a -> GOLDEN_ACTIONS.computeIfAbsent(a.kind(), k -> new ArrayList<>()).add(a));
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
  }

  @ParameterizedTest
  @EnumSource(ActionKind.class)
  void everyKindHasAJsonNameAUnitThatPlansItItsRulesAndAGoldenRendering(ActionKind kind) {
    Class<? extends ActionDetail> type = kind.detailType();
    assertThat(JSON_NAMES.get(type)).as("JSON name of %s in ActionDetail's @JsonSubTypes", type.getSimpleName())
        .isNotBlank();
    ResourceUnit unit = ResourceGraph.unitOf(type);
    assertThat(unit).as("the unit whose actions carry %s", type.getSimpleName()).isNotNull();
    assertThat(ResourceGraph.UNITS).as("the graph's units").contains(unit);
    DetailRules<?> rules = ResourceGraph.rulesOf(type);
    assertThat(rules).as("rules of %s", type.getSimpleName()).isNotNull();
    assertThat(rules.type()).isEqualTo(type);

    List<Action> rendered = GOLDEN_ACTIONS.getOrDefault(kind, List.of());
    assertThat(rendered).as("actions of kind %s in the golden plans under %s", kind, GOLDEN).isNotEmpty();
    for (Action action : rendered) {
      // What an action's fingerprint holds is what it relies on and no earlier action writes: never more than
      // its rules say it reads.
      assertThat(ResourceGraph.reads(action.detail(), Specs.auto()))
          .as("declared reads of %s %s", kind, action.id())
          .containsAll(action.fingerprint().facts().keySet());
      assertThat(ResourceGraph.writes(action.detail())).as("declared writes of %s %s", kind, action.id())
          .isNotNull();
      assertThat(ResourceGraph.effect(action.detail(), SampleClusters.freshBgp(), new PlannedState.NewKeys()))
          .as("planned-state effect of %s %s", kind, action.id()).isNotNull();
    }
  }

  @Test
  void everyDetailTypeIsTheDetailOfAKindAndHasItsRules() {
    for (Class<?> type : ActionDetail.class.getPermittedSubclasses()) {
      assertThat(Arrays.stream(ActionKind.values()).anyMatch(k -> k.detailType() == type))
          .as("an ActionKind that carries %s", type.getSimpleName()).isTrue();
      assertThat(JSON_NAMES).as("JSON names").containsKey(type);
      assertThat(ResourceGraph.rulesOf(type.asSubclass(ActionDetail.class))).as("rules of %s", type.getSimpleName())
          .isNotNull();
    }
  }

  @Test
  void everyUnitDeclaresTheRulesOfTheDetailsItsActionsCarry() {
    for (ResourceUnit unit : ResourceGraph.UNITS) {
      assertThat(unit.details()).as("details of %s", unit.getClass().getSimpleName()).isNotEmpty()
          .allSatisfy(rules -> assertThat(ResourceGraph.unitOf(rules.type())).isSameAs(unit));
    }
  }
}
