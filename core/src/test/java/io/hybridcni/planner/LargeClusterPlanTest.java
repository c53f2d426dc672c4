package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What a plan of a large cluster says: a count and a few names instead of a line per node, and node-set facts as a
 * digest that is as strict as the full list.
 */
class LargeClusterPlanTest {

  private final HybridNetworkSpec spec = Specs.auto();

  /** The full form, {@code [a,b,c]} of the sorted names, hashed as its UTF-8 bytes. */
  private static String referenceDigest(List<String> names) throws Exception {
    List<String> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    byte[] text = ("[" + String.join(",", sorted) + "]").getBytes(StandardCharsets.UTF_8);
    return "count=" + names.size() + ";names.sha256="
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
  }

  private static List<NodeInfo> calicoNodes(List<String> names) {
    return names.stream().map(n -> new NodeInfo(n, Map.of(), null, true, false)).toList();
  }

  private static String runningCalico(List<NodeInfo> nodes) {
    return Facts.read("nodes.running/calico", ObservedState.builder().nodes(nodes).build());
  }

  @Test
  void aNodeSetOfAtMostAHundredNodesIsListedInFull() {
    List<String> names = IntStream.range(0, 100).mapToObj(i -> String.format("n-%03d", i)).toList();

    assertThat(runningCalico(calicoNodes(names))).isEqualTo("[" + String.join(",", names) + "]");
  }

  @Test
  void aLargerNodeSetIsItsCountAndTheSha256OfItsFullList() throws Exception {
    List<String> names = IntStream.range(0, 101).mapToObj(i -> String.format("n-%03d", i)).toList();

    assertThat(runningCalico(calicoNodes(names))).isEqualTo(referenceDigest(names));
  }

