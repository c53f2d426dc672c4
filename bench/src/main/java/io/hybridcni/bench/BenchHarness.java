package io.hybridcni.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the benchmarks one after another and writes each to {@code <out>/<name>.json}, then
 * {@code <out>/harness.json} with the total wall time:
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package &amp;&amp; java -jar bench/target/hybridcni-bench.jar [--out DIR] [--note TEXT]
 * </pre>
 *
 * <p>The planner goes first, in its own forked JVMs, before the others have grown this JVM's heap.
 */
public final class BenchHarness {

  private BenchHarness() {}

  public static void main(String[] args) {
    Quiet.logs();
    run(HarnessArgs.parse(args));
  }

  /** Runs them all with {@code args}; answers the results in the order run. */
  static List<BenchResult> run(HarnessArgs args) {
    long started = System.nanoTime();
    BenchResult.Started start = BenchResult.Started.now();
    List<BenchResult> results = new ArrayList<>();
    boolean smoke = args.smoke();
    step(args, results, "planner", () -> PlannerBench.run(
        smoke ? PlannerBench.Params.smoke() : PlannerBench.Params.defaults()));
    step(args, results, "noop-reconcile", () -> NoOpReconcileBench.run(
        smoke ? NoOpReconcileBench.Params.smoke() : NoOpReconcileBench.Params.defaults()));
    step(args, results, "fresh-apply", () -> FreshApplyBench.run(
        smoke ? FreshApplyBench.Params.smoke() : FreshApplyBench.Params.defaults()));
    // Not in the smoke run: it would add about 8 s to verify (a simulation, a converge, a controller's start and its
    // idle waits); its own main with --smoke proves it runs in seconds.
    if (!smoke) {
      step(args, results, "controller", () -> ControllerBench.run(ControllerBench.Params.defaults()));
      step(args, results, "controller-memory",
          () -> ControllerMemoryBench.run(ControllerMemoryBench.Params.defaults()));
    }
    step(args, results, "fleet", () -> FleetBench.run(
        smoke ? FleetBench.Params.smoke() : FleetBench.Params.defaults()));
    // The 50,000-node run takes minutes on two cores (seeding the mock dominates): only with -Dhybridcni.bench.large.
    step(args, results, "plan-at-scale", () -> PlanAtScaleBench.run(smoke ? PlanAtScaleBench.Params.smoke()
        : PlanAtScaleBench.Params.defaults(Boolean.getBoolean("hybridcni.bench.large"), true)));

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    BenchResult harness = new BenchResult("harness", "The whole harness: every benchmark above, in this order.",
        start)
        .parameter("benchmarks", results.stream().map(BenchResult::name).toList())
        .parameter("parameters", smoke ? "smoke" : "defaults")
        .metric("wallTime", took.toMillis() / 1000.0, "s", "the whole harness, JVM start excluded");
    args.write(harness);
    System.out.println(summary(results, took));
    return results;
  }

  private interface Benchmark {
    BenchResult run();
  }

  private static void step(HarnessArgs args, List<BenchResult> results, String name, Benchmark benchmark) {
    System.out.println("== " + name);
    long started = System.nanoTime();
    BenchResult result = benchmark.run();
    args.write(result);
    results.add(result);
    System.out.printf(Locale.ROOT, "== %s done in %.1f s%n", name, (System.nanoTime() - started) / 1e9);
  }

  static String summary(List<BenchResult> results, Duration took) {
    StringBuilder s = new StringBuilder();
    for (BenchResult r : results) {
      switch (r.name()) {
        case "planner" -> s.append(String.format(Locale.ROOT,
            "planner:        %.0f us/plan converged, %.0f us/plan fresh; %.0f / %.0f B allocated per plan%n",
            r.value("converged.timePerPlan"), r.value("fresh.timePerPlan"), r.value("converged.allocationPerPlan"),
            r.value("fresh.allocationPerPlan")));
        case "noop-reconcile" -> s.append(String.format(Locale.ROOT,
            "noop-reconcile: %.0f ms parallel, %.0f ms sequential (x%.1f); %.0f + %.0f calls; wall = %.1f x slowest "
                + "call; targets %s%n", r.value("parallel.wallTime.median"), r.value("sequential.wallTime.median"),
            r.value("speedup.sequentialOverParallel"), r.value("parallel.kubernetesCalls"),
            r.value("parallel.aliyunCalls"), r.value("parallel.wallOverSlowestCall.median"),
            NoOpReconcileBench.targetsHeld(r) ? "held" : "MISSED:" + NoOpReconcileBench.targetLines(r)));
        case "fresh-apply" -> s.append(String.format(Locale.ROOT,
            "fresh-apply:    %.0f ms, %.0f calls for %.0f minimal writes (%.1f calls per write)%n",
            r.value("wallTime.median"), r.value("calls.total"), r.value("writes.minimal"),
            r.value("callsPerMinimalWrite")));
        case "controller" -> s.append(String.format(Locale.ROOT,
            "controller:     drift repaired in %.0f ms p50, %.0f ms p99 (target %.0f); no-op re-plan: %.0f planning "
                + "reads, %.0f status reads; targets %s%n", r.value("drift.repairLatency.p50"),
            r.value("drift.repairLatency.p99"), r.value("drift.repairTarget"), r.value("replan.planningReads.max"),
            r.value("replan.statusReads.median"),
            ControllerBench.targetsHeld(r) ? "held" : "MISSED:" + ControllerBench.targetLines(r)));
        case "controller-memory" -> s.append(String.format(Locale.ROOT,
            "controller-memory: %.0f KiB retained heap and %.1f threads per cluster (target 2048 KiB)%n",
            r.value("retainedHeapPerCluster"), r.value("threadsPerCluster")));
        case "fleet" -> s.append(String.format(Locale.ROOT,
            "fleet:          %.1f clusters/s, %.0f Aliyun calls/s, peak %.0f in flight at the fake, busiest "
                + "second %.0f calls%n", r.value("clustersPerSecond"), r.value("aliyunCallsPerSecond"),
            r.value("peakInFlight.atFake"), r.value("busiestSecond")));
        case "plan-at-scale" -> r.metricKeys().stream().filter(k -> k.endsWith(".wallTime")).forEach(k -> {
          String run = k.substring(0, k.length() - ".wallTime".length());
          s.append(String.format(Locale.ROOT, "plan-at-scale:  %s %s in %.1f s, peak RSS %.0f MiB%n", run,
              r.value(run + ".succeeded") == 1 ? "ok" : "FAILED", r.value(k), r.value(run + ".peakRss")));
        });
        default -> { }
      }
    }
    s.append(String.format(Locale.ROOT, "harness:        %.1f s", took.toMillis() / 1000.0));
    return s.toString();
  }
}
