package io.hybridcni.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label columns give each node's value of each key they hold, and no column for a key they do not. */
class LabelColumnsTest {

  @Test
  void eachNodesValueOfEachKeyIsItsLabelsValue() {
    // A value per node (the hostname), a key some nodes lack, and a key held by none.
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Map<String, String> labels = i % 7 == 0 ? Map.of("kubernetes.io/os", "linux")
          : Map.of("kubernetes.io/os", i % 2 == 0 ? "linux" : "windows", "kubernetes.io/hostname", "node-" + i);
      nodes.add(new NodeInfo("node-" + i, labels, null, false, false));
    }
    LabelColumns columns = LabelColumns.of(nodes, List.of(new String("kubernetes.io/hostname".toCharArray()),
        "kubernetes.io/os", "zone"));
    for (int i = 0; i < nodes.size(); i++) {
      Map<String, String> labels = nodes.get(i).labels();
      assertThat(columns.value(columns.column("kubernetes.io/hostname"), i))
          .isEqualTo(labels.get("kubernetes.io/hostname"));
      assertThat(columns.value(columns.column("kubernetes.io/os"), i)).isEqualTo(labels.get("kubernetes.io/os"));
      assertThat(columns.value(columns.column("zone"), i)).isNull();
    }
    assertThat(columns.column("topology.kubernetes.io/region")).isEqualTo(-1);
  }
}
