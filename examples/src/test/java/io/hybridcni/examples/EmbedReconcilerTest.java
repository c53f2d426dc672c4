package io.hybridcni.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ReconcileResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbedReconcilerTest {

  @Test
  void theEmbeddingToolSeesEveryActionAndTheSimulatedClusterConverges() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ReconcileResult result = EmbedReconciler.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(result.converged()).as(out).isTrue();
    assertThat(out).contains("started ram-user").contains("finished cni-exclusion (APPLIED)")
        .contains("addon installing").contains("finished addon-wait (APPLIED)").contains("converged:");
  }
}
