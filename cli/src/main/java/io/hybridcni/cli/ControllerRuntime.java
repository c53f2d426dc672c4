package io.hybridcni.cli;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.controller.HybridNetworkController;
import io.hybridcni.controller.LeaseLeadership;
import io.hybridcni.controller.http.ControllerMetrics;
import io.hybridcni.controller.http.HealthServer;
import io.hybridcni.controller.http.ReadinessTracker;
import io.hybridcni.controller.resource.HybridNetworkStatusWriter;
import io.hybridcni.kube.ClusterCache;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.spec.HybridNetworkSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster kept at its spec, assembled as {@code hybridcni controller} assembles it: the informer caches the rounds
 * plan from, the Prometheus metrics, the readiness tracker, the caller's listeners, the HybridNetwork status writer
 * (when a resource is named), the leadership on a Lease, the controller writing through the apply Lease, and the
 * health server (when a port is given). The command, {@code demo --scenario drift} and a benchmark build it here, so
 * that what they run is the same thing.
 *
 * <pre>{@code
 * try (ControllerRuntime kept = ControllerRuntime.builder(spec).simulation(simulation).identity("replica-a").build()) {
 *   kept.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link Builder#build()} starts the caches and the health server; {@link #start()} waits for the caches' first
 * listing and starts the rounds; {@link #close()} stops everything it started, the controller first (it gives the
 * lead up), the caches last.
 */
public final class ControllerRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerRuntime.class);

  private final HybridNetworkSpec spec;
  private final Environment ownEnvironment;
  private final ClusterCache cache;
  private final PrometheusMeterRegistry registry;
  private final ControllerMetrics metrics;
  private final HybridNetworkController controller;
  private final HealthServer health;
  private final Duration syncTimeout;
  private final Consumer<String> notes;

  private ControllerRuntime(Builder b, ControllerWiring wiring, Environment ownEnvironment) {
    this.spec = b.spec;
    this.ownEnvironment = ownEnvironment;
    this.syncTimeout = b.syncTimeout;
    this.notes = b.notes;
    // The rounds plan and read the network's status from the informer caches (zero API reads when nothing changed);
    // the re-checks before a write and the verification after it read the API server through the writer, which must
    // not trust a cache that may lag it.
    this.cache = ClusterCache.builder(wiring.client(), spec).syncTimeout(b.syncTimeout).build().start();
    HybridNetworkController built = null;
    ControllerMetrics madeMetrics = null;
    try {
      this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      madeMetrics = new ControllerMetrics(registry);
      ReadinessTracker readiness = new ReadinessTracker();
      List<ControllerListener> listeners = new ArrayList<>(b.listeners);
      listeners.add(madeMetrics);
      listeners.add(readiness);
      if (b.resourceName != null) {
        // Status messages are already free of secrets (every exception the loop reports is); the client's own
        // credentials are masked again in case a library or a webhook echoed one.
        listeners.add(new HybridNetworkStatusWriter(wiring.client(), b.resourceNamespace, b.resourceName, b.identity,
            Clock.systemUTC(), new ClientCredentials(wiring.client()), b.resourceGeneration));
      }
      LeaseLeadership leadership = new LeaseLeadership(
          LeaseApplyLock.builder(wiring.client()).namespace(b.leaseNamespace).name(b.leaseName).build(), b.identity,
          "Lease " + b.leaseNamespace + "/" + b.leaseName, b.leaseCheckEvery, b.leaseRenewEvery);
      built = HybridNetworkController.builder()
          .spec(spec)
          .writer(LeaseApplyLock.builder(wiring.client()).build(), wiring.writer())
          .planning(cache.observer(), wiring.cloud())
          .changes(cache::onChange)
          .synced(cache::synced)
          .status(cache.statusObserver())
          .leadership(leadership)
          .identity(b.identity)
          .applyOptions(b.applyOptions)
          .debounce(b.debounce)
          .resync(b.resync)
          .cloudPoll(b.cloudPoll, 0.2)
          .listener(listeners.toArray(ControllerListener[]::new))
          .build();
      this.metrics = madeMetrics;
      this.controller = built;
      HybridNetworkController forProbes = built;
      this.health = b.healthPort == null ? null : HealthServer.builder(registry).port(b.healthPort)
          .live(forProbes::live).ready(forProbes::ready).notReadyBecause(readiness::whyNotReady).start();
    } catch (RuntimeException e) {
      // A port in use, a bad option the controller refuses: free what was started, then say why.
      closeAll(e, built, madeMetrics, cache); // the builder closes the environment it opened
      throw e;
    }
  }

  /** A builder for keeping {@code spec}. */
  public static Builder builder(HybridNetworkSpec spec) {
    return new Builder(spec);
  }

  /**
   * Waits for the caches' first listing (the builder's sync timeout), then starts the rounds. A list that is only
   * slow is noted and the controller starts and keeps waiting for it; a refused one (a missing permission) fails here,
   * named as the live read names it.
   *
   * @throws io.hybridcni.error.HybridCniException when a first read is refused
   */
  public void start() {
    if (!cache.awaitSynced(syncTimeout)) {
      notes.accept("The caches have not synced within " + syncTimeout + " (still waiting: "
          + String.join(", ", cache.unsynced()) + ").");
      cache.observer().observe(spec);
    }
    controller.start();
  }

  /** The controller, e.g. for its probes ({@link HybridNetworkController#ready()}). */
  public HybridNetworkController controller() {
    return controller;
  }

  /** The Prometheus registry the metrics are in, as {@code /metrics} serves it. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The port the health server listens on, when one was asked for. */
  public java.util.OptionalInt healthPort() {
    return health == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(health.port());
  }

  /**
   * Stops the rounds (the lead is given up), the health server, the metrics and the caches, and the environment when
   * the runtime opened it. A part that fails to stop does not keep the others running: the first failure is thrown
   * after all were asked, the later ones added to it.
   */
  @Override
  public void close() {
    RuntimeException failure = closeAll(null, controller, health, metrics, cache, ownEnvironment);
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException closeAll(RuntimeException first, AutoCloseable... parts) {
    RuntimeException failure = first;
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        RuntimeException wrapped = e instanceof RuntimeException r ? r
            : new io.hybridcni.error.HybridCniException("while stopping the controller: " + e.getMessage(), e);
        if (failure == null) {
          failure = wrapped;
        } else {
          failure.addSuppressed(wrapped);
        }
      }
    }
    return failure;
  }

  /** Builder; every setter documents its default, which is {@code hybridcni controller}'s. */
  public static final class Builder {
    private final HybridNetworkSpec spec;
    private ControllerWiring wiring;
    private Simulation simulation;
    private io.fabric8.kubernetes.client.KubernetesClient simulationClient;
    private Duration addonTimeout = Duration.ofMinutes(1);
    private String identity = "hybridcni-controller";
    private String leaseNamespace = "kube-system";
    private String leaseName = "hybridcni-controller";
    private Duration leaseCheckEvery = Duration.ofSeconds(1);
    private Duration leaseRenewEvery = Duration.ofSeconds(2);
    private Duration debounce = Duration.ofSeconds(1);
    private Duration resync = Duration.ofMinutes(10);
    private Duration syncTimeout = Duration.ofMinutes(2);
    private Duration cloudPoll = Duration.ofMinutes(5);
    private ApplyOptions applyOptions = ApplyOptions.defaults();
    private final List<ControllerListener> listeners = new ArrayList<>();
    private String resourceNamespace;
    private String resourceName;
    private LongSupplier resourceGeneration;
    private Integer healthPort;
    private Consumer<String> notes = LOG::info;

    private Builder(HybridNetworkSpec spec) {
      this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** The cluster and account to keep, as an environment wires them for {@code controller}. */
    Builder wiring(ControllerWiring value) {
      this.wiring = Objects.requireNonNull(value, "wiring");
      this.simulation = null;
      return this;
    }

    /**
     * Keeps this simulation's cluster and account, wired as {@code hybridcni controller --simulate} wires them (the
     * simulation's controllers play their part after every repair). The runtime opens its own environment on it and
     * closes that, never the simulation. One of this or the command's environment is required.
     */
    public Builder simulation(Simulation value) {
      this.simulation = Objects.requireNonNull(value, "simulation");
      this.simulationClient = null;
      this.wiring = null;
      return this;
    }

    /**
     * As {@link #simulation(Simulation)}, but the controller reaches the mock API server through {@code client}
     * (e.g. one of {@code simulation.kubernetesServer().createClient()}), so that what the server sees from that client
     * is the controller's alone: the controllers the simulation plays keep using its own. The caller keeps ownership
     * of {@code client}.
     */
    public Builder simulation(Simulation value, io.fabric8.kubernetes.client.KubernetesClient client) {
      simulation(value);
      this.simulationClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** How long a repair waits for the addon to become active, with {@link #simulation}. Default 1 minute. */
    public Builder addonTimeout(Duration value) {
      this.addonTimeout = Objects.requireNonNull(value, "addonTimeout");
      return this;
    }

    /** This replica's name on the Leases and in the status. Default {@code hybridcni-controller}. */
    public Builder identity(String value) {
      this.identity = Objects.requireNonNull(value, "identity");
      return this;
    }

    /** The Lease the replicas elect their writer on. Default {@code kube-system/hybridcni-controller}. */
    public Builder lease(String namespace, String name) {
      this.leaseNamespace = Objects.requireNonNull(namespace, "lease namespace");
      this.leaseName = Objects.requireNonNull(name, "lease name");
      return this;
    }

    /**
     * How often the leadership looks at its Lease, and how often the leader renews it. Default 1 s and 2 s (the
     * Lease's duration is the apply Lease's).
     */
    public Builder leaseTimings(Duration checkEvery, Duration renewEvery) {
      this.leaseCheckEvery = Objects.requireNonNull(checkEvery, "checkEvery");
      this.leaseRenewEvery = Objects.requireNonNull(renewEvery, "renewEvery");
      return this;
    }

    /** Re-plan this long after the last change of a burst. Default 1 s. */
    public Builder debounce(Duration value) {
      this.debounce = Objects.requireNonNull(value, "debounce");
      return this;
    }

    /** Re-plan this often without any change. Default 10 minutes. */
    public Builder resync(Duration value) {
      this.resync = Objects.requireNonNull(value, "resync");
      return this;
    }

    /** How long {@link ControllerRuntime#start()} waits for the caches' first listing. Default 2 minutes. */
    public Builder syncTimeout(Duration value) {
      this.syncTimeout = Objects.requireNonNull(value, "syncTimeout");
      return this;
    }

    /** Read Alibaba Cloud again this often, ±20 %. Default 5 minutes. */
    public Builder cloudPoll(Duration value) {
      this.cloudPoll = Objects.requireNonNull(value, "cloudPoll");
      return this;
    }

    /** How repairs are applied (the holder is the identity). Default {@link ApplyOptions#defaults()}. */
    public Builder applyOptions(ApplyOptions value) {
      this.applyOptions = Objects.requireNonNull(value, "applyOptions");
      return this;
    }

    /**
     * Adds listeners, called before the metrics, the readiness tracker and the status writer, in this order.
     * Default: none.
     */
    public Builder listener(ControllerListener... values) {
      listeners.addAll(List.of(values));
      return this;
    }

    /**
     * Keeps the status of the HybridNetwork {@code namespace/name}, whose kept {@code generation} is written as
     * {@code observedGeneration}. Default: no resource, no status written.
     */
    public Builder resource(String namespace, String name, LongSupplier generation) {
      this.resourceNamespace = Objects.requireNonNull(namespace, "resource namespace");
      this.resourceName = Objects.requireNonNull(name, "resource name");
      this.resourceGeneration = Objects.requireNonNull(generation, "resource generation");
      return this;
    }

    /** Serve {@code /healthz}, {@code /readyz} and {@code /metrics} on this port. Default: no server. */
    public Builder healthPort(Integer value) {
      this.healthPort = value;
      return this;
    }

    /** Where lines for people go that are no listener's (the caches still syncing). Default: the log, at info. */
    public Builder notes(Consumer<String> value) {
      this.notes = Objects.requireNonNull(value, "notes");
      return this;
    }

    /**
     * Starts the caches and the health server; the rounds start with {@link ControllerRuntime#start()}.
     *
     * @throws IllegalStateException when neither a simulation nor an environment's wiring was given
     */
    public ControllerRuntime build() {
      if (wiring != null) {
        return new ControllerRuntime(this, wiring, null);
      }
      if (simulation == null) {
        throw new IllegalStateException("a controller runtime needs a cluster: expected simulation(...) or the "
            + "command's environment");
      }
      Environment environment = simulationClient == null ? simulation.environment(addonTimeout)
          : simulation.environment(addonTimeout, simulationClient);
      try {
        return new ControllerRuntime(this, environment.controllerWiring(), environment);
      } catch (RuntimeException e) {
        environment.close();
        throw e;
      }
    }
  }
}
