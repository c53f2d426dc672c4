package io.hybridcni.examples;

import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.StepResult;
import io.hybridcni.cli.Simulation;
import io.hybridcni.plan.Action;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds the reconciler in another tool with its own progress listener: here the tool collects one event per
 * line, as a CI system or an operator's status field would, and prints them. It runs against the simulation so
 * that it needs no cluster or account; against real ones, build the same {@link Reconciler} from
 * {@code KubernetesObserver}, {@code AliyunObserver} and the adapters' executors.
 */
public final class EmbedReconciler {

  private EmbedReconciler() {}

  /** A listener that records what happens, for the embedding tool to show or store. */
  public static final class EventLog implements ApplyListener {
    private final List<String> events = new ArrayList<>();

    @Override
    public synchronized void actionStarted(Action action) {
      events.add("started " + action.id());
    }

    @Override
    public synchronized void actionFinished(Action action, StepResult result) {
      events.add("finished " + action.id() + " (" + result.status() + ")");
    }

    @Override
    public synchronized void waitingForAddon(Action action, String state, Duration elapsed) {
      events.add("addon " + state);
    }

    public synchronized List<String> events() {
      return List.copyOf(events);
    }
  }

  public static void main(String[] args) {
    run(System.out);
  }

  /** Reconciles a simulated Calico BGP cluster and answers the result; events are printed to {@code out}. */
  public static ReconcileResult run(PrintStream out) {
    try (Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP, Duration.ZERO)) {
      HybridNetworkSpec spec = simulation.demoSpec();
      Reconciler reconciler = simulation.reconciler(Duration.ofMinutes(1));
      EventLog log = new EventLog();
      ReconcileResult result = reconciler.reconcile(spec,
          ApplyOptions.defaults().withHolder("my-tool").withListener(log));
      log.events().forEach(out::println);
      out.println(result.converged() ? "converged: " + result.why() : "not converged: " + result.why());
      return result;
    }
  }
}
