package io.hybridcni.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A document grants all of itself and of any document made of a subset of its actions. */
class PolicyCoverageProperties {

  private static final List<String> ACTIONS = List.of("ecs:*", "ecs:Describe*", "ecs:DescribeInstances",
      "ecs:CreateNetworkInterface", "ecs:Describe?nstances", "vpc:DescribeVSwitches", "vpc:*", "*",
      "ram:ListEntitiesForPolicy", "ecs:Attach*");

  private static String doc(List<List<String>> statements) {
    return statements.stream().map(actions -> "{\"Effect\":\"Allow\",\"Action\":["
            + actions.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(",")) + "],\"Resource\":\"*\"}")
        .collect(Collectors.joining(",", "{\"Version\":\"1\",\"Statement\":[", "]}"));
  }

  @Provide
  Arbitrary<List<List<String>>> statements() {
    return Arbitraries.of(ACTIONS).list().ofMinSize(1).ofMaxSize(5).uniqueElements().list().ofMinSize(1)
        .ofMaxSize(4);
  }

  @Property(tries = 300)
  void aDocumentGrantsAllOfItself(@ForAll("statements") List<List<String>> statements) {
    PolicyDocument document = PolicyDocument.parse(doc(statements));

    assertThat(document.grantsAllOf(document)).isTrue();
  }

  @Property(tries = 300)
  void aDocumentGrantsAllOfAnySubsetOfItsActions(@ForAll("statements") List<List<String>> statements,
      @ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    List<List<String>> subset = statements.stream()
        .map(actions -> actions.stream().filter(a -> random.nextBoolean()).toList())
        .filter(actions -> !actions.isEmpty()).toList();
    if (subset.isEmpty()) {
      subset = List.of(List.of(statements.get(0).get(0)));
    }
    PolicyDocument document = PolicyDocument.parse(doc(statements));

    assertThat(document.grantsAllOf(PolicyDocument.parse(doc(subset)))).isTrue();
    assertThat(document.grantsAllOf(PolicyDocument.parse(doc(List.of(
        subset.stream().flatMap(List::stream).distinct().toList()))))).isTrue();
  }
}
