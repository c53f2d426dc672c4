package io.hybridcni.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Plan;
import io.hybridcni.render.StatusText;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.testkit.kube.CalicoManifest;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.text.Printable;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code demo --scenario drift} after the first apply converged: the controller starts in this process on the same
 * simulation, Calico's manifest is re-applied over calico-node as a {@code helm upgrade} or {@code kubectl apply -f
 * calico.yaml} would (the exclusion gone, calico-node starting on the cloud node), and the demo shows the controller
 * noticing it through its watches, repairing it, the Event it left on the DaemonSet and the status converged again.
 * Every wait is bounded; running out of time says what the controller last did.
 */
final class DriftDemo {

  /** How long the controller gets for each step by default: its first quiet round, then the repair. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  /** The replica name the demo's controller holds its Leases as. */
  static final String IDENTITY = "hybridcni-demo-controller";

  private final Simulation simulation;
  private final HybridNetworkSpec spec;
  private final Terminal term;
  private final KubernetesClient client;
  private final Duration stepTimeout;

  DriftDemo(Simulation simulation, HybridNetworkSpec spec, Terminal term) {
    this(simulation, spec, term, STEP_TIMEOUT);
  }

  /** With {@code stepTimeout} for each step instead of {@link #STEP_TIMEOUT}. */
  DriftDemo(Simulation simulation, HybridNetworkSpec spec, Terminal term, Duration stepTimeout) {
    this.simulation = simulation;
    this.spec = spec;
    this.term = term;
    this.client = simulation.kubernetesClient();
    this.stepTimeout = stepTimeout;
  }

  int run() throws InterruptedException {
    Rounds rounds = new Rounds();
    say("== hybridcni controller (in this process, as " + IDENTITY + ") ==");
    try (ControllerRuntime kept = ControllerRuntime.builder(spec).simulation(simulation).identity(IDENTITY)
        .debounce(Duration.ofSeconds(1)).resync(Duration.ofHours(1)).syncTimeout(stepTimeout)
        .listener(rounds).notes(this::say).build()) {
      kept.start();
      if (!rounds.await(Rounds::quiet, stepTimeout)) {
        return fail("the controller did not lead and find the cluster converged within " + stepTimeout, rounds);
      }
      say("The controller keeps the cluster: its plan is empty, and it watches calico-node through its caches.");

      say("");
      say("== kubectl apply -f calico.yaml (Calico's manifest again, as a helm upgrade or a GitOps sync does) ==");
      Set<String> eventsBefore = events().stream().map(e -> e.getMetadata().getName()).collect(Collectors.toSet());
      rounds.mark();
      long driftedAt = System.nanoTime();
      CalicoManifest.reapply(client);
      say("calico-node's nodeSelectorTerms are the manifest's again: " + terms() + " (no alibabacloud.com/external "
          + "exclusion).");
      // The mock runs no DaemonSet controller: the testkit's plays it, as the cluster's would right after the write.
      DaemonSetController.reconcile(client);
      say("calico-node runs on: " + placement() + ".");

      say("");
      say("== the controller notices and repairs ==");
      if (!rounds.await(r -> r.repaired() && r.quiet(), stepTimeout)) {
        return fail("the drift was not repaired within " + stepTimeout, rounds);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - driftedAt);
      for (Event event : events()) {
        if (!eventsBefore.contains(event.getMetadata().getName())) {
          say("Event on DaemonSet " + CalicoManifest.NAMESPACE + "/" + CalicoManifest.NAME + ": " + event.getReason()
              + ": " + event.getMessage());
        }
      }
      say("calico-node runs on: " + placement() + ".");
      NetworkStatus status = rounds.status();
      if (status != null) {
        say("");
        say("== hybridcni status ==");
        term.out().print(StatusText.render(status));
      }
      say("");
      say("Repaired " + seconds(took) + " after the manifest was re-applied: the controller put the exclusion back "
          + "by itself, Calico left the cloud node, and the plan is empty again.");
      return ExitCodes.OK;
    }
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  private int fail(String what, Rounds rounds) {
    say("Not repaired: " + what + "; the controller's last word: " + rounds.lastWord() + ".");
    return ExitCodes.ERROR;
  }

  private void say(String line) {
    term.out().println(Printable.escapeKeepingLines(line));
  }

  /** The Events hybridcni recorded on calico-node. */
  private List<Event> events() {
    return client.v1().events().inNamespace(CalicoManifest.NAMESPACE).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && CalicoManifest.NAME.equals(e.getInvolvedObject().getName())
            && e.getSource() != null && "hybridcni".equals(e.getSource().getComponent()))
        .toList();
  }

