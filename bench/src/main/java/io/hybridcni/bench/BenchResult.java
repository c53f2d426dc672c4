package io.hybridcni.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One benchmark's result as written to {@code <name>.json}: what was measured, with which parameters, where and
 * when, every number with its unit, and notes that say what the numbers do and do not include.
 *
 * <pre>{@code
 * {
 *   "benchmark": "noop-reconcile", "description": "...", "date": "2026-11-28T16:40:00Z",
 *   "environment": {"jvm": "...", "availableProcessors": 2, "systemLoadAverage1mAtStart": 1.2, ...},
 *   "parameters": {"latencyMs": 50, ...},
 *   "metrics": {"parallel.wallTime.median": {"value": 412.5, "unit": "ms", "description": "..."}, ...},
 *   "checks": {"planEmptyEveryIteration": true},
 *   "notes": ["..."]
 * }
 * }</pre>
 */
final class BenchResult {

  static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** When a benchmark started and how loaded the machine was then; take it before measuring anything. */
  record Started(Instant at, Map<String, Object> environment) {

    static Started now() {
      return new Started(Instant.now().truncatedTo(ChronoUnit.SECONDS), HostFacts.capture());
    }
  }

  private final String name;
  private final String description;
  private final Instant date;
  private final Map<String, Object> environment;
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final Map<String, Object> metrics = new LinkedHashMap<>();
  private final Map<String, Object> checks = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  BenchResult(String name, String description, Started started) {
    this.name = name;
    this.description = description;
    this.date = started.at();
    this.environment = started.environment();
  }

  String name() {
    return name;
  }

  BenchResult parameter(String key, Object value) {
    parameters.put(key, value);
    return this;
  }

  /** A number with its unit; rounded to 3 decimals, which is finer than any of these measurements. */
  BenchResult metric(String key, double value, String unit, String meaning) {
    Map<String, Object> metric = new LinkedHashMap<>();
    metric.put("value", round(value));
    metric.put("unit", unit);
    metric.put("description", meaning);
    metrics.put(key, metric);
    return this;
  }

  /**
   * A property the run verified; a benchmark throws before writing when one fails, so all written are true, except
   * the planner's performance targets, which are written with their outcome (a missed one also as a note).
   */
  BenchResult check(String key, boolean held) {
    checks.put(key, held);
    return this;
  }

  BenchResult note(String text) {
    notes.add(text);
    return this;
  }

  /** The names of the metrics, in the order recorded. */
  java.util.Set<String> metricKeys() {
    return java.util.Collections.unmodifiableSet(metrics.keySet());
  }

  /** The value of a metric, for summaries and tests. */
  double value(String key) {
    @SuppressWarnings("unchecked")
    Map<String, Object> metric = (Map<String, Object>) metrics.get(key);
    if (metric == null) {
      throw new IllegalArgumentException("no metric " + key + " in " + name + "; have " + metrics.keySet());
    }
    return ((Number) metric.get("value")).doubleValue();
  }

  Map<String, Object> toMap() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("benchmark", name);
    root.put("description", description);
    root.put("date", date.toString());
    Map<String, Object> env = new LinkedHashMap<>(environment);
    env.put("systemLoadAverage1mAtEnd", HostFacts.loadAverage());
    root.put("environment", env);
    root.put("parameters", parameters);
    root.put("metrics", metrics);
    root.put("checks", checks);
    root.put("notes", notes);
    return root;
  }

  /** Writes {@code <dir>/<name>.json} (through a temporary file, so a reader never sees half a result). */
  Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(name + ".json");
      Path temporary = dir.resolve(name + ".json.tmp");
      Files.writeString(temporary, JSON.writeValueAsString(toMap()) + "\n");
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write the result " + name + " into " + dir, e);
    }
  }

  private static Object round(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("not a number: " + value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return (long) value;
    }
    return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
  }
}
