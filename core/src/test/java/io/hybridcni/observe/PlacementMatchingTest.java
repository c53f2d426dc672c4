package io.hybridcni.observe;

import static io.hybridcni.observe.NodeSelectorRequirement.DOES_NOT_EXIST;
import static io.hybridcni.observe.NodeSelectorRequirement.EXISTS;
import static io.hybridcni.observe.NodeSelectorRequirement.GT;
import static io.hybridcni.observe.NodeSelectorRequirement.IN;
import static io.hybridcni.observe.NodeSelectorRequirement.LT;
import static io.hybridcni.observe.NodeSelectorRequirement.NOT_IN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's node selection rules as {@link Placement}, {@link NodeSelectorTerm} and
 * {@link NodeSelectorRequirement} model them: requirements in a term are ANDed, terms are ORed, an empty term
 * matches nothing, and {@code nodeSelector} and the terms must both hold.
 */
class PlacementMatchingTest {

  private static final String EXTERNAL = "alibabacloud.com/external";
  private static final NodeInfo ON_PREMISES = node("idc-node-1", Map.of("kubernetes.io/os", "linux",
      "node.kubernetes.io/instance-cpus", "16"));
  private static final NodeInfo CLOUD = node("ecs-node-1", Map.of("kubernetes.io/os", "linux", EXTERNAL, "true",
      "node.kubernetes.io/instance-cpus", "4"));

  private static NodeInfo node(String name, Map<String, String> labels) {
    return new NodeInfo(name, labels, null, false, false);
  }

  private static NodeSelectorRequirement req(String key, String operator, String... values) {
    return NodeSelectorRequirement.of(key, operator, values);
  }

  @Nested
  class Requirements {

    @Test
    void inMatchesANodeWhoseLabelHasOneOfTheValues() {
      NodeSelectorRequirement r = req(EXTERNAL, IN, "false", "true");

      assertThat(r.matchesLabels(CLOUD.labels())).isTrue();
      assertThat(r.matchesLabels(ON_PREMISES.labels())).isFalse();
    }

    @Test
    void notInMatchesANodeThatLacksTheLabel() {
      NodeSelectorRequirement r = req(EXTERNAL, NOT_IN, "true");

      assertThat(r.matchesLabels(ON_PREMISES.labels())).isTrue();
      assertThat(r.matchesLabels(CLOUD.labels())).isFalse();
      assertThat(r.matchesLabels(Map.of(EXTERNAL, "false"))).isTrue();
    }

    @Test
    void existsMatchesAnyValueIncludingTheEmptyOne() {
      NodeSelectorRequirement r = req("node-role.kubernetes.io/control-plane", EXISTS);

      assertThat(r.matchesLabels(Map.of("node-role.kubernetes.io/control-plane", ""))).isTrue();
      assertThat(r.matchesLabels(ON_PREMISES.labels())).isFalse();
    }

    @Test
    void doesNotExistMatchesOnlyANodeWithoutTheKey() {
      NodeSelectorRequirement r = req(EXTERNAL, DOES_NOT_EXIST);

      assertThat(r.matchesLabels(ON_PREMISES.labels())).isTrue();
      assertThat(r.matchesLabels(CLOUD.labels())).isFalse();
      assertThat(r.matchesLabels(Map.of(EXTERNAL, "false"))).isFalse();
    }

    @Test
    void gtAndLtCompareTheLabelAsAnInteger() {
      String cpus = "node.kubernetes.io/instance-cpus";

      assertThat(req(cpus, GT, "8").matchesLabels(ON_PREMISES.labels())).isTrue();
      assertThat(req(cpus, GT, "16").matchesLabels(ON_PREMISES.labels())).isFalse();
      assertThat(req(cpus, LT, "8").matchesLabels(CLOUD.labels())).isTrue();
      assertThat(req(cpus, LT, "4").matchesLabels(CLOUD.labels())).isFalse();
      assertThat(req(cpus, GT, "-1").matchesLabels(Map.of(cpus, "0"))).isTrue();
    }

