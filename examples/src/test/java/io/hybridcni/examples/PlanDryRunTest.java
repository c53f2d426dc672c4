package io.hybridcni.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlanDryRunTest {

  @Test
  void theBundledSpecPlansTheFreshBgpClusterWithChanges() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = PlanDryRun.run(new String[0], new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(2);
    assertThat(out).contains("scenario BGP (detected: Calico BGP")
        .contains("+ ensure_ram_user \"ram-user\"")
        .contains("~ exclude_cloud_nodes_from_cni \"cni-exclusion\"")
        .endsWith("Plan: 5 to add, 1 to change, 0 to destroy, 1 to wait for.\n");
  }
}
