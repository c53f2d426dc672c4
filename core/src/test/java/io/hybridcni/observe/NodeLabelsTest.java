package io.hybridcni.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NodeLabelsTest {

  @Test
  void aNodesLabelsAreAnImmutableMapInKeyOrderEqualToTheLabelsItWasGiven() {
    Map<String, String> given = new HashMap<>(Map.of("kubernetes.io/os", "linux", "alibabacloud.com/external", "true",
        "ack.aliyun.com", "c1", "Aa", "x", "BB", "y"));
    NodeInfo node = new NodeInfo("n", given, null, true, false);

    assertThat(node.labels()).isEqualTo(new TreeMap<>(given)).hasSameHashCodeAs(new TreeMap<>(given));
    assertThat(new TreeMap<>(given)).isEqualTo(node.labels());
    assertThat(node.labels().keySet()).containsExactlyElementsOf(new TreeMap<>(given).keySet());
    assertThat(node.labels()).hasToString(new TreeMap<>(given).toString());
    // "Aa" and "BB" share a hash: the lookup still tells them apart.
    assertThat(node.labels().get("Aa")).isEqualTo("x");
    assertThat(node.labels().get("BB")).isEqualTo("y");
    assertThat(node.labels().get("kubernetes.io/arch")).isNull();
    assertThat(node.labels().get(null)).isNull();
    assertThat(node.hasLabel("alibabacloud.com/external", "true")).isTrue();
    assertThatThrownBy(() -> node.labels().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
    given.put("kubernetes.io/os", "windows");
    assertThat(node.labels()).containsEntry("kubernetes.io/os", "linux");
  }

  @Test
  void aNodeCopiedWithAnotherFlagSharesItsLabelsAndEqualsAnEqualNode() {
    NodeInfo node = new NodeInfo("n", Map.of("a", "1"), "p", true, false);
    NodeInfo copy = node.withRunsCalico(false).withRunsCalico(true);

    assertThat(copy.labels()).isSameAs(node.labels());
    assertThat(copy).isEqualTo(node).isEqualTo(new NodeInfo("n", new TreeMap<>(Map.of("a", "1")), "p", true, false));
    assertThat(new NodeInfo("m", null, null, false, false).labels()).isEmpty();
  }
}
