package io.hybridcni.plan;

import io.hybridcni.observe.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * The scenario a plan was made for, whether the spec stated it or detection found it ({@code source} is
 * {@code spec} or {@code detected}), with the detector's summary and evidence.
 */
public record ScenarioReport(Scenario scenario, String source, String summary, List<String> evidence) {

  public ScenarioReport {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(summary, "summary");
    evidence = Frozen.list(evidence);
  }
}
