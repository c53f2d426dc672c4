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

  @Test
  void aPlanOfTheFirstFormatIsRefusedWithOneLineSayingToPlanAgain() {
    String json = """
        {"format_version": 1, "cluster_id": "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b", "destroy": true, "actions": []}
        """;

    assertThatThrownBy(() -> PlanJson.read("old.json", json))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("old.json: format_version: format version 2, which records the plan's kind, cluster and spec; "
            + "this plan was written by an older hybridcni (format 1): make it again with hybridcni plan --out");
  }

  @Test
  void aPlanWithoutItsKindOrSpecDigestIsRefusedNamingEach() {
    String json = PlanJson.write(new Planner().plan(Specs.auto(), io.hybridcni.fixtures.SampleClusters.freshBgp()))
        .replace("\"kind\" : \"APPLY\",", "").replace("\"spec_digest\" :", "\"spec_dgst\" :");

    assertThatThrownBy(() -> PlanJson.read("edited.json", json))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).problems()).extracting(p -> p.field())
            .containsExactly("kind", "spec_digest"))
        .hasMessageContaining("edited.json: kind: APPLY or DESTROY, what the plan is for (the field is required");
  }

  @Test
  void theKindIsWrittenAndReadBack() {
    Plan destroy = new Planner().planDestroy(Specs.auto(), io.hybridcni.fixtures.SampleClusters.convergedBgp());
    String json = PlanJson.write(destroy);

    assertThat(json).contains("\"kind\" : \"DESTROY\"").doesNotContain("\"destroy\" : true");
    assertThat(PlanJson.read("plan.json", json).kind()).isEqualTo(io.hybridcni.plan.PlanKind.DESTROY);
  }
}
