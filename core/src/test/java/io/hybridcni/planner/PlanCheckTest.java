package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.render.PlanJson;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A saved plan is checked as a whole before it may run. The corpus under {@code src/test/resources/bad-plans/} holds
 * the fresh-bgp plan ({@code good.json}, as {@code golden/fresh-bgp/plan.json} was when the corpus was made) and
 * hand edits of it, each refused with one problem per line naming the file, the action id and the field. The
 * corpus is checked for its structure only ({@link PlanCheck#structureProblems}), so that a new spec field, which
 * changes every spec digest, does not change what each file proves.
 */
class PlanCheckTest {

  private static final Path CORPUS = Path.of("src/test/resources/bad-plans");

  private static Plan read(String file) throws IOException {
    Path path = CORPUS.resolve(file);
    return PlanJson.read(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
  }

  @Test
  void theUneditedPlanOfTheCorpusPasses() throws IOException {
    assertThat(PlanCheck.structureProblems("good.json", read("good.json"), Specs.auto())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      duplicate-id.json                    | actions[addon-wait].id                             | each action id once, found it at actions[6] and again at actions[7]
      unknown-depends-on.json              | actions[addon-wait].depends_on                     | ids of actions in this plan, found "addon-instal", which no action has
      dependency-cycle.json                | actions[ram-user].depends_on                       | no dependency cycle, found ram-user -> ram-policy-attachment -> ram-user
      depends-on-a-later-action.json       | actions[ram-policy].depends_on                     | actions listed before it (a plan runs in its list order), found "access-key-secret" listed after it
      kind-detail-mismatch.json            | actions[ram-user].detail.type                      | ram_policy (the detail that ENSURE_RAM_POLICY runs), found ram_user
      destroy-action-in-an-apply-plan.json | actions[ram-user].kind                             | an action kind of an APPLY plan, found DELETE_RAM_USER, which only a DESTROY plan holds
      unknown-fact-key.json                | actions[cni-exclusion].fingerprint.facts           | a fact key hybridcni knows
      missing-fingerprint.json             | actions[ram-user].fingerprint                      | the fingerprint of the facts the action relies on (ram.user/ack-one-user-c5f0e4a3b2), found none
      secret-fingerprint-stripped.json     | actions[access-key-secret].fingerprint             | the fingerprint of the facts the action relies on (ram.access_keys/ack-one-user-c5f0e4a3b2, secret/kube-system/alibaba-addon-secret), found none
      secret-fingerprint-emptied.json      | actions[access-key-secret].fingerprint.facts       | every fact this ENSURE_ACCESS_KEY_SECRET relies on, found an empty fingerprint, without ram.access_keys/ack-one-user-c5f0e4a3b2, secret/kube-system/alibaba-addon-secret
      secret-fact-dropped.json             | actions[access-key-secret].fingerprint.facts       | every fact this ENSURE_ACCESS_KEY_SECRET relies on, found it without secret/kube-system/alibaba-addon-secret
      fingerprint-hash-mismatch.json       | actions[access-key-secret].fingerprint.hash        | (the hash of its facts), found sha256:d7c9e55b300d358f
      secret-action-retargeted.json        | actions[access-key-secret].fingerprint.facts       | found it without secret/kube-system/other-secret
      detail-for-another-cluster.json      | actions[addon-install].detail.cluster_id           | the plan's cluster c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, found c0000000000000000000000000000000f
      several-problems.json                | actions[addon-wait].id, actions[ram-user].fingerprint, actions[cni-exclusion].depends_on | found "calico-upgrade", which no action has
      """)
  void aHandEditedPlanIsRefusedWithOneLinePerProblemNamingTheFileTheActionAndTheField(String file, String fields,
      String expected) throws IOException {
    String source = CORPUS.resolve(file).toString();
    List<Problem> problems = PlanCheck.structureProblems(source, read(file), Specs.auto());

    assertThat(problems).extracting(Problem::field)
        .containsExactlyInAnyOrderElementsOf(Arrays.asList(fields.split(",\\s*")));
    assertThat(problems).extracting(Problem::toString).anySatisfy(line -> assertThat(line).contains(expected))
        .allSatisfy(line -> assertThat(line).startsWith(source + ": actions[").doesNotContain("\n"));
  }

  @Test
  void severalProblemsAreReportedTogetherOnePerLine() throws IOException {
    Path file = CORPUS.resolve("several-problems.json");
    Plan plan = read("several-problems.json");

    assertThatThrownBy(() -> PlanCheck.require(file.toString(), plan, PlanKind.APPLY, Specs.auto()))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(e.getMessage().lines().skip(1))
            .hasSize(((InvalidInputException) e).problems().size())
            .allSatisfy(line -> assertThat(line).startsWith("  " + file + ": ")));
  }

  @Test
  void aDestroyPlanIsNoApplyPlanAndAnApplyPlanIsNoDestroyPlan() {
    Plan destroy = new Planner().planDestroy(Specs.auto(), SampleClusters.convergedBgp());
    Plan apply = new Planner().plan(Specs.auto(), SampleClusters.freshBgp());

    assertThat(PlanCheck.problems("destroy.json", destroy, PlanKind.APPLY, Specs.auto()))
        .singleElement().asString().isEqualTo("destroy.json: kind: APPLY (a plan made by hybridcni plan, for "
            + "hybridcni apply), found a DESTROY plan, made by hybridcni plan --destroy and run only by hybridcni "
            + "destroy");
    assertThat(PlanCheck.problems("apply.json", apply, PlanKind.DESTROY, Specs.auto()))
        .singleElement().asString().startsWith("apply.json: kind: DESTROY").contains("found an APPLY plan");
    assertThat(PlanCheck.problems("destroy.json", destroy, PlanKind.DESTROY, Specs.auto())).isEmpty();
    assertThat(PlanCheck.problems("apply.json", apply, PlanKind.APPLY, Specs.auto())).isEmpty();
  }

  @Test
  void aPlanForAnotherClusterIsRefusedNamingBothIds() {
    HybridNetworkSpec other = Specs.builder().clusterId("c0123456789abcdef0123456789abcdef").build();
    Plan plan = new Planner().plan(other, SampleClusters.freshBgp());

    assertThat(PlanCheck.problems("plan.json", plan, PlanKind.APPLY, Specs.auto())).extracting(Problem::toString)
        .contains("plan.json: cluster_id: a plan for cluster " + Specs.CLUSTER_ID + " (the spec's cluster.id), "
            + "found a plan for cluster c0123456789abcdef0123456789abcdef");
  }

  @Test
  void everyDetailThatNamesAClusterIsCheckedAgainstThePlansCluster() {
    // The check reads a detail's cluster through ActionDetail.OnCluster: a new detail with a clusterId that did not
    // implement it would pass a plan made for one cluster onto another.
    List<String> unchecked = Arrays.stream(io.hybridcni.plan.ActionDetail.class.getPermittedSubclasses())
        .filter(type -> type.isRecord() && Arrays.stream(type.getRecordComponents())
            .anyMatch(component -> component.getName().equals("clusterId")))
        .filter(type -> !io.hybridcni.plan.ActionDetail.OnCluster.class.isAssignableFrom(type))
        .map(Class::getSimpleName).toList();
    List<String> checked = Arrays.stream(io.hybridcni.plan.ActionDetail.class.getPermittedSubclasses())
        .filter(io.hybridcni.plan.ActionDetail.OnCluster.class::isAssignableFrom).map(Class::getSimpleName).toList();

    assertThat(unchecked).isEmpty();
    assertThat(checked).containsExactlyInAnyOrder("Addon", "AddonWait", "AddonUninstall", "AddonRemovalWait");
  }

  @Test
  void aPlanFromAnotherSpecIsRefusedNamingTheFieldsThatDifferAndNoValue() {
    Plan plan = new Planner().plan(Specs.auto(), SampleClusters.freshBgp());
    HybridNetworkSpec changed = Specs.builder().mode(NetworkMode.HOST_NETWORK).addonVersion("v1.10.0").build();

    List<Problem> problems = PlanCheck.problems("plan.json", plan, PlanKind.APPLY, changed);

    assertThat(problems).singleElement().asString().isEqualTo("plan.json: spec_digest: a plan made from the spec "
        + "given, found one made from a spec that differs in addon.version, network.mode (run hybridcni plan again "
        + "with this spec)");
  }

  static Stream<Arguments> goldenCases() {
    return Stream.concat(
        GoldenPlansTest.cases().map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], PlanKind.APPLY)),
        GoldenDestroyPlansTest.cases().map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], PlanKind.DESTROY)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void everyGoldenPlanPassesAndEachActionIsFingerprintedWithExactlyTheFactsItReliesOn(String name,
      HybridNetworkSpec spec, ObservedState state, PlanKind kind) {
    Plan plan = kind == PlanKind.APPLY ? new Planner().plan(spec, state) : new Planner().planDestroy(spec, state);
    Plan saved = PlanJson.read(name, PlanJson.write(plan));

    assertThat(PlanCheck.problems(name, saved, kind, spec)).isEmpty();
    assertFingerprintsAreTheRequiredFacts(saved, spec);
  }

  static void assertFingerprintsAreTheRequiredFacts(Plan plan, HybridNetworkSpec spec) {
    List<Set<String>> required = PlanCheck.requiredFacts(plan.actions(), spec);
    for (int i = 0; i < plan.actions().size(); i++) {
      Action a = plan.actions().get(i);
      assertThat(a.fingerprint()).as("fingerprint of %s", a.id()).isNotNull();
      assertThat(a.fingerprint().facts().keySet()).as("facts of %s (%s)", a.id(), a.kind())
          .isEqualTo(required.get(i));
    }
  }
}
