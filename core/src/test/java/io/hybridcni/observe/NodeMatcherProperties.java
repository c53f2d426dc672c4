package io.hybridcni.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A placement's matcher allows exactly the nodes the placement allows, whatever its selector, terms and the node. */
class NodeMatcherProperties {

  private static final List<String> KEYS = List.of("kubernetes.io/os", "alibabacloud.com/external", "cpus");
  private static final List<String> VALUES = List.of("linux", "true", "false", "4", "16", "");
  private static final List<String> OPERATORS = List.of(NodeSelectorRequirement.IN, NodeSelectorRequirement.NOT_IN,
      NodeSelectorRequirement.EXISTS, NodeSelectorRequirement.DOES_NOT_EXIST, NodeSelectorRequirement.GT,
      NodeSelectorRequirement.LT, "in");

  private static Arbitrary<Map<String, String>> labels() {
    return Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMaxSize(3);
  }

  private static Arbitrary<NodeSelectorRequirement> requirement(List<String> keys) {
    return Combinators.combine(Arbitraries.of(keys), Arbitraries.of(OPERATORS),
        Arbitraries.of(VALUES).list().ofMaxSize(2)).as(NodeSelectorRequirement::new);
  }

  @Provide
  Arbitrary<Placement> placements() {
    Arbitrary<NodeSelectorTerm> term = Combinators.combine(requirement(KEYS).list().ofMaxSize(3),
        requirement(List.of("metadata.name", "metadata.uid")).list().ofMaxSize(1)).as(NodeSelectorTerm::new);
    return Combinators.combine(labels(), term.list().ofMaxSize(3)).as(Placement::new);
  }

  @Provide
  Arbitrary<NodeInfo> nodes() {
    return Combinators.combine(Arbitraries.of("node-a", "true", "linux"), labels())
        .as((name, labels) -> new NodeInfo(name, labels, null, false, false));
  }

  @Property(tries = 1000)
  void theMatcherBoundToLabelColumnsAllowsExactlyWhatThePlacementAllows(@ForAll("placements") Placement placement,
      @ForAll("nodes") NodeInfo node, @ForAll("columnKeys") List<String> columnKeys) {
    // Columns of some keys only: a key without one is looked up in the node's labels.
    List<NodeInfo> nodes = List.of(new NodeInfo("other", Map.of("cpus", "4"), null, false, false), node);
    NodeMatcher.Bound bound = placement.matcher().bind(LabelColumns.of(nodes, columnKeys));
    assertThat(bound.allows(1)).isEqualTo(placement.allows(node));
  }

  @Provide
  Arbitrary<List<String>> columnKeys() {
    // Built at run time, so that the keys are not the interned literals of KEYS.
    return Arbitraries.subsetOf(KEYS).map(keys -> keys.stream().map(k -> new String(k.toCharArray())).toList());
  }

  @Property(tries = 1000)
  void theMatcherAllowsExactlyWhatThePlacementAllows(@ForAll("placements") Placement placement,
      @ForAll("nodes") NodeInfo node) {
    assertThat(placement.matcher().allows(node)).isEqualTo(placement.allows(node));
  }
}