    @Test
    void gtAndLtFailForAMissingOrNonIntegerLabelOrBound() {
      String cpus = "node.kubernetes.io/instance-cpus";

      assertThat(req(cpus, GT, "1").matchesLabels(Map.of())).isFalse();
      assertThat(req(cpus, GT, "1").matchesLabels(Map.of(cpus, "sixteen"))).isFalse();
      assertThat(req(cpus, LT, "1.5").matchesLabels(Map.of(cpus, "1"))).isFalse();
      assertThat(req(cpus, GT, "1", "2").matchesLabels(Map.of(cpus, "16"))).isFalse();
      assertThat(req(cpus, GT, "1").matchesLabels(Map.of(cpus, "99999999999999999999"))).isFalse();
    }

    @Test
    void aRequirementTheSchedulerWouldRejectMatchesNothing() {
      assertThat(req(EXTERNAL, NOT_IN).matchesLabels(ON_PREMISES.labels())).isFalse();
      assertThat(req(EXTERNAL, IN).matchesLabels(CLOUD.labels())).isFalse();
      assertThat(req(EXTERNAL, EXISTS, "true").matchesLabels(CLOUD.labels())).isFalse();
      assertThat(req(EXTERNAL, DOES_NOT_EXIST, "true").matchesLabels(ON_PREMISES.labels())).isFalse();
      assertThat(req(EXTERNAL, "in", "true").matchesLabels(CLOUD.labels())).isFalse();
      assertThat(req(EXTERNAL, "Equals", "true").matchesLabels(CLOUD.labels())).isFalse();
    }

    @Test
    void matchFieldsSelectsByNodeName() {
      assertThat(req("metadata.name", IN, "idc-node-1").matchesFields("idc-node-1")).isTrue();
      assertThat(req("metadata.name", IN, "idc-node-1").matchesFields("ecs-node-1")).isFalse();
      assertThat(req("metadata.name", NOT_IN, "idc-node-1").matchesFields("ecs-node-1")).isTrue();
      assertThat(req("metadata.name", NOT_IN, "idc-node-1").matchesFields("idc-node-1")).isFalse();
    }

    @Test
    void matchFieldsSupportsOnlyMetadataNameWithInOrNotInAndOneValue() {
      assertThat(req("metadata.uid", IN, "idc-node-1").matchesFields("idc-node-1")).isFalse();
      assertThat(req("metadata.name", EXISTS).matchesFields("idc-node-1")).isFalse();
      assertThat(req("metadata.name", IN, "idc-node-1", "ecs-node-1").matchesFields("idc-node-1")).isFalse();
      assertThat(req("metadata.name", NOT_IN).matchesFields("idc-node-1")).isFalse();
    }

    @Test
    void aRequirementExcludesTheLabelWithNotInOrDoesNotExist() {
      assertThat(req(EXTERNAL, NOT_IN, "true").excludes(EXTERNAL, "true")).isTrue();
      assertThat(req(EXTERNAL, NOT_IN, "false", "true").excludes(EXTERNAL, "true")).isTrue();
      assertThat(req(EXTERNAL, DOES_NOT_EXIST).excludes(EXTERNAL, "true")).isTrue();
      assertThat(req(EXTERNAL, NOT_IN, "false").excludes(EXTERNAL, "true")).isFalse();
      assertThat(req(EXTERNAL, IN, "false").excludes(EXTERNAL, "true")).isFalse();
      assertThat(req("other", NOT_IN, "true").excludes(EXTERNAL, "true")).isFalse();
    }
  }

  @Nested
  class Terms {

    @Test
    void anEmptyTermMatchesNoNode() {
      NodeSelectorTerm empty = new NodeSelectorTerm(List.of(), List.of());

      assertThat(empty.isEmpty()).isTrue();
      assertThat(empty.matches(ON_PREMISES)).isFalse();
      assertThat(empty.matches(CLOUD)).isFalse();
    }

    @Test
    void expressionsAndFieldsOfATermAreAnded() {
      NodeSelectorTerm term = new NodeSelectorTerm(
          List.of(req("kubernetes.io/os", IN, "linux"), req(EXTERNAL, NOT_IN, "true")),
          List.of(req("metadata.name", NOT_IN, "idc-node-9")));

      assertThat(term.matches(ON_PREMISES)).isTrue();
      assertThat(term.matches(CLOUD)).isFalse();
      assertThat(term.matches(node("idc-node-9", Map.of("kubernetes.io/os", "linux")))).isFalse();
      assertThat(term.matches(node("win-1", Map.of("kubernetes.io/os", "windows")))).isFalse();
    }