  @Test
  void theDigestIsThatOfTheFullListWhateverTheNamesAndTheirOrder() throws Exception {
    // Names a real API server would refuse too: every UTF-8 length, surrogate pairs, lone surrogates (which getBytes
    // writes as '?'), and names longer than the digest's buffer; in random order, so the sorting path is taken.
    char[] alphabet = {'a', '-', '.', '0', 'é', 'ß', '中', '\uD83D', '\uDE00', '\uDBFF', '\uDFFF', '\u07FF',
        '\u0800', '\uFFFF'};
    Random random = new Random(12);
    for (int round = 0; round < 30; round++) {
      List<String> names = new ArrayList<>();
      int count = 101 + random.nextInt(400);
      for (int n = 0; n < count; n++) {
        StringBuilder b = new StringBuilder("node-" + n + "-");
        int length = random.nextInt(20) == 0 ? 1000 + random.nextInt(3000) : random.nextInt(60);
        for (int i = 0; i < length; i++) {
          b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        names.add(b.toString());
      }
      List<String> listed = round % 2 == 0 ? names : names.stream().sorted().toList();

      assertThat(runningCalico(calicoNodes(listed))).as("round %d", round).isEqualTo(referenceDigest(names));
    }
  }

  @Test
  void aNameOutOfOrderAfterTheDigestBegunStillGivesTheDigestOfTheSortedList() throws Exception {
    // The digest starts at the 101st name of a list in name order; the 300th sorts first of all, so the names
    // digested so far must be dropped and the whole list sorted.
    List<String> names = new ArrayList<>(IntStream.range(0, 300).mapToObj(i -> String.format("n-%03d", i)).toList());
    names.set(299, "a-first");

    assertThat(runningCalico(calicoNodes(names))).isEqualTo(referenceDigest(names));
  }

  @Test
  void aShortListOutOfOrderIsListedSorted() {
    List<String> names = List.of("n-2", "n-3", "n-1");

    assertThat(runningCalico(calicoNodes(names))).isEqualTo("[n-1,n-2,n-3]");
  }

  @Test
  void oneRenamedNodeOfFiveThousandChangesTheFact() {
    List<String> names = new ArrayList<>(IntStream.range(0, 5000).mapToObj(i -> String.format("n-%05d", i)).toList());
    String before = runningCalico(calicoNodes(names));
    names.set(2500, "n-02500x");

    assertThat(runningCalico(calicoNodes(names))).isNotEqualTo(before).startsWith("count=5000;names.sha256=");
  }

  @Test
  void aPlanOfFiveThousandNodesNamesTenOfThemAndCountsTheRest() {
    Plan plan = new Planner().plan(spec, SampleClusters.freshBgpWithNodes(4000, 1000));

    Finding restarts = plan.findings().stream().filter(f -> f.code().equals("CALICO_RESTARTS_ON_EVERY_NODE"))
        .findFirst().orElseThrow();
    assertThat(restarts.evidence()).hasSize(11).startsWith("calico-node restarts on onprem-00000")
        .endsWith("and 3,990 more");
    Finding leaves = plan.findings().stream().filter(f -> f.code().equals("CALICO_LEAVES_CLOUD_NODES"))
        .findFirst().orElseThrow();
    assertThat(leaves.message()).contains("[cn-hangzhou.i-bp1cloud00000, ").contains(", cn-hangzhou.i-bp1cloud00009 "
        + "and 990 more]").doesNotContain("cn-hangzhou.i-bp1cloud00010");
    Action exclusion = plan.actions().stream().filter(a -> a.id().equals("cni-exclusion")).findFirst().orElseThrow();
    assertThat(exclusion.reason()).contains("and 990 more]");
    assertThat(exclusion.fingerprint().facts()).containsEntry("nodes.labelled/alibabacloud.com/external=true",
        Facts.read("nodes.labelled/alibabacloud.com/external=true", SampleClusters.freshBgpWithNodes(4000, 1000)))
        .hasEntrySatisfying("nodes.labelled/alibabacloud.com/external=true",
            v -> assertThat(v).startsWith("count=1000;names.sha256="))
        .doesNotContainKey("nodes.running/calico");
  }

  @Test
  void aSavedPlanOfALargeClusterIsStaleWhenOneNodeChanged() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgpWithNodes(4000, 1000));
    Reconciler reconciler = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).build();
    Plan saved = reconciler.plan(spec);
    // One cloud node of 5,000 is replaced by another before apply: the set carrying the cloud label is not the same.
    world.change(s -> {
      List<NodeInfo> nodes = new ArrayList<>(s.nodes());
      int cloud = nodes.indexOf(nodes.stream().filter(n -> n.name().contains("cloud")).findFirst().orElseThrow());
      nodes.set(cloud, SampleClusters.cloudNode("cn-hangzhou.i-bp1cloud0000b", true, false));
      return s.toBuilder().nodes(nodes).build();
    });

    ApplyResult result = reconciler.apply(spec, saved, ApplyOptions.defaults());

    assertThat(result.refused()).contains("stale").contains("cni-exclusion");
    assertThat(result.outcome("cni-exclusion").status()).isEqualTo(OutcomeStatus.STALE);
    assertThat(result.outcome("cni-exclusion").changedFacts()).singleElement().asString()
        .startsWith("nodes.labelled/alibabacloud.com/external=true: was count=1000;names.sha256=")
        .contains("now count=1000;names.sha256=");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void theCountOfTheRestIsGroupedByThousandsAsTheRootLocaleFormatsIt() {
    for (int count : new int[] {0, 1, 12, 999, 1000, 3990, 12345, 999_999, 1_000_000, 49_990, Integer.MAX_VALUE,
        -1, -1000, -123_456, Integer.MIN_VALUE}) {
      assertThat(NodeNames.more(count)).as("%d", count)
          .isEqualTo(String.format(java.util.Locale.ROOT, "%,d more", count));
    }
  }

  @Test
  void aListOfTwentyNamesIsGivenInFullAndOfTwentyOneAsTenAndACount() {
    List<String> twenty = IntStream.range(0, 20).mapToObj(i -> "n" + i).toList();
    List<String> twentyOne = IntStream.range(0, 21).mapToObj(i -> "n" + i).toList();

    assertThat(NodeNames.listed(twenty)).isEqualTo(twenty.toString());
    assertThat(NodeNames.evidence("on ", twenty)).hasSize(20).endsWith("on n19");
    assertThat(NodeNames.listed(twentyOne)).isEqualTo("[n0, n1, n2, n3, n4, n5, n6, n7, n8, n9 and 11 more]");
    assertThat(NodeNames.evidence("on ", twentyOne)).hasSize(11).endsWith("on n9", "and 11 more");
  }

  @Test
  void theFirstSortedNamesAreThoseOfTheSortedListWhateverTheOrderTheyCameIn() {
    Random random = new Random(3);
    for (int size : new int[] {0, 1, 19, 20, 21, 500}) {
      List<String> names = new ArrayList<>(IntStream.range(0, size).mapToObj(i -> String.format("n%04d", i)).toList());
      Collections.shuffle(names, random);
      NodeNames.FirstSorted first = new NodeNames.FirstSorted();
      names.forEach(first::add);

      assertThat(first.evidence("on ")).as("%d names", size)
          .isEqualTo(NodeNames.evidence("on ", names.stream().sorted().toList()));
    }
  }
}
