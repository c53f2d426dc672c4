package io.hybridcni.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runs the whole harness with tiny parameters (JMH in this JVM, a few reconciles, a fleet of 20): proves that every
 * benchmark runs, checks what it promises, and writes valid JSON. The real run is on demand; see README.
 */
class BenchHarnessSmokeTest {

  @TempDir
  Path out;

  @Test
  void everyBenchmarkRunsAndWritesAResultWithNumbersUnitsParametersAndEnvironment() throws Exception {
    List<BenchResult> results = BenchHarness.run(new HarnessArgs(out, true, List.of("smoke test")));

    assertThat(results).extracting(BenchResult::name)
        .containsExactly("planner", "noop-reconcile", "fresh-apply", "fleet", "plan-at-scale");
    for (String name : List.of("planner", "noop-reconcile", "fresh-apply", "fleet", "plan-at-scale", "harness")) {
      JsonNode json = BenchResult.JSON.readTree(Files.readString(out.resolve(name + ".json")));
      assertThat(json.get("benchmark").asString()).isEqualTo(name);
      assertThat(json.get("date").asString()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
      assertThat(json.get("environment").get("availableProcessors").asInt()).isPositive();
      assertThat(json.get("environment").get("jvm").asString()).isNotBlank();
      assertThat(json.get("parameters").size()).isPositive();
      assertThat(json.get("metrics").size()).isPositive();
      for (Map.Entry<String, JsonNode> metric : json.get("metrics").properties()) {
        assertThat(metric.getValue().get("value").isNumber()).as(name + " " + metric.getKey()).isTrue();
        assertThat(metric.getValue().get("unit").asString()).as(name + " " + metric.getKey()).isNotBlank();
      }
      json.get("checks").properties().forEach(check -> assertThat(check.getValue().asBoolean())
          .as(name + " " + check.getKey()).isTrue());
      assertThat(json.get("notes").toString()).contains("smoke test");
    }
  }

  @Test
  void resultsNameNoMachineUserOrPath() throws Exception {
    BenchResult result = new BenchResult("example", "an example", BenchResult.Started.now()).metric("x", 1.5, "ms", "a number");

    String json = Files.readString(result.write(out));

    assertThat(json).doesNotContain(System.getProperty("user.name"), System.getProperty("user.home"),
        System.getProperty("java.home"), out.toString());
    assertThat(json).contains("\"value\" : 1.5", "\"unit\" : \"ms\"");
  }
}