    @Test
    void aTermOfFieldsAloneMatchesByName() {
      NodeSelectorTerm term = new NodeSelectorTerm(List.of(), List.of(req("metadata.name", IN, "ecs-node-1")));

      assertThat(term.matches(CLOUD)).isTrue();
      assertThat(term.matches(ON_PREMISES)).isFalse();
    }

    @Test
    void withExpressionKeepsTheFieldsAndAppendsTheExpression() {
      NodeSelectorTerm term = new NodeSelectorTerm(List.of(req("kubernetes.io/os", IN, "linux")),
          List.of(req("metadata.name", NOT_IN, "x")));

      NodeSelectorTerm excluded = term.withExpression(req(EXTERNAL, NOT_IN, "true"));

      assertThat(excluded.matchExpressions()).containsExactly(req("kubernetes.io/os", IN, "linux"),
          req(EXTERNAL, NOT_IN, "true"));
      assertThat(excluded.matchFields()).isEqualTo(term.matchFields());
      assertThat(excluded.excludes(EXTERNAL, "true")).isTrue();
      assertThat(term.excludes(EXTERNAL, "true")).isFalse();
    }
  }

  @Nested
  class Placements {

    @Test
    void withoutSelectorOrTermsEveryNodeIsAllowed() {
      assertThat(Placement.ANYWHERE.allows(ON_PREMISES)).isTrue();
      assertThat(Placement.ANYWHERE.allows(CLOUD)).isTrue();
    }

    @Test
    void nodeSelectorNeedsEveryLabelWithExactlyThatValue() {
      Placement terway = Placement.nodeSelector(Map.of(EXTERNAL, "true", "kubernetes.io/os", "linux"));

      assertThat(terway.allows(CLOUD)).isTrue();
      assertThat(terway.allows(ON_PREMISES)).isFalse();
      assertThat(terway.allows(node("ecs-2", Map.of(EXTERNAL, "true")))).isFalse();
      assertThat(terway.allows(node("ecs-3", Map.of(EXTERNAL, "True", "kubernetes.io/os", "linux")))).isFalse();
    }

    @Test
    void termsAreOred() {
      Placement placement = Placement.terms(
          NodeSelectorTerm.of(req("metadata.name", IN, "nobody")),
          NodeSelectorTerm.of(req(EXTERNAL, IN, "true")),
          NodeSelectorTerm.of(req("node.kubernetes.io/instance-cpus", GT, "8")));

      assertThat(placement.allows(CLOUD)).isTrue();
      assertThat(placement.allows(ON_PREMISES)).isTrue();
      assertThat(placement.allows(node("small", Map.of("node.kubernetes.io/instance-cpus", "2")))).isFalse();
    }

    @Test
    void onlyEmptyTermsAllowNoNode() {
      Placement placement = Placement.terms(new NodeSelectorTerm(List.of(), List.of()));

      assertThat(placement.allows(ON_PREMISES)).isFalse();
      assertThat(placement.allows(CLOUD)).isFalse();
    }

    @Test
    void anEmptyTermDoesNotWidenTheOtherTerms() {
      Placement placement = Placement.terms(new NodeSelectorTerm(List.of(), List.of()),
          NodeSelectorTerm.of(req(EXTERNAL, NOT_IN, "true")));

      assertThat(placement.allows(ON_PREMISES)).isTrue();
      assertThat(placement.allows(CLOUD)).isFalse();
    }

    @Test
    void nodeSelectorAndTermsMustBothHold() {
      Placement placement = new Placement(Map.of("kubernetes.io/os", "linux"),
          List.of(NodeSelectorTerm.of(req(EXTERNAL, IN, "true"))));

      assertThat(placement.allows(CLOUD)).isTrue();
      assertThat(placement.allows(ON_PREMISES)).isFalse();
      assertThat(placement.allows(node("win-ecs", Map.of("kubernetes.io/os", "windows", EXTERNAL, "true"))))
          .isFalse();
    }

    @Test
    void withRequiredTermsKeepsTheNodeSelector() {
      Placement placement = Placement.nodeSelector(Map.of("kubernetes.io/os", "linux"))
          .withRequiredTerms(List.of(NodeSelectorTerm.of(req(EXTERNAL, NOT_IN, "true"))));

      assertThat(placement.nodeSelector()).containsEntry("kubernetes.io/os", "linux");
      assertThat(placement.allows(ON_PREMISES)).isTrue();
      assertThat(placement.allows(CLOUD)).isFalse();
    }
  }
}
