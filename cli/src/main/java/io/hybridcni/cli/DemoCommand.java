package io.hybridcni.cli;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.StatusText;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hybridcni demo}: plan, apply and plan again on a simulated cluster and cloud, in this process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start a simulated registered cluster (the fabric8 mock API server) and a simulated Alibaba "
        + "Cloud (hybridcni's fake) on loopback, then plan, apply and plan again.",
        "Needs no cluster, no cloud account and no network."})
final class DemoCommand implements Callable<Integer> {

  @ParentCommand
  HybridCniCommand parent;

  @Mixin
  CommonOptions common;

  @Option(names = "--scenario", defaultValue = "bgp",
      description = "The sample cluster: ${COMPLETION-CANDIDATES}. drift starts from bgp, then runs the controller "
          + "and re-applies Calico's manifest without the exclusion: the controller repairs it while you watch. "
          + "Default: bgp.")
  Scenario scenario;

  /**
   * What the demo shows: each sample cluster of {@code --simulate}, by the same name, and {@code drift}, which is
   * the BGP sample kept by the controller. A demo-only value, so that {@code --simulate} offers only clusters.
   */
  enum Scenario {
    bgp(TargetOptions.Scenario.bgp),
    operator_bgp(TargetOptions.Scenario.operator_bgp),
    host_network(TargetOptions.Scenario.host_network),
    overlay_flannel(TargetOptions.Scenario.overlay_flannel),
    overlay_calico_ipip(TargetOptions.Scenario.overlay_calico_ipip),
    overlay_cilium(TargetOptions.Scenario.overlay_cilium),
    cilium_native(TargetOptions.Scenario.cilium_native),
    brownfield(TargetOptions.Scenario.brownfield),
    drift(TargetOptions.Scenario.bgp);

    final TargetOptions.Scenario sample;

    Scenario(TargetOptions.Scenario sample) {
      this.sample = sample;
    }
  }

  /** Starts the simulation of a sample; a test replaces it to look into the simulation the demo ran on. */
  static java.util.function.Function<TargetOptions.Scenario, Simulation> simulations = Simulation::start;

  @Override
  public Integer call() throws InterruptedException {
    Terminal term = common.apply(parent.terminal);
    term.info("Starting a simulated cluster (" + scenario + ") and a simulated Alibaba Cloud on loopback ...");
    try (Simulation simulation = simulations.apply(scenario.sample);
        Environment env = simulation.environment(Duration.ofMinutes(1))) {
      HybridNetworkSpec spec = simulation.demoSpec();
      term.out().println("== hybridcni plan ==");
      Plan plan = env.reconciler().plan(spec);
      term.out().print(term.renderer().render(plan));
      if (plan.hasBlockers()) {
        term.out().println("The plan is blocked: this is where a real run stops and asks you to resolve it.");
        return ExitCodes.ERROR;
      }
      if (plan.actions().isEmpty()) {
        return ExitCodes.OK;
      }
      term.out().println();
      term.out().println("== hybridcni apply --auto-approve ==");
      ApplyResult result = env.reconciler().apply(spec, plan, ApplyOptions.defaults().withHolder("hybridcni-demo")
          .withListener(new ConsoleProgress(term, plan.actions().size())));
      long ok = result.outcomes().stream().filter(o -> o.succeeded()).count();
      term.out().println("Applied " + ok + " of " + result.outcomes().size() + " action(s).");
      term.out().println();
      term.out().println("== hybridcni plan (again) ==");
      Plan after = env.reconciler().plan(spec);
      term.out().print(term.renderer().render(after));
      boolean healthy = true;
      if (env.reconciler().readsStatus()) {
        term.out().println();
        term.out().println("== hybridcni status ==");
        NetworkStatus status = env.reconciler().status(spec);
        term.out().print(StatusText.render(status));
        healthy = status.healthy();
      }
      boolean converged = result.succeeded() && after.actions().isEmpty() && !after.hasBlockers() && healthy;
      term.out().println();
      term.out().println(converged
          ? "Converged: the simulated cluster and cloud now match the spec, and every node runs its CNI."
          : "Not converged: see the plan and the status above.");
      if (converged && scenario == Scenario.drift) {
        term.out().println();
        return new DriftDemo(simulation, spec, term).run();
      }
      return converged ? ExitCodes.OK : ExitCodes.ERROR;
    }
  }
}
