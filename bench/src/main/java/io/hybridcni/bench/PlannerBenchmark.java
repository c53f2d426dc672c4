package io.hybridcni.bench;

import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.Planner;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JMH: one {@link Planner#plan} on an observed Calico BGP state of many nodes. Run it through {@link PlannerBench}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlannerBenchmark {

  /** Nodes in the observed state; {@link PlannerBench} runs 5,000 and 50,000. */
  @Param({"5000", "50000"})
  public int nodes;

  /** {@code CONVERGED} (empty plan) or {@code FRESH} (every action). */
  @Param({"CONVERGED", "FRESH"})
  public String state;

  private final Planner planner = new Planner();
  private HybridNetworkSpec spec;
  private ObservedState observed;

  @Setup
  public void setUp() {
    spec = Specs.auto();
    observed = ScaledStates.of(ScaledStates.Kind.valueOf(state), nodes);
  }

  @Benchmark
  public Plan plan() {
    return planner.plan(spec, observed);
  }
}
