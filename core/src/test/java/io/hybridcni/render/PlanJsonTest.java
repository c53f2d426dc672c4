package io.hybridcni.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.Planner;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

  @Test
  void everySampleClustersPlanReadsBackEqual() throws Exception {
    for (ObservedState state : SecretRedactionTest.allSampleClusters()) {
      Plan plan = new Planner().plan(Specs.auto(), state);
      assertThat(PlanJson.read("plan.json", PlanJson.write(plan))).isEqualTo(plan);
    }
  }

  @Test
  void aPlanFromANewerHybridcniIsRefusedWithItsFormatVersion() {
    String json = PlanJson.write(new Planner().plan(Specs.auto(), io.hybridcni.fixtures.SampleClusters.freshBgp()))
        .replace("\"format_version\" : " + PlanJson.FORMAT_VERSION, "\"format_version\" : 7");

    assertThatThrownBy(() -> PlanJson.read("saved.json", json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("saved.json")
        .hasMessageContaining("format_version")
        .hasMessageContaining("newer hybridcni");
  }

  @Test
  void aTruncatedPlanIsRefusedNamingTheFile() {
    String json = PlanJson.write(new Planner().plan(Specs.auto(), io.hybridcni.fixtures.SampleClusters.freshBgp()));

    assertThatThrownBy(() -> PlanJson.read("cut.json", json.substring(0, json.length() / 2)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("cut.json");
  }

  @Test
  void anUnknownFieldInAPlanIsRefusedWithItsPath() {
    String json = PlanJson.write(new Planner().plan(Specs.auto(), io.hybridcni.fixtures.SampleClusters.freshBgp()))
        .replace("\"reason\" :", "\"reasn\" :");

    assertThatThrownBy(() -> PlanJson.read("edited.json", json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("edited.json")
        .hasMessageContaining("actions");
  }
}
