package io.hybridcni.controller.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.SecretForms;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerMetricsTest {

  private final MockClock clock = new MockClock();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
  private final ControllerMetrics metrics = new ControllerMetrics(registry);

  @AfterEach
  void close() {
    metrics.close();
    registry.close();
  }

  @Test
  void everySeriesExistsAtZeroBeforeTheFirstRound() {
    String text = registry.scrape();

    assertThat(text).contains("hybridcni_rounds_total{outcome=\"no_changes\"} 0.0",
        "hybridcni_repairs_total{result=\"converged\"} 0.0", "hybridcni_held_total{reason=\"blocked\"} 0.0",
        "hybridcni_failures_total 0.0", "hybridcni_plan_actions{kind=\"EXCLUDE_CLOUD_NODES_FROM_CNI\"} 0.0",
        "hybridcni_drifted 0.0", "hybridcni_blocked 0.0", "hybridcni_leader 0.0",
        "hybridcni_nodes{location=\"cloud\",state=\"healthy\"} 0.0", "hybridcni_reconcile_duration_seconds_count 0",
        "hybridcni_last_round_timestamp_seconds");
  }

  @Test
  void aDriftRepairedByTheLeaderCountsTheRoundTheRepairAndItsDuration() {
    metrics.synced();
    metrics.leadership(true);
    metrics.planned(Rounds.converged(), Rounds.status(2, 0, 3));
    metrics.planned(Rounds.drifted(), Rounds.status(1, 1, 3));

    assertThat(value("hybridcni_drifted")).isEqualTo(1.0);
    assertThat(value("hybridcni_plan_actions{kind=\"EXCLUDE_CLOUD_NODES_FROM_CNI\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_nodes{location=\"cloud\",state=\"problem\"}")).isEqualTo(1.0);

    clock.add(Duration.ofMillis(1500));
    metrics.reconciled(Rounds.repaired(Rounds.drifted()));

    assertThat(value("hybridcni_leader")).isEqualTo(1.0);
    assertThat(value("hybridcni_rounds_total{outcome=\"no_changes\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_rounds_total{outcome=\"changes\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_repairs_total{result=\"converged\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_reconcile_duration_seconds_count")).isEqualTo(1.0);
    assertThat(value("hybridcni_reconcile_duration_seconds_sum")).isEqualTo(1.5);
    // The verification plan after the repair is empty and the status read afterwards healthy.
    assertThat(value("hybridcni_drifted")).isEqualTo(0.0);
    assertThat(value("hybridcni_plan_actions{kind=\"EXCLUDE_CLOUD_NODES_FROM_CNI\"}")).isEqualTo(0.0);
    assertThat(value("hybridcni_nodes{location=\"cloud\",state=\"healthy\"}")).isEqualTo(2.0);
    assertThat(value("hybridcni_nodes{location=\"cloud\",state=\"problem\"}")).isEqualTo(0.0);
    assertThat(value("hybridcni_nodes{location=\"on_premises\",state=\"healthy\"}")).isEqualTo(3.0);
  }

  @Test
  void heldPlansAreCountedByAReasonTakenFromThePlanNotFromItsMessage() {
    metrics.planned(Rounds.blocked(), null);
    metrics.held(Rounds.blocked(), "blocked: the key " + Rounds.SECRET + " is for another cluster");
    metrics.planned(Rounds.destructive(), null);
    metrics.held(Rounds.destructive(), "an orphan key would be deleted");
    metrics.planned(Rounds.secretDeleted(), null);
    metrics.held(Rounds.secretDeleted(), "RESTART_TERWAY is not in controller.autoApply");

    assertThat(value("hybridcni_rounds_total{outcome=\"blocked\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_rounds_total{outcome=\"changes\"}")).isEqualTo(2.0);
    assertThat(value("hybridcni_held_total{reason=\"blocked\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_held_total{reason=\"destructive\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_held_total{reason=\"not_allowed\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_plan_actions{kind=\"ENSURE_ACCESS_KEY_SECRET\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_plan_actions{kind=\"RESTART_TERWAY\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_blocked")).isEqualTo(0.0);
    // A held plan led to no repair: its time is not a repair's duration.
    assertThat(value("hybridcni_reconcile_duration_seconds_count")).isEqualTo(0.0);
  }

  @Test
  void aFailedRepairAndAFailedRoundAreCountedApartAndLeadershipLostShowsZero() {
    metrics.leadership(true);
    metrics.planned(Rounds.secretDeleted(), null);
    metrics.reconciled(Rounds.failedRepair(Rounds.secretDeleted()));
    metrics.failed(new IllegalStateException("the API server is unreachable"));
    metrics.leadership(false);

    assertThat(value("hybridcni_repairs_total{result=\"failed\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_repairs_total{result=\"converged\"}")).isEqualTo(0.0);
    assertThat(value("hybridcni_failures_total")).isEqualTo(1.0);
    assertThat(value("hybridcni_rounds_total{outcome=\"failed\"}")).isEqualTo(1.0);
    assertThat(value("hybridcni_leader")).isEqualTo(0.0);
    assertThat(value("hybridcni_drifted")).isEqualTo(1.0);
  }

  @Test
  void jvmAndProcessMetersAreBound() {
    assertThat(registry.scrape()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
        "jvm_classes_loaded_classes", "process_uptime_seconds", "system_cpu_count");
  }

  @Test
  void theHybridcniSeriesAreAFixedSetWhateverTheClusterSends() {
    metrics.planned(Rounds.converged(), Rounds.status(2, 0, 3));
    Set<String> before = hybridcniSeries();
    for (int i = 0; i < 20; i++) {
      metrics.planned(Rounds.drifted(), Rounds.status(i, i, i));
      metrics.held(Rounds.blocked(), "round " + i);
      metrics.reconciled(Rounds.failedRepair(Rounds.secretDeleted()));
      metrics.failed(new RuntimeException("failure " + i));
    }

    assertThat(hybridcniSeries()).isEqualTo(before);
  }

  @Test
  void noFixtureSecretReachesTheScrapeInAnyForm() {
    metrics.leadership(true);
    metrics.planned(Rounds.blocked(), Rounds.status(2, 1, 1));
    metrics.held(Rounds.blocked(), "blocked: " + Rounds.SECRET);
    metrics.planned(Rounds.secretDeleted(), Rounds.status(2, 1, 1));
    metrics.reconciled(Rounds.failedRepair(Rounds.secretDeleted()));
    metrics.failed(new IllegalStateException("refused " + Rounds.SECRET));

    String text = registry.scrape();
    String openMetrics = registry.scrape(HealthServer.OPENMETRICS_TEXT);

    assertThat(SecretForms.hits(text, Rounds.SECRET)).isEmpty();
    assertThat(SecretForms.hits(text, Rounds.KEY_ID)).isEmpty();
    assertThat(SecretForms.hits(openMetrics, Rounds.SECRET)).isEmpty();
    // The scan can fail: the fixture secret in a served text is found.
    assertThat(SecretForms.hits(text + "x " + Rounds.SECRET.substring(3, 12), Rounds.SECRET)).isNotEmpty();
  }

  private Set<String> hybridcniSeries() {
    return Arrays.stream(registry.scrape().split("\n")).filter(l -> l.startsWith("hybridcni_"))
        .map(l -> l.substring(0, l.lastIndexOf(' '))).collect(Collectors.toSet());
  }

  private double value(String series) {
    return Arrays.stream(registry.scrape().split("\n")).filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + registry.scrape()));
  }
}
