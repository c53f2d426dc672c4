package io.hybridcni.controller;

import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.kube.Ticker;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.CloudObserver;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.port.NetworkStatusObserver;
import io.hybridcni.spec.ControllerPolicy;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.StatusAnalyzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one registered cluster's network at its spec: re-plans when something the plan depends on may have changed,
 * repairs what {@code controller.autoApply} lets it repair, and reports the rest.
 *
 * <pre>{@code
 * HybridNetworkController controller = HybridNetworkController.builder()
 *     .spec(spec)
 *     .writer(applyLock, lock -> Reconciler.builder().cluster(liveObserver).cloud(cloud)
 *         .executors(executors).lock(lock).build())
 *     .planning(cachedObserver, cloud)
 *     .changes(cache::onChange)
 *     .synced(cache::synced)
 *     .leadership(leaseLeadership)
 *     .listener(statusWriter)
 *     .build();
 * controller.start();
 * }</pre>
 *
 * <p>Each round, on one thread:
 *
 * <ol>
 *   <li>plans from the planning observer (the informer caches: no Kubernetes read for a no-op) and the cloud facts of
 *       the last poll, and tells {@link ControllerListener#planned};</li>
 *   <li>a plan with nothing to do ends the round; a plan with a blocker, a destructive action the policy does not
 *       name, or any action outside {@code controller.autoApply} is {@link ControllerListener#held held} with one
 *       line, and nothing is written;</li>
 *   <li>otherwise, only while this replica leads, plans again from the writer, which reads the API server (a cache
 *       may lag, and what is written over must be what is there) and takes the cloud facts of the round rather than
 *       observing the cloud again ({@link Reconciler#plan(HybridNetworkSpec, io.hybridcni.observe.CloudFacts)}: in a
 *       fleet that whole observation would queue behind every member's polls at the account's rate limit, and the
 *       apply re-reads each action's own cloud facts anyway), checks that plan the same way, and applies it
 *       exactly as {@code hybridcni apply} does: {@link Reconciler#apply} (the plan's fingerprints re-checked before
 *       each action, the apply Lease held, the Events the executors record) and {@link Reconciler#verify} (plan
 *       again, status verification), then tells {@link ControllerListener#reconciled}.</li>
 * </ol>
 *
 * <p>A round that fails tells {@link ControllerListener#failed} and the next one backs off; a repair refused as stale
 * (nothing written) tells {@link ControllerListener#superseded} and the next round comes at once, a few times in a row
 * before it too backs off; see {@link RoundSchedule} for debounce, resync, cloud poll, backoff and that bound. A round
 * that goes on to repair reads no network status before it (its {@code planned} carries {@code null}): the
 * verification after the write judges the running network. The writer's apply lock is wrapped so that it is taken only while
 * this replica leads and counts as lost as soon as the lead is: the Reconciler asks before every action, so a
 * replica that lost its lead stops before its next write. The round, not the apply, ends the Lease's hold: it is
 * released when the round ends (after the verification), or kept for the next round when that one retries a repair
 * refused as stale at once, so that the retry neither releases nor takes it again.
 */
public final class HybridNetworkController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HybridNetworkController.class);

  private final HybridNetworkSpec spec;
  private final LeaderGuardedLock writeLock;
  private final Reconciler writer;
  private final ClusterObserver planningCluster;
  private final CloudObserver planningCloud;
  private final NetworkStatusObserver statusObserver;
  private final List<ChangeSource> sources;
  private final BooleanSupplier synced;
  private final Leadership leadership;
  private final List<ControllerListener> listeners;
  private final ApplyOptions applyOptions;
  private final Ticker ticker;
  private final Planner planner = new Planner();

  private final Object monitor = new Object();
  private final RoundSchedule schedule;
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private final Thread loop;
  private volatile boolean closed;
  private volatile boolean syncedOnce;
  private volatile boolean planMade;
  private volatile boolean started;
  /** Leadership changes heard from the leadership's thread, told to listeners on the loop's thread. */
  private final List<Boolean> leadershipChanges = new ArrayList<>();
  private CloudFacts cloudFacts;

  private HybridNetworkController(Builder b) {
    this.spec = Objects.requireNonNull(b.spec, "spec");
    this.leadership = b.leadership;
    Objects.requireNonNull(b.writerWiring, "writer");
    this.writeLock = new LeaderGuardedLock(b.applyLock, leadership);
    this.writer = Objects.requireNonNull(b.writerWiring.apply(writeLock), "the writer wiring returned no Reconciler");
    this.planningCluster = Objects.requireNonNull(b.planningCluster, "planning cluster observer");
    this.planningCloud = Objects.requireNonNull(b.planningCloud, "planning cloud observer");
    this.statusObserver = b.statusObserver;
    this.sources = List.copyOf(b.sources);
    this.synced = b.synced;
    this.listeners = List.copyOf(b.listeners);
    this.applyOptions = b.applyOptions.withHolder(b.identity);
    this.ticker = b.ticker;
    this.schedule = new RoundSchedule(b.debounce, b.resync, b.cloudPoll, b.cloudPollJitter, b.backoffInitial,
        b.backoffMax, b.random, ticker.nanos());
    this.loop = new Thread(this::run, "hybridcni-controller");
    this.loop.setDaemon(true);
    // An Error (out of memory, a broken classpath) ends the loop: said once here, and live() turns false, so the
    // liveness probe restarts the process rather than leaving a controller that no longer looks.
    this.loop.setUncaughtExceptionHandler((t, e) -> LOG.error("The controller's loop stopped", e));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Subscribes to the change sources, starts taking part in leadership and starts the loop. */
  public void start() {
    synchronized (monitor) {
      if (started) {
        throw new IllegalStateException("the controller was started already");
      }
      started = true;
    }
    for (ChangeSource source : sources) {
      subscriptions.add(source.subscribe(this::changed));
    }
    leadership.start(leading -> {
      synchronized (monitor) {
        leadershipChanges.add(leading);
        // A new leader looks at once: what the old one left undone is its to do now.
        schedule.changed(ticker.nanos());
        monitor.notifyAll();
      }
    });
    loop.start();
  }

  /** Something the plan depends on may have changed; the round comes after the debounce. Any thread. */
  public void changed() {
    synchronized (monitor) {
      schedule.changed(ticker.nanos());
      monitor.notifyAll();
    }
  }

  /** Ready: the caches are synced and a first plan was made (for {@code /readyz}). */
  public boolean ready() {
    return syncedOnce && planMade;
  }

  /** Live: the loop's thread runs (for {@code /healthz}). */
  public boolean live() {
    return !closed && loop.isAlive();
  }

  /** Whether this replica leads now. */
  public boolean leading() {
    return leadership.leading();
  }

  private void run() {
    while (!closed) {
      boolean readCloud;
      List<Boolean> changes;
      synchronized (monitor) {
        changes = new ArrayList<>(leadershipChanges);
        leadershipChanges.clear();
        readCloud = false;
        if (changes.isEmpty()) {
          long now = ticker.nanos();
          long due = schedule.dueAt();
          if (due > now) {
            long waitMillis = Math.max(1, Math.min((due - now) / 1_000_000, Duration.ofMinutes(1).toMillis()));
            try {
              monitor.wait(waitMillis);
            } catch (InterruptedException e) {
              // Only close() interrupts the loop; the flag it set ends the loop.
              LOG.debug("The controller's loop was interrupted: closing");
            }
            continue;
          }
          readCloud = schedule.start(now);
        }
      }
      if (!changes.isEmpty()) {
        changes.forEach(leading -> tell(l -> l.leadership(leading)));
        continue;
      }
      round(readCloud);
    }
  }

  /** One round; never throws. Ends the apply Lease's hold unless the next round retries the repair at once. */
  private void round(boolean readCloud) {
    boolean retryingAtOnce = false;
    try {
      retryingAtOnce = attempt(readCloud);
    } finally {
      try {
        writeLock.roundEnded(retryingAtOnce);
      } catch (RuntimeException e) {
        // The Lease expires by itself; the next round takes it again.
        LOG.warn("Releasing the apply Lease failed: {}", e.getMessage());
      }
    }
  }

  /** The round's work; answers whether the next round comes at once to retry a repair refused as stale. */
  private boolean attempt(boolean readCloud) {
    try {
      if (!syncedOnce) {
        if (!synced.getAsBoolean()) {
          // Not a failure: the caches are still filling. Look again after the debounce.
          synchronized (monitor) {
            schedule.changed(ticker.nanos());
          }
          return false;
        }
        syncedOnce = true;
        tell(ControllerListener::synced);
      }
      KubernetesFacts facts = planningCluster.observe(spec);
      if (readCloud || cloudFacts == null) {
        cloudFacts = planningCloud.observe(spec);
      }
      ObservedState state = ObservedState.of(facts, cloudFacts);
      Plan plan = planner.plan(spec, state);
      boolean repairs = !plan.isEmpty() && whyHeld(plan, spec.controller()) == null && leadership.leading();
      // A round about to repair reads no status: the repair's own verification judges the running network, and every
      // read before the write adds to the time the drift stays unrepaired.
      NetworkStatus status = statusObserver == null || repairs ? null
          : new StatusAnalyzer(spec.cloudNodeLabel()).analyze(Planner.scenario(spec, state),
              statusObserver.observe(spec, facts));
      planMade = true;
      tell(l -> l.planned(plan, status));
      if (plan.isEmpty() || held(plan) || !leadership.leading()) {
        succeeded();
        return false;
      }
      // The write path reads the API server itself: a cache may lag behind what the repair writes over. The cloud
      // facts are the round's: each action's re-check before it writes reads the cloud facts it relies on.
      Plan live = writer.plan(spec, cloudFacts);
      if (live.isEmpty()) {
        // The caches showed work the API server no longer shows (they lagged it, or someone repaired it meanwhile):
        // the round ends as an empty plan's does, so that the listeners (the status's Ready) hear it ended.
        NetworkStatus now = statusObserver == null ? null
            : new StatusAnalyzer(spec.cloudNodeLabel()).analyze(Planner.scenario(spec, state),
                statusObserver.observe(spec, facts));
        tell(l -> l.planned(live, now));
        succeeded();
        return false;
      }
      if (held(live)) {
        succeeded();
        return false;
      }
      LOG.info("Repairing: {}", live.actions().stream().map(Action::id).toList());
      // The apply and its verification read again only the cloud facts the repair relies on or may change.
      CloudFacts roundCloud = cloudFacts;
      ApplyResult applied = writer.apply(spec, live, applyOptions, roundCloud);
      if (applied.refused() == null) {
        synchronized (monitor) {
          schedule.wrote();
        }
        cloudFacts = null;
      }
      if (applied.refused() != null && !applied.withStatus(OutcomeStatus.STALE).isEmpty()) {
        // Refused as stale, nothing written: what the plan relied on moved (a rollout still under way). Plan again at
        // once from the world as it is now rather than wait a backoff; the schedule bounds how often in a row.
        boolean atOnce;
        synchronized (monitor) {
          atOnce = schedule.superseded(ticker.nanos());
        }
        if (atOnce) {
          LOG.info("The repair was refused as stale; planning again at once: {}", applied.refused());
          tell(l -> l.superseded(live, applied.refused()));
          return true;
        }
        HybridCniException refusal = new HybridCniException("The repair was refused: " + applied.refused());
        LOG.warn("A round failed: {}", refusal.getMessage());
        tell(l -> l.failed(refusal));
        return false;
      }
      if (applied.refused() != null) {
        throw new HybridCniException("The repair was refused: " + applied.refused());
      }
      ReconcileResult result = writer.verify(spec, live, applied, applyOptions, roundCloud);
      tell(l -> l.reconciled(result));
      if (result.converged()) {
        succeeded();
      } else {
        LOG.warn("The repair did not converge: {}", result.why());
        synchronized (monitor) {
          schedule.failed(ticker.nanos());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("A round failed: {}", e.getMessage());
      synchronized (monitor) {
        schedule.failed(ticker.nanos());
      }
      tell(l -> l.failed(e));
    }
    return false;
  }

  private void succeeded() {
    synchronized (monitor) {
      schedule.succeeded();
    }
  }

  /** Tells listeners why {@code plan} is not applied and answers {@code true}, or answers {@code false}. */
  private boolean held(Plan plan) {
    String why = whyHeld(plan, spec.controller());
    if (why == null) {
      return false;
    }
    LOG.info("Holding the plan: {}", why);
    tell(l -> l.held(plan, why));
    return true;
  }

  /**
   * Why the controller does not apply {@code plan} by itself, in one line; {@code null} when it may. Held: a plan
   * with a blocker; a plan with a destructive action whose kind the policy does not name explicitly (the default
   * names none); a plan with an action of a kind outside the policy.
   */
  static String whyHeld(Plan plan, ControllerPolicy policy) {
    if (plan.hasBlockers()) {
      return "the plan has blockers: " + plan.blockers().stream().map(Finding::code)
          .collect(Collectors.joining(", ")) + " (" + oneLine(plan.blockers().get(0).message()) + ")";
    }
    List<String> destructive = plan.actions().stream()
        .filter(a -> a.change() == ChangeType.DELETE && !policy.allows(a.kind().name())).map(Action::id).toList();
    if (!destructive.isEmpty()) {
      return "the plan deletes " + destructive + ", and controller.autoApply does not name "
          + kinds(plan, destructive) + ": a person applies it";
    }
    List<String> outside = plan.actions().stream().filter(a -> !policy.allows(a.kind().name()))
        .map(Action::id).toList();
    if (!outside.isEmpty()) {
      return "the plan has " + outside + ", of kinds " + kinds(plan, outside) + " outside controller.autoApply "
          + policy.autoApply() + ": a person applies it";
    }
    return null;
  }

  private static List<String> kinds(Plan plan, List<String> ids) {
    return ids.stream().map(id -> plan.action(id).kind().name()).distinct().sorted().toList();
  }

  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }

  private void tell(Consumer<ControllerListener> call) {
    for (ControllerListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("A controller listener ({}) failed: {}", listener.getClass().getName(), e.toString());
      }
    }
  }

  /**
   * Stops the loop (a round under way finishes its current action first: the Reconciler stops before the next one,
   * since the lead is given up), closes the change sources' subscriptions and gives the lead up.
   */
  @Override
  public void close() {
    closed = true;
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.warn("Closing a change source failed: {}", e.toString());
      }
    }
    leadership.close();
    synchronized (monitor) {
      monitor.notifyAll();
    }
    if (loop.isAlive()) {
      loop.interrupt();
      try {
        loop.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException("interrupted while stopping the controller", e);
      }
    }
    if (!loop.isAlive()) {
      // A round that ended in a retry at once kept the apply Lease for it: no retry comes now.
      writeLock.roundEnded(false);
    }
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private HybridNetworkSpec spec;
    private Function<ApplyLock, Reconciler> writerWiring;
    private ApplyLock applyLock = ApplyLock.NONE;
    private ClusterObserver planningCluster;
    private CloudObserver planningCloud;
    private NetworkStatusObserver statusObserver;
    private final List<ChangeSource> sources = new ArrayList<>();
    private BooleanSupplier synced = () -> true;
    private Leadership leadership = Leadership.single();
    private final List<ControllerListener> listeners = new ArrayList<>();
    private ApplyOptions applyOptions = ApplyOptions.defaults();
    private String identity = "hybridcni-controller";
    private Duration debounce = Duration.ofSeconds(1);
    private Duration resync = Duration.ofMinutes(10);
    private Duration cloudPoll = Duration.ofMinutes(5);
    private double cloudPollJitter = 0.2;
    private Duration backoffInitial = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(5);
    private Ticker ticker = Ticker.SYSTEM;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    /** The spec to keep; its {@code controller.autoApply} says what may be repaired. Required. */
    public Builder spec(HybridNetworkSpec value) {
      this.spec = Objects.requireNonNull(value, "spec");
      return this;
    }

    /**
     * How repairs are written: {@code wiring} builds the Reconciler {@code hybridcni apply} would use (its cluster
     * observer live, reading the API server, its executors) around the lock it is given, which is {@code applyLock}
     * (the apply Lease, {@code kube-system/hybridcni-apply}, as {@code apply} takes it) guarded by the leadership.
     * Required; the default apply lock is none.
     */
    public Builder writer(ApplyLock applyLock, Function<ApplyLock, Reconciler> wiring) {
      this.applyLock = Objects.requireNonNull(applyLock, "applyLock");
      this.writerWiring = Objects.requireNonNull(wiring, "wiring");
      return this;
    }

    /**
     * What rounds plan from: the cluster (the informer caches; the live observer until they are wired) and the
     * cloud (read only when its poll is due). Required.
     */
    public Builder planning(ClusterObserver cluster, CloudObserver cloud) {
      this.planningCluster = Objects.requireNonNull(cluster, "cluster");
      this.planningCloud = Objects.requireNonNull(cloud, "cloud");
      return this;
    }

    /** Reads the running network each round for {@link ControllerListener#planned}'s status. Default: none. */
    public Builder status(NetworkStatusObserver value) {
      this.statusObserver = value;
      return this;
    }

    /** Adds sources of "something may have changed" (informer caches, watches). Default: none (resyncs only). */
    public Builder changes(ChangeSource... values) {
      sources.addAll(List.of(values));
      return this;
    }

    /** Whether the caches hold a first full view; no round plans before. Default: always. */
    public Builder synced(BooleanSupplier value) {
      this.synced = Objects.requireNonNull(value, "synced");
      return this;
    }

    /** Which replica writes. Default {@link Leadership#single()}: this one, without a Lease. */
    public Builder leadership(Leadership value) {
      this.leadership = Objects.requireNonNull(value, "leadership");
      return this;
    }

    /** Adds listeners (status, metrics, probes). Default: none. */
    public Builder listener(ControllerListener... values) {
      listeners.addAll(List.of(values));
      return this;
    }

    /**
     * The holder written on the apply Lease while this replica repairs, e.g. its pod name. Default
     * {@code hybridcni-controller}.
     */
    public Builder identity(String value) {
      this.identity = Objects.requireNonNull(value, "identity");
      return this;
    }

    /**
     * How repairs are applied (the holder is {@link #identity}'s): how long to wait for a CLI apply's Lease,
     * how long the closing check waits for pods. Default {@link ApplyOptions#defaults()}: no wait for the Lease (a
     * round that finds it held fails and is retried after the backoff), 5 minutes for pods.
     */
    public Builder applyOptions(ApplyOptions value) {
      this.applyOptions = Objects.requireNonNull(value, "applyOptions");
      return this;
    }

    /** How long after the last change of a burst the round comes. Default 1 s. */
    public Builder debounce(Duration value) {
      this.debounce = positive("debounce", value);
      return this;
    }

    /** How often a round comes without any change. Default 10 minutes. */
    public Builder resync(Duration value) {
      this.resync = positive("resync", value);
      return this;
    }

    /**
     * How often the Alibaba Cloud side is read again, and the jitter, a fraction in [0, 1) (e.g. 0.2 for ±20 %).
     * Default 5 minutes ± 20 %.
     */
    public Builder cloudPoll(Duration value, double jitter) {
      this.cloudPoll = positive("cloudPoll", value);
      if (!(jitter >= 0 && jitter < 1)) {
        throw new IllegalArgumentException("the cloud poll jitter must be in the range [0, 1), was " + jitter);
      }
      this.cloudPollJitter = jitter;
      return this;
    }

    /** The backoff after failed rounds: {@code initial}, doubling, never more than {@code max}. Default 1 s to 5 min. */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = positive("backoff", initial);
      this.backoffMax = positive("backoff max", max);
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the backoff's max (" + max + ") must be at least its initial (" + initial
            + ")");
      }
      return this;
    }

    /** The monotonic clock rounds are timed by. Default {@link Ticker#SYSTEM}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** Uniform in [0, 1), for the cloud poll's jitter. Default a thread-local random. */
    public Builder random(DoubleSupplier value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("the " + name + " must be positive, was " + value);
      }
      return value;
    }

    /** The controller, not started yet ({@link #start()}). */
    public HybridNetworkController build() {
      return new HybridNetworkController(this);
    }
  }
}
