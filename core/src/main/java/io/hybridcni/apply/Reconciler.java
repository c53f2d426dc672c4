package io.hybridcni.apply;

import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.planner.Facts;
import io.hybridcni.planner.PlanCheck;
import io.hybridcni.planner.PlanSubset;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.CheckedReads;
import io.hybridcni.port.CloudObserver;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.port.NetworkStatusObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.StatusAnalyzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Observe, plan, apply exactly the plan, observe again and verify that nothing is left to do.
 *
 * <pre>{@code
 * Reconciler reconciler = Reconciler.builder()
 *     .cluster(kubernetesObserver).cloud(aliyunObserver)
 *     .executors(executors).lock(leaseLock)
 *     .build();
 * ReconcileResult result = reconciler.reconcile(spec, ApplyOptions.defaults());
 * }</pre>
 *
 * <p>Apply re-checks, before each action, the observed facts its fingerprint covers; changed facts stop that
 * action and its dependents as {@link OutcomeStatus#STALE}. After a failure the remaining actions are skipped,
 * unless {@link ApplyOptions#continueOnError()} lets independent actions whose facts still hold go on. Before each
 * action it also asks the held lock whether this process still holds it ({@link ApplyLock.Held#lost()}); once it
 * does not, that action and every later one are skipped with the reason, and {@link ApplyResult#stopped()} says it.
 */
public final class Reconciler {

  private static final Executor THREAD_PER_TASK = DaemonThreads.perTask("hybridcni-observe");

  private final ClusterObserver cluster;
  private final CloudObserver cloud;
  private final Map<ActionKind, ActionExecutor<?>> executors;
  private final Set<PlanKind> runs;
  private final ApplyLock lock;
  private final Planner planner;
  private final Executor observeExecutor;
  private final NetworkStatusObserver statusObserver;
  private final Sleeper sleeper;
  private final Duration statusPollInterval;

  private Reconciler(Builder b) {
    this.cluster = Objects.requireNonNull(b.cluster, "cluster observer");
    this.cloud = Objects.requireNonNull(b.cloud, "cloud observer");
    this.executors = b.checkedExecutors();
    this.runs = b.runs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(b.runs));
    this.lock = b.lock;
    this.planner = b.planner;
    this.observeExecutor = b.observeExecutor;
    this.statusObserver = b.statusObserver;
    this.sleeper = b.sleeper;
    this.statusPollInterval = b.statusPollInterval;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Observes the cluster and the cloud in parallel. */
  public ObservedState observe(HybridNetworkSpec spec) {
    return observe(spec, CheckedReads.NONE);
  }

  /** As {@link #observe(HybridNetworkSpec)}, keeping in {@code checked} what was read. */
  private ObservedState observe(HybridNetworkSpec spec, CheckedReads checked) {
    return inParallel(() -> cluster.observe(spec, checked), () -> cloud.observe(spec), null);
  }

  /**
   * {@code previous} with the parts {@code scope} names read again, both halves in parallel; a half the scope
   * does not touch is not read at all. Apply uses it before each action with the scope of that action's
   * fingerprint ({@link Facts#scope}), so re-checking a RAM action costs the one or two RAM reads its facts come
   * from instead of a whole observation of the cluster and the cloud.
   */
  public ObservedState refresh(HybridNetworkSpec spec, ObservedState previous, FactScope scope) {
    return refresh(spec, previous, scope, CheckedReads.NONE);
  }

  /** As {@link #refresh(HybridNetworkSpec, ObservedState, FactScope)}, keeping in {@code checked} what was read. */
  private ObservedState refresh(HybridNetworkSpec spec, ObservedState previous, FactScope scope,
      CheckedReads checked) {
    return inParallel(
        scope.touchesKubernetes() ? () -> cluster.refresh(spec, previous.kubernetes(), scope, checked) : null,
        scope.touchesCloud() ? () -> cloud.refresh(spec, previous.cloud(), scope) : null,
        previous);
  }

  /**
   * The state an apply of {@code plan} starts from when the caller read the cloud just before ({@code cloudRead}):
   * the cluster read in full, and of the cloud only the parts the plan's fingerprints name, read again now.
   */
  private ObservedState observe(HybridNetworkSpec spec, CheckedReads checked, Plan plan, CloudFacts cloudRead) {
    // PlanCheck refused a plan with an action without a fingerprint, or with a key Facts.scope would not take.
    FactScope relied = Facts.scope(plan.actions().stream().flatMap(a -> a.fingerprint().facts().keySet().stream())
        .toList());
    return inParallel(() -> cluster.observe(spec, checked),
        relied.touchesCloud() ? () -> cloud.refresh(spec, cloudRead, relied) : () -> cloudRead, null);
  }

  /** Whether an action of {@code plan} changes a cloud fact when it succeeds. */
  private static boolean writesCloud(Plan plan) {
    for (Action a : plan.actions()) {
      if (Facts.scope(Facts.writtenBy(a.detail())).touchesCloud()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The halves read at once on the observe executor and joined into one state; a {@code null} reader keeps that
   * half of {@code previous} unread (an observation has no previous and reads both). One join for observe and
   * refresh, so that both surface a failed read alike.
   */
  private ObservedState inParallel(Supplier<KubernetesFacts> k8s, Supplier<CloudFacts> cloudFacts,
      ObservedState previous) {
    CompletableFuture<KubernetesFacts> k8sFacts = k8s != null ? CompletableFuture.supplyAsync(k8s, observeExecutor)
        : CompletableFuture.completedFuture(previous.kubernetes());
    CompletableFuture<CloudFacts> cloudRead = cloudFacts != null
        ? CompletableFuture.supplyAsync(cloudFacts, observeExecutor)
        : CompletableFuture.completedFuture(previous.cloud());
    return ObservedState.of(join(k8sFacts), join(cloudRead));
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new HybridCniException("observation failed: " + e.getCause(), e.getCause());
    }
  }

  /** Observes and plans. */
  public Plan plan(HybridNetworkSpec spec) {
    return planner.plan(spec, observe(spec));
  }

  /**
   * Observes the cluster and plans with {@code cloud}, facts of the cloud its caller read earlier: for a caller that
   * polls the cloud on a schedule of its own and re-plans when the cluster changes (the controller), so that a
   * cluster-side repair does not wait for a whole cloud observation behind an account's rate limit. It can apply
   * nothing on those facts alone: {@link #apply} re-reads the facts each action's fingerprint names (cloud facts
   * included) before that action writes, and refuses the action as stale when they moved. An action the newer cloud
   * facts would add is planned by the next observation of the cloud.
   */
  public Plan plan(HybridNetworkSpec spec, CloudFacts cloud) {
    Objects.requireNonNull(cloud, "cloud");
    return planner.plan(spec, ObservedState.of(cluster.observe(spec), cloud));
  }

  /** Whether {@link #status} can read the running network (a {@link NetworkStatusObserver} is wired). */
  public boolean readsStatus() {
    return statusObserver != null;
  }

  /**
   * Observes the running network and judges it node by node ({@link StatusAnalyzer}), in the scenario the planner
   * would plan for: the spec's {@code network.mode}, or the detected one. Read-only; the cloud is not read.
   *
   * @throws IllegalStateException when no {@link NetworkStatusObserver} was wired
   */
  public NetworkStatus status(HybridNetworkSpec spec) {
    requireStatusObserver();
    return status(spec, cluster.observe(spec));
  }

  /**
   * Judges the running network as {@link #status(HybridNetworkSpec)} does, from cluster facts just observed (the
   * nodes and the CNI DaemonSets found there), so that a caller that observed the cluster already does not
   * observe it again; the DaemonSets' status and pods are read now.
   *
   * @throws IllegalStateException when no {@link NetworkStatusObserver} was wired
   */
  public NetworkStatus status(HybridNetworkSpec spec, KubernetesFacts facts) {
    requireStatusObserver();
    ObservedState state = ObservedState.of(facts, new CloudFacts(null, null, List.of()));
    return new StatusAnalyzer(spec.cloudNodeLabel()).analyze(Planner.scenario(spec, state),
        statusObserver.observe(spec, facts));
  }

  private void requireStatusObserver() {
    if (statusObserver == null) {
      throw new IllegalStateException("no network status observer is wired: Reconciler.builder().status(...)");
    }
  }

  /** Observes and plans the destroy of what hybridcni manages ({@link Planner#planDestroy}). */
  public Plan planDestroy(HybridNetworkSpec spec) {
    return planner.planDestroy(spec, observe(spec));
  }

  /**
   * Observes and plans the destroy, keeping only the actions of {@code only} ({@link PlanSubset#only}); all of it
   * when {@code only} is empty.
   *
   * @throws InvalidInputException naming {@code --only} when a kept action depends on one left out
   */
  public Plan planDestroy(HybridNetworkSpec spec, Set<ActionKind> only) {
    ObservedState state = observe(spec);
    return restricted(planner.planDestroy(spec, state), only, spec, state);
  }

  private static Plan restricted(Plan plan, Set<ActionKind> only, HybridNetworkSpec spec, ObservedState state) {
    return only.isEmpty() ? plan : PlanSubset.only("--only", plan, only, spec, state);
  }

  /**
   * As {@link #destroy(HybridNetworkSpec, ApplyOptions)}, but only the actions of {@code only} are planned,
   * applied and verified.
   */
  public ReconcileResult destroy(HybridNetworkSpec spec, ApplyOptions options, Set<ActionKind> only) {
    Plan plan = planDestroy(spec, only);
    if (plan.isEmpty()) {
      return new ReconcileResult(plan, new ApplyResult(List.of(), options.dryRun(), null), plan, true,
          "nothing to do");
    }
    ApplyResult applied = execute(spec, plan, PlanKind.DESTROY, options, null);
    if (options.dryRun()) {
      return new ReconcileResult(plan, applied, null, false, "dry run: nothing was changed");
    }
    return verify(spec, plan, applied, options, only);
  }

  /** Plans and applies, then observes again and verifies that the new plan is empty. */
  public ReconcileResult reconcile(HybridNetworkSpec spec, ApplyOptions options) {
    return run(spec, options, PlanKind.APPLY, this::plan);
  }

  /**
   * Plans the destroy of what hybridcni manages and applies it, then observes again and verifies that the new
   * destroy plan is empty: nothing of hybridcni's is left.
   */
  public ReconcileResult destroy(HybridNetworkSpec spec, ApplyOptions options) {
    return run(spec, options, PlanKind.DESTROY, this::planDestroy);
  }

  private ReconcileResult run(HybridNetworkSpec spec, ApplyOptions options, PlanKind kind,
      Function<HybridNetworkSpec, Plan> planning) {
    Plan plan = planning.apply(spec);
    if (plan.isEmpty()) {
      return new ReconcileResult(plan, new ApplyResult(List.of(), options.dryRun(), null), plan, true,
          "nothing to do");
    }
    ApplyResult applied = execute(spec, plan, kind, options, null);
    if (options.dryRun()) {
      return new ReconcileResult(plan, applied, null, false, "dry run: nothing was changed");
    }
    return verify(spec, plan, applied, options);
  }

  /**
   * The closing check of an apply or destroy of {@code plan} (made now or saved earlier) that gave
   * {@code applied}: observes once and plans again ({@link #plan} or {@link #planDestroy}, as {@code plan}'s kind
   * says). Converged when that plan is empty, every step succeeded (or the plan was refused as stale and another
   * writer converged it) and, for an apply with a {@link NetworkStatusObserver} wired, the running network is
   * healthy, judged from the same observation. Problems that the cluster's controllers settle by themselves
   * ({@link NetworkStatus#mayClearWithTime()}: a Terway pod not Ready yet right after the addon turned active, a
   * rollout under way) are waited for up to {@link ApplyOptions#statusTimeout()}, polling every
   * {@link Builder#statusPollInterval} through the builder's {@link Sleeper} and telling
   * {@link ApplyListener#waitingForStatus}; a lasting problem (an ECS node without the cloud label, an on-premises
   * node with it) ends the wait at once.
   */
  public ReconcileResult verify(HybridNetworkSpec spec, Plan plan, ApplyResult applied, ApplyOptions options) {
    return verify(spec, plan, applied, options, Set.of(), null);
  }

  /**
   * As {@link #verify(HybridNetworkSpec, Plan, ApplyResult, ApplyOptions)} after {@link #apply(HybridNetworkSpec,
   * Plan, ApplyOptions, CloudFacts)} with the cloud facts {@code cloudRead} the caller read before it: when no
   * action of {@code plan} writes a cloud fact ({@link Facts#writtenBy}), the plan made afterwards is made from the
   * cluster read again and those cloud facts, since nothing this apply did can have moved the cloud; otherwise the
   * cloud is read again too.
   */
  public ReconcileResult verify(HybridNetworkSpec spec, Plan plan, ApplyResult applied, ApplyOptions options,
      CloudFacts cloudRead) {
    return verify(spec, plan, applied, options, Set.of(), Objects.requireNonNull(cloudRead, "cloudRead"));
  }

  /**
   * As {@link #verify(HybridNetworkSpec, Plan, ApplyResult, ApplyOptions)} for a destroy plan kept to the actions
   * of {@code only} ({@link #planDestroy(HybridNetworkSpec, Set)}): the plan made afterwards is kept to them too.
   */
  public ReconcileResult verify(HybridNetworkSpec spec, Plan plan, ApplyResult applied, ApplyOptions options,
      Set<ActionKind> only) {
    return verify(spec, plan, applied, options, only, null);
  }

  private ReconcileResult verify(HybridNetworkSpec spec, Plan plan, ApplyResult applied, ApplyOptions options,
      Set<ActionKind> only, CloudFacts cloudRead) {
    ObservedState state = cloudRead != null && !plan.destroy() && !writesCloud(plan)
        ? ObservedState.of(cluster.observe(spec), cloudRead) : observe(spec);
    Plan verification = plan.destroy() ? restricted(planner.planDestroy(spec, state), only, spec, state)
        : planner.plan(spec, state);
    // An empty verification plan does not hide a failed or skipped step: its answer may have been lost after
    // the write, or another process may have done the work; either way this apply did not do what it planned.
    List<String> notDone = applied.outcomes().stream().filter(o -> !o.succeeded())
        .map(o -> o.actionId() + " " + o.status()).toList();
    // A plan refused as stale wrote nothing: when the plan made afterwards is empty, another writer (waited for on
    // the Lease) took the cluster there, and it is converged all the same; a step that failed or was skipped is not.
    // (A refusal comes before any action runs, so its outcomes are all STALE or SKIPPED.)
    boolean planConverged = verification.actions().isEmpty() && !verification.hasBlockers()
        && (notDone.isEmpty() || applied.refused() != null) && applied.stopped() == null;
    NetworkStatus status = null;
    String statusWhy = null;
    if (planConverged && !plan.destroy() && statusObserver != null) {
      status = status(spec, state.kubernetes());
      Duration waited = Duration.ZERO;
      while (status.mayClearWithTime() && waited.compareTo(options.statusTimeout()) < 0) {
        options.listener().waitingForStatus(status, waited, options.statusTimeout());
        Duration step = statusPollInterval.compareTo(options.statusTimeout().minus(waited)) < 0
            ? statusPollInterval : options.statusTimeout().minus(waited);
        try {
          sleeper.sleep(step);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        waited = waited.plus(step);
        status = status(spec, cluster.observe(spec));
      }
      if (!status.healthy()) {
        statusWhy = "the running network is not right on node(s) " + status.nodesWithProblems().stream()
            .map(n -> n.name()).toList() + " " + status.problemCodes()
            + (status.mayClearWithTime() ? " after waiting " + waited : "");
      }
    }
    boolean converged = planConverged && statusWhy == null;
    String why;
    if (converged && applied.refused() != null) {
      why = "converged: the plan made after apply is empty, though this run wrote nothing (" + applied.refused()
          + ")";
    } else if (converged) {
      why = "converged: the " + (plan.destroy() ? "destroy " : "") + "plan made after apply is empty"
          + (status != null ? " and the running network is healthy" : "");
    } else if (planConverged) {
      why = "not converged: the plan made after apply is empty, but " + statusWhy;
    } else if (applied.refused() != null) {
      List<String> left = new ArrayList<>(verification.actions().stream().map(Action::id).toList());
      verification.blockers().forEach(f -> left.add("blocker " + f.code()));
      why = applied.refused() + (left.isEmpty() ? "" : "; still to do " + left);
    } else if (applied.stopped() != null) {
      why = "apply stopped: " + applied.stopped();
    } else if (verification.actions().isEmpty() && !verification.hasBlockers()) {
      why = "not converged: the plan made after apply is empty, but not every step succeeded " + notDone;
    } else {
      List<String> left = new ArrayList<>(verification.actions().stream().map(Action::id).toList());
      verification.blockers().forEach(f -> left.add("blocker " + f.code()));
      why = "not converged: still to do " + left;
    }
    return new ReconcileResult(plan, applied, verification, converged, why, status);
  }

  /**
   * Applies exactly this {@link PlanKind#APPLY} plan (made now, or saved earlier) for {@code spec}. Refused, before
   * the apply lock is taken and with nothing written: a plan {@link PlanCheck} finds unfit (a destroy plan, a plan
   * for another cluster or made from another spec, naming the fields that differ, or a malformed one: duplicate ids,
   * unknown dependencies, an action without the fingerprint of the facts it relies on, ...); a plan with blockers;
   * and a plan whose facts changed since it was made, listing them, unless {@code continueOnError} lets the
   * unaffected actions run.
   */
  public ApplyResult apply(HybridNetworkSpec spec, Plan plan, ApplyOptions options) {
    return execute(spec, plan, PlanKind.APPLY, options, null);
  }

  /**
   * As {@link #apply(HybridNetworkSpec, Plan, ApplyOptions)} for a caller that read the cloud moments ago
   * ({@code cloudRead}, as a controller's round does) and planned from it: the apply reads the cluster in full
   * before its first action, as always, but of the cloud only the parts the plan's fingerprints name (none for a
   * plan of Kubernetes actions), each action's own re-check unchanged. A plan saved earlier has no such facts: apply
   * it with the method above.
   */
  public ApplyResult apply(HybridNetworkSpec spec, Plan plan, ApplyOptions options, CloudFacts cloudRead) {
    return execute(spec, plan, PlanKind.APPLY, options, Objects.requireNonNull(cloudRead, "cloudRead"));
  }

  /**
   * Applies exactly this {@link PlanKind#DESTROY} plan (from {@link #planDestroy}, now or saved earlier) for
   * {@code spec}, refused as {@link #apply} refuses a plan, an apply plan included.
   */
  public ApplyResult destroy(HybridNetworkSpec spec, Plan plan, ApplyOptions options) {
    return execute(spec, plan, PlanKind.DESTROY, options, null);
  }

  /**
   * The executor that runs actions of {@code kind}, empty when none is wired (a {@link Builder#planOnly()}
   * reconciler, a kind declared {@link Builder#unwired}). For a wiring's own tests: apply finds it the same way.
   */
  public Optional<ActionExecutor<?>> executor(ActionKind kind) {
    return Optional.ofNullable(executors.get(Objects.requireNonNull(kind, "kind")));
  }

  /** The plan kinds this reconciler applies; empty for one built {@link Builder#planOnly()}. */
  public Set<PlanKind> runs() {
    return runs;
  }

  /**
   * Refuses, before the lock is taken, to execute a plan of a kind this reconciler was not wired for. Only a plan with
   * actions gets here: a {@link Builder#planOnly()} reconciler may still {@link #reconcile} a converged cluster (an
   * empty plan, nothing to do), as the no-op benchmark does.
   */
  private void requireRuns(PlanKind purpose) {
    if (!runs.contains(purpose)) {
      throw new IllegalStateException("this Reconciler was built to run " + (runs.isEmpty() ? "no plans (planOnly())"
          : runs + " plans only") + "; it cannot run a " + purpose + " plan: wire its executors in "
          + "Reconciler.builder()");
    }
  }

  private ApplyResult execute(HybridNetworkSpec spec, Plan plan, PlanKind purpose, ApplyOptions options,
      CloudFacts cloudRead) {
    requireRuns(purpose);
    List<InvalidInputException.Problem> problems = PlanCheck.problems("the plan", plan, purpose, spec);
    if (!problems.isEmpty()) {
      return refuse(plan, options, "the plan cannot run as "
          + (purpose == PlanKind.APPLY ? "an " : "a ") + purpose + " plan for this spec: " + problems.stream()
          .map(p -> p.field() + ": " + p.expected()).collect(Collectors.joining("; ")));
    }
    if (plan.hasBlockers()) {
      return refuse(plan, options, "the plan has blockers: "
          + plan.blockers().stream().map(Finding::code).collect(Collectors.joining(", ")));
    }
    ApplyLock effective = options.dryRun() ? ApplyLock.NONE : lock;
    try (ApplyLock.Held held = effective.acquire(options.holder(), options.waitForLock())) {
      return new Run(spec, plan, options, held, cloudRead).execute();
    }
  }

  private static ApplyResult refuse(Plan plan, ApplyOptions options, String reason) {
    List<ActionOutcome> outcomes = plan.actions().stream()
        .map(a -> new ActionOutcome(a.id(), OutcomeStatus.SKIPPED, reason, null, null, List.of(), null)).toList();
    return new ApplyResult(outcomes, options.dryRun(), reason);
  }

  /** One apply of one plan. */
  private final class Run {
    private final HybridNetworkSpec spec;
    private final Plan plan;
    private final ApplyOptions options;
    private final ApplyLock.Held held;
    /** The cloud as the caller read it just before, or {@code null}: then the apply reads the whole cloud. */
    private final CloudFacts cloudRead;
    private final Map<String, ActionOutcome> outcomes = new HashMap<>();
    private String stoppedBy;
    private String lockLost;

    Run(HybridNetworkSpec spec, Plan plan, ApplyOptions options, ApplyLock.Held held, CloudFacts cloudRead) {
      this.spec = spec;
      this.plan = plan;
      this.options = options;
      this.held = held;
      this.cloudRead = cloudRead;
    }

    ApplyResult execute() {
      CheckedReads observed = CheckedReads.collecting();
      ObservedState now = cloudRead == null ? observe(spec, observed) : observe(spec, observed, plan, cloudRead);
      Map<String, List<String>> stale = new HashMap<>();
      for (Action a : plan.actions()) {
        List<String> changed = changedFacts(a, now);
        if (!changed.isEmpty()) {
          stale.put(a.id(), changed);
        }
      }
      if (!stale.isEmpty() && !options.continueOnError()) {
        String reason = "the plan is stale: " + stale.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + " (" + String.join("; ", e.getValue()) + ")").collect(Collectors.joining(", "));
        List<ActionOutcome> list = new ArrayList<>();
        for (Action a : plan.actions()) {
          List<String> changed = stale.get(a.id());
          list.add(changed != null
              ? new ActionOutcome(a.id(), OutcomeStatus.STALE, "facts changed since planning", null, null, changed,
                  null)
              : new ActionOutcome(a.id(), OutcomeStatus.SKIPPED, "the plan is stale", null, null, List.of(), null));
        }
        return new ApplyResult(list, options.dryRun(), reason);
      }
      boolean first = true;
      for (Action a : plan.actions()) {
        // What the observation (for the first action) or the re-check read goes to this action's executor alone,
        // which may write from it on its first attempt: it was read after every earlier action ended.
        CheckedReads checked = first ? observed : CheckedReads.NONE;
        if (!first && stale.get(a.id()) == null && a.fingerprint() != null) {
          // Earlier actions changed the world: read again the facts this action relies on, and only those.
          checked = CheckedReads.collecting();
          now = refresh(spec, now, Facts.scope(a.fingerprint().facts().keySet()), checked);
        }
        first = false;
        outcomes.put(a.id(), run(a, now, stale.get(a.id()), checked));
      }
      return new ApplyResult(plan.actions().stream().map(a -> outcomes.get(a.id())).toList(), options.dryRun(),
          null, lockLost);
    }

    private ActionOutcome run(Action a, ObservedState now, List<String> knownStale, CheckedReads checked) {
      // Another apply may hold the lock by now: no action may start, whatever continueOnError says.
      if (lockLost == null) {
        lockLost = held.lost().map(why -> "lost the apply Lease: " + why).orElse(null);
      }
      if (lockLost != null) {
        return new ActionOutcome(a.id(), OutcomeStatus.SKIPPED, lockLost, null, null, List.of(), null);
      }
      for (String dependency : a.dependsOn()) {
        ActionOutcome o = outcomes.get(dependency);
        if (o == null || !o.succeeded()) {
          return new ActionOutcome(a.id(), OutcomeStatus.SKIPPED, "dependency " + dependency + " did not succeed",
              null, dependency, List.of(), null);
        }
      }
      if (stoppedBy != null) {
        return new ActionOutcome(a.id(), OutcomeStatus.SKIPPED, "apply stopped after " + stoppedBy + " failed",
            null, null, List.of(), null);
      }
      List<String> changed = knownStale != null ? knownStale : changedFacts(a, now);
      if (!changed.isEmpty()) {
        stop(a);
        return new ActionOutcome(a.id(), OutcomeStatus.STALE, "facts changed since planning", null, null, changed,
            null);
      }
      // build() made sure of one executor per kind; a kind declared unwired() or a hand-made plan still ends here.
      ActionExecutor<?> executor = executors.get(a.kind());
      if (executor == null) {
        stop(a);
        return new ActionOutcome(a.id(), OutcomeStatus.FAILED, "no executor handles " + a.kind(),
            new HybridCniException("no executor handles " + a.kind()), null, List.of(), null);
      }
      options.listener().actionStarted(a);
      try {
        StepResult step = executor.run(a, new ExecutionContext(options.dryRun(), options.listener(), held, checked));
        options.listener().actionFinished(a, step);
        OutcomeStatus status = switch (step.status()) {
          case APPLIED -> OutcomeStatus.APPLIED;
          case ALREADY_SATISFIED -> OutcomeStatus.ALREADY_SATISFIED;
          case DRY_RUN -> OutcomeStatus.DRY_RUN;
        };
        return new ActionOutcome(a.id(), status, step.message(), null, null, List.of(), step);
      } catch (StaleActionException e) {
        options.listener().actionFailed(a, e);
        stop(a);
        return new ActionOutcome(a.id(), OutcomeStatus.STALE, e.getMessage(), e, null, e.changedFacts(), null);
      } catch (RuntimeException e) {
        options.listener().actionFailed(a, e);
        stop(a);
        return new ActionOutcome(a.id(), OutcomeStatus.FAILED, String.valueOf(e.getMessage()), e, null, List.of(),
            null);
      }
    }

    private void stop(Action a) {
      if (!options.continueOnError() && stoppedBy == null) {
        stoppedBy = a.id();
      }
    }
  }

  /** The facts of the action's fingerprint whose value is different now, as "key: was X, now Y". */
  static List<String> changedFacts(Action action, ObservedState now) {
    List<String> changed = new ArrayList<>();
    if (action.fingerprint() == null) {
      // PlanCheck refuses such a plan before it gets here: no fingerprint never means "nothing to re-check".
      throw new IllegalStateException("action " + action.id() + " carries no fingerprint");
    }
    for (Map.Entry<String, String> fact : action.fingerprint().facts().entrySet()) {
      String current = Facts.read(fact.getKey(), now);
      if (!current.equals(fact.getValue())) {
        changed.add(fact.getKey() + ": was " + fact.getValue() + ", now " + current);
      }
    }
    return changed;
  }

  /** Wires a {@link Reconciler}. */
  public static final class Builder {
    private ClusterObserver cluster;
    private CloudObserver cloud;
    private final List<ActionExecutor<?>> executors = new ArrayList<>();
    private final Set<PlanKind> runs = EnumSet.allOf(PlanKind.class);
    private final Set<ActionKind> unwired = EnumSet.noneOf(ActionKind.class);
    private boolean planOnly;
    private ApplyLock lock = ApplyLock.NONE;
    private Planner planner = new Planner();
    private Executor observeExecutor = THREAD_PER_TASK;
    private NetworkStatusObserver statusObserver;
    private Sleeper sleeper = Sleeper.REAL;
    private Duration statusPollInterval = Duration.ofSeconds(5);

    private Builder() {}

    /** How the closing check waits between polls of the running network. Default {@link Sleeper#REAL}. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** How often the closing check reads the running network again while it waits. Default 5 seconds. */
    public Builder statusPollInterval(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("statusPollInterval must be positive, found " + value);
      }
      this.statusPollInterval = value;
      return this;
    }

    /** The Kubernetes observer. Required. */
    public Builder cluster(ClusterObserver value) {
      this.cluster = value;
      return this;
    }

    /** The Alibaba Cloud observer. Required. */
    public Builder cloud(CloudObserver value) {
      this.cloud = value;
      return this;
    }

    /**
     * Executors for the action kinds: exactly one for every kind of the plan kinds this reconciler {@link #runs},
     * checked by {@link #build()}.
     */
    public Builder executors(List<? extends ActionExecutor<?>> value) {
      value.forEach(this::executor);
      return this;
    }

    /** One more executor; see {@link #executors}. */
    public Builder executor(ActionExecutor<?> value) {
      executors.add(Objects.requireNonNull(value, "executor"));
      return this;
    }

    /**
     * The plan kinds this reconciler applies ({@link #apply}, {@link #destroy}, {@link #reconcile}); the others are
     * refused at once. Default every {@link PlanKind}. {@link #build()} requires an executor for each action kind of
     * these plan kinds.
     */
    public Builder runs(PlanKind first, PlanKind... more) {
      runs.clear();
      runs.add(Objects.requireNonNull(first, "plan kind"));
      runs.addAll(List.of(more));
      return this;
    }

    /**
     * A reconciler that only observes and plans ({@code plan}, {@code status}): it takes no executors and refuses
     * every apply and destroy. Saying so is required: a builder with no executors is otherwise an error at
     * {@link #build()}, so that forgotten executors show at wiring time and not in the middle of an apply.
     */
    public Builder planOnly() {
      this.planOnly = true;
      runs.clear();
      return this;
    }

    /**
     * Action kinds this reconciler deliberately has no executor for, though its plan kinds may hold them (a test bed
     * of one side of the system). {@link #build()} does not ask an executor for them; an action of such a kind fails
     * when apply reaches it, naming the kind. Default none.
     */
    public Builder unwired(Set<ActionKind> kinds) {
      unwired.addAll(kinds);
      return this;
    }

    /**
     * The executor of each kind, or the one-line reason this wiring cannot apply what it says it runs: a kind
     * without an executor, a kind with more than one, or an executor whose detail type is not its kind's.
     */
    private Map<ActionKind, ActionExecutor<?>> checkedExecutors() {
      if (planOnly) {
        if (!executors.isEmpty()) {
          throw new IllegalStateException("Reconciler.builder(): planOnly() takes no executors, found "
              + executors.size());
        }
        return Map.of();
      }
      if (executors.isEmpty()) {
        throw new IllegalStateException("Reconciler.builder(): no executors; wire executors(...) for "
            + runs + " plans, or say planOnly() for a reconciler that only plans");
      }
      Map<ActionKind, ActionExecutor<?>> byKind = new EnumMap<>(ActionKind.class);
      Set<ActionKind> duplicated = EnumSet.noneOf(ActionKind.class);
      List<String> mistyped = new ArrayList<>();
      for (ActionExecutor<?> executor : executors) {
        for (ActionKind kind : executor.kinds()) {
          if (byKind.putIfAbsent(kind, executor) != null) {
            duplicated.add(kind);
          }
          if (!executor.detailType().isAssignableFrom(kind.detailType())) {
            mistyped.add(kind + " carries " + kind.detailType().getSimpleName() + ", its executor reads "
                + executor.detailType().getSimpleName());
          }
        }
      }
      Set<ActionKind> missing = EnumSet.noneOf(ActionKind.class);
      for (ActionKind kind : ActionKind.values()) {
        if (runs.stream().anyMatch(kind::belongsTo) && !byKind.containsKey(kind) && !unwired.contains(kind)) {
          missing.add(kind);
        }
      }
      List<String> problems = new ArrayList<>();
      if (!missing.isEmpty()) {
        problems.add("no executor for " + missing);
      }
      if (!duplicated.isEmpty()) {
        problems.add("more than one executor for " + duplicated);
      }
      problems.addAll(mistyped);
      if (!problems.isEmpty()) {
        throw new IllegalStateException("Reconciler.builder(): executors for " + runs + " plans must run every "
            + "action kind exactly once: " + String.join("; ", problems));
      }
      return byKind;
    }

    /** The apply lock. Default {@link ApplyLock#NONE}: no locking. */
    public Builder lock(ApplyLock value) {
      this.lock = Objects.requireNonNull(value, "lock");
      return this;
    }

    /** Where observations run. Default: a new daemon thread per observation. */
    public Builder observeExecutor(Executor value) {
      this.observeExecutor = Objects.requireNonNull(value, "observeExecutor");
      return this;
    }

    /** The observer of the running network, for {@link #status}. Optional. */
    public Builder status(NetworkStatusObserver value) {
      this.statusObserver = Objects.requireNonNull(value, "status observer");
      return this;
    }

    /**
     * The reconciler, once its wiring can do what it says: for each action kind of the plan kinds it
     * {@link #runs}, exactly one executor reading that kind's detail type (kinds declared {@link #unwired} aside),
     * or {@link #planOnly()} and no executors.
     *
     * @throws IllegalStateException in one line naming the kinds without an executor, with more than one, or with
     *     an executor of the wrong detail type; or naming the missing observer
     */
    public Reconciler build() {
      return new Reconciler(this);
    }
  }
}
