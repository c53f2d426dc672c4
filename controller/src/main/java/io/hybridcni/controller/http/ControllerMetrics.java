package io.hybridcni.controller.http;

import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.NodeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller's loop as Prometheus metrics, through Micrometer. Every label takes its value from a closed set (an
 * outcome, an action kind, a node's location and health), never from a node name, a message or anything a cluster
 * supplies, so the number of series is fixed and nothing served can carry a secret. With the Prometheus naming
 * convention the meters below are scraped as:
 * <ul>
 *   <li>{@code hybridcni_rounds_total{outcome}}: plans made, by {@code no_changes}, {@code changes},
 *       {@code blocked}; and rounds that {@code failed} before or while applying;</li>
 *   <li>{@code hybridcni_repairs_total{result}}: applies the controller made by itself, by {@code converged},
 *       {@code not_converged}, {@code failed} (an action failed), {@code refused} (nothing ran: a stale or blocked
 *       plan), {@code stopped} (the apply Lease was lost part-way), {@code superseded} (refused as stale and planned
 *       again at once, see {@link ControllerListener#superseded});</li>
 *   <li>{@code hybridcni_held_total{reason}}: plans not applied, by {@code blocked}, {@code destructive},
 *       {@code not_allowed} (an action outside {@code controller.autoApply});</li>
 *   <li>{@code hybridcni_failures_total}: rounds that failed;</li>
 *   <li>{@code hybridcni_plan_actions{kind}}: the actions of the last plan, one series per action kind;</li>
 *   <li>{@code hybridcni_drifted}, {@code hybridcni_blocked}, {@code hybridcni_leader}: 0 or 1;</li>
 *   <li>{@code hybridcni_nodes{location, state}}: the nodes of the last network status, by {@code cloud} or
 *       {@code on_premises} and {@code healthy} or {@code problem};</li>
 *   <li>{@code hybridcni_reconcile_duration_seconds}: from a plan to the end of the repair it led to;</li>
 *   <li>{@code hybridcni_last_round_timestamp_seconds}: when the last plan was made (wall clock), for staleness
 *       alerts;</li>
 *   <li>the JVM and process meters of Micrometer's binders ({@code jvm_*}, {@code process_*}, {@code system_*}).</li>
 * </ul>
 * The duration is measured on the registry's clock between {@link #planned} and {@link #reconciled}, as the loop
 * calls them in that order within one round; a repair not preceded by a plan records no duration.
 *
 * <p>One per registry: Micrometer hands a second registration of the same gauge the first one's value, so two
 * instances on one registry would show only the first's gauges (a fleet needs a {@code cluster} label instead).
 */
public final class ControllerMetrics implements ControllerListener, AutoCloseable {

  private final MeterRegistry registry;
  private final Map<String, Counter> rounds = new HashMap<>();
  private final Map<String, Counter> repairs = new HashMap<>();
  private final Map<String, Counter> held = new HashMap<>();
  private final Counter failures;
  private final Map<ActionKind, AtomicInteger> planActions = new EnumMap<>(ActionKind.class);
  private final AtomicInteger drifted = new AtomicInteger();
  private final AtomicInteger blocked = new AtomicInteger();
  private final AtomicInteger leader = new AtomicInteger();
  private final Map<String, AtomicInteger> nodes = new LinkedHashMap<>();
  private final AtomicLong lastRoundMillis = new AtomicLong();
  private final Timer reconcileDuration;
  private final JvmGcMetrics gc;
  private long plannedAt = -1;

  /** Registers every meter on {@code registry} at once (so each series exists, at zero, from the first scrape). */
  public ControllerMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    for (String outcome : new String[] {"no_changes", "changes", "blocked", "failed"}) {
      rounds.put(outcome, Counter.builder("hybridcni.rounds").tag("outcome", outcome)
          .description("Controller rounds, by how they ended").register(registry));
    }
    for (String result : new String[] {"converged", "not_converged", "failed", "refused", "stopped",
        "superseded"}) {
      repairs.put(result, Counter.builder("hybridcni.repairs").tag("result", result)
          .description("Plans the controller applied by itself, by result").register(registry));
    }
    for (String reason : new String[] {"blocked", "destructive", "not_allowed"}) {
      held.put(reason, Counter.builder("hybridcni.held").tag("reason", reason)
          .description("Plans with changes the controller did not apply, by reason").register(registry));
    }
    failures = Counter.builder("hybridcni.failures").description("Rounds that failed before or while applying")
        .register(registry);
    for (ActionKind kind : ActionKind.values()) {
      AtomicInteger count = new AtomicInteger();
      planActions.put(kind, count);
      Gauge.builder("hybridcni.plan.actions", count, AtomicInteger::get).tag("kind", kind.name())
          .description("Actions of the last plan, by kind").register(registry);
    }
    Gauge.builder("hybridcni.drifted", drifted, AtomicInteger::get)
        .description("1 when the last plan had changes to make, else 0").register(registry);
    Gauge.builder("hybridcni.blocked", blocked, AtomicInteger::get)
        .description("1 when the last plan had a blocker, else 0").register(registry);
    Gauge.builder("hybridcni.leader", leader, AtomicInteger::get)
        .description("1 while this replica holds the controller Lease, else 0").register(registry);
    for (String location : new String[] {"cloud", "on_premises"}) {
      for (String state : new String[] {"healthy", "problem"}) {
        AtomicInteger count = new AtomicInteger();
        nodes.put(location + "/" + state, count);
        Gauge.builder("hybridcni.nodes", count, AtomicInteger::get).tag("location", location).tag("state", state)
            .description("Nodes of the last network status, by location and health").register(registry);
      }
    }
    Gauge.builder("hybridcni.last.round.timestamp", lastRoundMillis, m -> m.get() / 1000.0)
        .baseUnit("seconds").description("When the last plan was made, seconds since the epoch")
        .register(registry);
    reconcileDuration = Timer.builder("hybridcni.reconcile.duration")
        .description("From a plan to the end of the repair it led to").register(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  @Override
  public void leadership(boolean leading) {
    leader.set(leading ? 1 : 0);
  }

  @Override
  public void planned(Plan plan, NetworkStatus status) {
    rounds.get(switch (plan.outcome()) {
      case NO_CHANGES -> "no_changes";
      case CHANGES -> "changes";
      case ERROR_OR_BLOCKED -> "blocked";
    }).increment();
    showPlan(plan);
    if (status != null) {
      showNodes(status);
    }
    lastRoundMillis.set(registry.config().clock().wallTime());
    plannedAt = registry.config().clock().monotonicTime();
  }

  @Override
  public void held(Plan plan, String why) {
    // The reason comes from the plan, not from {@code why}: a label holds no free text.
    held.get(plan.hasBlockers() ? "blocked" : destructive(plan) ? "destructive" : "not_allowed").increment();
    plannedAt = -1;
  }

  @Override
  public void superseded(Plan plan, String why) {
    repairs.get("superseded").increment();
  }

  @Override
  public void reconciled(ReconcileResult result) {
    var apply = result.apply();
    String outcome = apply.refused() != null ? "refused" : apply.stopped() != null ? "stopped"
        : result.converged() ? "converged" : !apply.succeeded() ? "failed" : "not_converged";
    repairs.get(outcome).increment();
    if (plannedAt >= 0) {
      reconcileDuration.record(registry.config().clock().monotonicTime() - plannedAt, TimeUnit.NANOSECONDS);
      plannedAt = -1;
    }
    if (result.verification() != null) {
      showPlan(result.verification());
    }
    if (result.status() != null) {
      showNodes(result.status());
    }
  }

  @Override
  public void failed(Exception failure) {
    failures.increment();
    rounds.get("failed").increment();
    plannedAt = -1;
  }

  /** Unbinds the garbage-collection listener, the one binder that holds a resource. */
  @Override
  public void close() {
    gc.close();
  }

  private void showPlan(Plan plan) {
    Map<ActionKind, Integer> counts = new EnumMap<>(ActionKind.class);
    for (Action action : plan.actions()) {
      counts.merge(action.kind(), 1, Integer::sum);
    }
    planActions.forEach((kind, gauge) -> gauge.set(counts.getOrDefault(kind, 0)));
    drifted.set(plan.actions().isEmpty() ? 0 : 1);
    blocked.set(plan.hasBlockers() ? 1 : 0);
  }

  private void showNodes(NetworkStatus status) {
    Map<String, Integer> counts = new HashMap<>();
    for (NodeStatus node : status.nodes()) {
      counts.merge((node.cloud() ? "cloud" : "on_premises") + "/" + (node.problems().isEmpty() ? "healthy" : "problem"),
          1, Integer::sum);
    }
    nodes.forEach((key, gauge) -> gauge.set(counts.getOrDefault(key, 0)));
  }

  private static boolean destructive(Plan plan) {
    return plan.actions().stream().anyMatch(a -> a.change() == ChangeType.DELETE);
  }
}
