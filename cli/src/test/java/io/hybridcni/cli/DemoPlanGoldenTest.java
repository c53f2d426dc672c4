package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins {@code hybridcni plan} (text and JSON) on each demo scenario's fresh simulation under
 * {@code src/test/resources/golden/<scenario>/}. Regenerate after an intended change with
 * {@code -Dhybridcni.updateGolden=true} and review the diff.
 */
class DemoPlanGoldenTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(TargetOptions.Scenario.class)
  void planOutputOfEachDemoScenarioMatchesItsGoldenFiles(TargetOptions.Scenario scenario) throws IOException {
    try (Simulation simulation = Simulation.start(scenario)) {
      Environment.Factory environments = (s, t) -> simulation.environment(Duration.ofSeconds(30));
      Path spec = dir.resolve("spec.yaml");
      Files.writeString(spec, "cluster:\n  id: " + Simulation.CLUSTER_ID + "\n  region: " + Simulation.REGION
          + "\nnetwork:\n  mode: " + simulation.demoSpec().mode() + "\n");

      CliRun text = CliRun.run(environments, false, "", "plan", "-f", spec.toString());
      CliRun json = CliRun.run(environments, false, "", "plan", "-f", spec.toString(), "--format", "json");

      compare(scenario.name(), "plan.txt", text.out());
      compare(scenario.name(), "plan.json", json.out());
    }
  }

  private static void compare(String name, String file, String actual) throws IOException {
    Path golden = Paths.get("src/test/resources/golden", name, file);
    if (Boolean.getBoolean("hybridcni.updateGolden")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(golden).as("golden file %s (run with -Dhybridcni.updateGolden=true to create it)", golden).exists();
    assertThat(actual).as("%s/%s", name, file).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