  private String terms() {
    var affinity = client.apps().daemonSets().inNamespace(CalicoManifest.NAMESPACE).withName(CalicoManifest.NAME).get()
        .getSpec().getTemplate().getSpec().getAffinity();
    return affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
        .stream().map(t -> t.getMatchExpressions().stream()
            .map(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues()).collect(Collectors.joining(" and ")))
        .collect(Collectors.joining(" or ", "[", "]"));
  }

  /** The nodes calico-node's pods are on, the cloud nodes marked. */
  private String placement() {
    Set<String> cloud = client.nodes().list().getItems().stream()
        .filter(n -> n.getMetadata().getLabels() != null
            && "true".equals(n.getMetadata().getLabels().get("alibabacloud.com/external")))
        .map(Node::getMetadata).map(m -> m.getName()).collect(Collectors.toSet());
    return client.pods().inNamespace(CalicoManifest.NAMESPACE).withLabel("k8s-app", CalicoManifest.NAME).list()
        .getItems().stream().map(Pod::getSpec).map(s -> s.getNodeName()).sorted()
        .map(n -> cloud.contains(n) ? n + " (a cloud node: Calico's BGP there fights Terway)" : n)
        .collect(Collectors.joining(", "));
  }

  /** What the controller's rounds said, printed as they come and kept for the demo's waits. */
  private final class Rounds implements ControllerListener {
    private boolean leading;
    private boolean quiet;
    private boolean repaired;
    private NetworkStatus status;
    private String lastWord = "nothing yet";

    @Override
    public synchronized void leadership(boolean value) {
      leading = value;
      lastWord = value ? "leading" : "not leading";
      say("controller: " + (value ? "leading: this replica repairs." : "not leading: this replica only reports."));
      notifyAll();
    }

    @Override
    public synchronized void planned(Plan plan, NetworkStatus health) {
      status = health;
      quiet = plan.isEmpty() && (health == null || health.healthy());
      if (plan.isEmpty()) {
        lastWord = "an empty plan" + (health == null || health.healthy() ? "" : ", nodes not healthy yet");
      } else {
        lastWord = "a plan of " + kinds(plan.actions());
        say("controller: noticed: a plan of " + kinds(plan.actions()) + ", " + plan.blockers().size()
            + " blocker(s).");
      }
      notifyAll();
    }

    @Override
    public synchronized void held(Plan plan, String why) {
      lastWord = "held: " + why;
      say("controller: held: " + why);
      notifyAll();
    }

    @Override
    public synchronized void superseded(Plan plan, String why) {
      lastWord = "repair refused as stale, planning again: " + why;
      say("controller: the world moved under the repair (" + why + "): planning again at once.");
      notifyAll();
    }

    @Override
    public synchronized void reconciled(ReconcileResult result) {
      repaired = repaired || result.converged();
      quiet = false;
      lastWord = "repaired: " + result.why();
      say("controller: repaired: " + result.why());
      notifyAll();
    }

    @Override
    public synchronized void failed(Exception failure) {
      lastWord = "round failed: " + failure.getMessage();
      say("controller: round failed: " + failure.getMessage());
      notifyAll();
    }

    /** From now on a wait needs a new repair and a new quiet round. */
    synchronized void mark() {
      quiet = false;
      repaired = false;
    }

    synchronized boolean quiet() {
      return leading && quiet;
    }

    synchronized boolean repaired() {
      return repaired;
    }

    synchronized NetworkStatus status() {
      return status;
    }

    synchronized String lastWord() {
      return lastWord;
    }

    synchronized boolean await(Predicate<Rounds> condition, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }

    private static String kinds(List<Action> actions) {
      return actions.size() + " action(s) (" + actions.stream().map(a -> a.kind().name())
          .collect(Collectors.joining(", ")) + ")";
    }
  }
}
