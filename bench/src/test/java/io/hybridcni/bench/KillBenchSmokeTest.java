package io.hybridcni.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * KillBench with its smoke parameters (6 clusters, 3 replicas, one kill, 5 ms on the API servers): proves that it
 * runs, that the shards of the killed replica move and its drift is repaired with no double write, and that it
 * writes its result. The timed run is on demand (README); its take target is checked there.
 */
class KillBenchSmokeTest {

  @TempDir
  Path out;

  @Test
  void aKilledReplicasShardsAreTakenAndItsDriftRepairedWithNoDoubleWriteAndTheResultIsWritten() throws Exception {
    BenchResult result = KillBench.run(KillBench.Params.smoke());
    new HarnessArgs(out, true, java.util.List.of("smoke test")).write(result);

    assertThat(result.value("doubleWrites")).isZero();
    assertThat(result.value("replicaWrites")).isPositive();
    assertThat(result.value("taken.samples")).isPositive();
    assertThat(result.value("taken.min")).isPositive();
    assertThat(result.value("repaired.p50")).isGreaterThan(result.value("driftShardTaken.p50"));
    assertThat(KillBench.targetsHeld(result, false)).isTrue();
    JsonNode json = BenchResult.JSON.readTree(Files.readString(out.resolve("fleet-kill.json")));
    assertThat(json.get("environment").get("systemLoadAverage1mAtStart").isNumber()).isTrue();
    assertThat(json.get("checks").get(KillBench.CHECK_DOUBLE_WRITES).asBoolean()).isTrue();
  }
}
