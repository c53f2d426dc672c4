package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.spec.NodeLabel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A plan reads its nodes once into a {@link NodeCensus} and answers from it what it asked of each node before: the
 * census says what the node records say, and the node-set facts read through it are those read from the state.
 */
class NodeCensusProperties {

  private static final NodeLabel CLOUD = NodeLabel.ALIBABA_CLOUD_EXTERNAL;
  private static final List<String> KEYS = List.of("kubernetes.io/os", CLOUD.key(), "zone");
  private static final List<String> VALUES = List.of("linux", "true", "false", "a");
  private static final List<String> OPERATORS = List.of(NodeSelectorRequirement.IN, NodeSelectorRequirement.NOT_IN,
      NodeSelectorRequirement.EXISTS, NodeSelectorRequirement.DOES_NOT_EXIST);

  private static Arbitrary<Map<String, String>> labels() {
    return Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMaxSize(3);
  }

  private static Arbitrary<NodeInfo> node() {
    // Names from a small set, so that lists hold duplicates and come out of order; provider ids of an ECS
    // instance, of something else, and none.
    return Combinators.combine(Arbitraries.strings().withChars("abc-é").ofMinLength(1).ofMaxLength(4), labels(),
        Arbitraries.of("cn-hangzhou.i-bp1abc", "alicloud://cn-beijing.i-x1", "vsphere://42", "none"),
        Arbitraries.of(true, false), Arbitraries.of(true, false))
        .as((name, labels, provider, calico, terway) -> new NodeInfo(name, labels,
            provider.equals("none") ? null : provider, calico, terway));
  }

  @Provide
  Arbitrary<List<NodeInfo>> nodeLists() {
    // Beyond 100 nodes a node-set fact is a digest, so lists of both sizes; in name order, as the API server lists
    // them, or not.
    Arbitrary<List<NodeInfo>> any = Arbitraries.oneOf(node().list().ofMaxSize(20),
        node().list().ofMinSize(95).ofMaxSize(160));
    return Arbitraries.oneOf(any, any.map(l -> l.stream().sorted(Comparator.comparing(NodeInfo::name)).toList()));
  }

  @Provide
  Arbitrary<Placement> placements() {
    Arbitrary<NodeSelectorRequirement> requirement = Combinators.combine(Arbitraries.of(KEYS),
        Arbitraries.of(OPERATORS), Arbitraries.of(VALUES).list().ofMaxSize(2)).as(NodeSelectorRequirement::new);
    Arbitrary<NodeSelectorTerm> term = requirement.list().ofMaxSize(3).map(r -> new NodeSelectorTerm(r, List.of()));
    return Combinators.combine(labels(), term.list().ofMaxSize(3)).as(Placement::new);
  }

  @Property(tries = 300)
  void theCensusSaysWhatEachNodeRecordSays(@ForAll("nodeLists") List<NodeInfo> nodes,
      @ForAll boolean columnsInTheSamePass) {
    NodeClassifier classifier = new NodeClassifier(CLOUD);
    NodeCensus census = new NodeCensus(nodes, classifier, List.of("zone"), columnsInTheSamePass);
    assertThat(census.size()).isEqualTo(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      NodeInfo node = nodes.get(i);
      assertThat(census.node(i)).isSameAs(node);
      assertThat(census.name(i)).isEqualTo(node.name());
      assertThat(census.runsCalico(i)).isEqualTo(node.runsCalico());
      assertThat(census.runsTerway(i)).isEqualTo(node.runsTerway());
      assertThat(census.labelledCloud(i)).isEqualTo(classifier.labelledCloud(node));
      assertThat(census.cloud(i)).isEqualTo(classifier.cloud(node));
      assertThat(census.labels().value(census.labels().column("zone"), i)).isEqualTo(node.labels().get("zone"));
    }
    List<String> names = nodes.stream().map(NodeInfo::name).toList();
    assertThat(census.namesInOrder()).isEqualTo(names.stream().sorted().toList().equals(names));
    assertThat(census.anyLabelledCloud()).isEqualTo(nodes.stream().anyMatch(classifier::labelledCloud));
  }

  @Property(tries = 300)
  void theNodeSetFactsReadThroughTheCensusAreThoseReadFromTheState(@ForAll("nodeLists") List<NodeInfo> nodes) {
    ObservedState state = ObservedState.builder().nodes(nodes).build();
    List<String> keys = new ArrayList<>(List.of(Facts.nodesRunningCalico(),
        Facts.nodesLabelled(CLOUD.key(), CLOUD.value()), Facts.nodesLabelled("zone", "a"),
        Facts.nodesLabelled(CLOUD.key(), "false")));
    NodeCensus census = new NodeCensus(nodes, new NodeClassifier(CLOUD), List.of(), true);
    assertThat(Facts.read(keys, state, census)).isEqualTo(Facts.read(keys, state));
  }

  @Property(tries = 300)
  void theFirstNamesKeptOfNodesInOrderAreThoseOfAnyOrder(@ForAll("nodeLists") List<NodeInfo> nodes) {
    NodeCensus census = new NodeCensus(nodes, new NodeClassifier(CLOUD), List.of(), true);
    NodeNames.FirstSorted known = new NodeNames.FirstSorted(census.namesInOrder());
    NodeNames.FirstSorted any = new NodeNames.FirstSorted();
    for (NodeInfo node : nodes) {
      known.add(node.name());
      any.add(node.name());
    }
    assertThat(known.evidence("on ")).isEqualTo(any.evidence("on "));
  }

  @Property(tries = 1000)
  void noPlacementWithTheExclusionAllowsANodeWithTheCloudLabel(@ForAll("placements") Placement placement,
      @ForAll("nodeLists") List<NodeInfo> nodes) {
    // What the exclusion's pass over the nodes relies on to skip the placement's lookups for a labelled node.
    Placement excluded = placement.withRequiredTerms(CniExclusion.exclude(placement.requiredTerms(), CLOUD));
    NodeClassifier classifier = new NodeClassifier(CLOUD);
    for (NodeInfo node : nodes) {
      if (classifier.labelledCloud(node)) {
        assertThat(excluded.allows(node)).as(node.toString()).isFalse();
      }
    }
  }
}
