package io.hybridcni.controller.resource;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.controller.ControllerListener;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.Sensitive;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.NodeStatus;
import io.hybridcni.text.Printable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what the controller's loop reports into the {@code status} subresource of one {@link HybridNetwork}: the
 * conditions {@link ConditionType#Ready Ready}, {@link ConditionType#Drifted Drifted},
 * {@link ConditionType#Blocked Blocked} and {@link ConditionType#Degraded Degraded} with CamelCase reasons, the
 * generation of the spec they were judged from, the last plan's summary, the node health counts and the leader.
 *
 * <p>Every round of the loop ends with exactly one of {@code planned} (an empty plan, also when the live re-plan of a
 * round found nothing left to do), {@code held}, {@code reconciled} or {@code failed}; {@code planned} with work to do
 * is always followed by one of the others, or by {@code superseded}, after which the next round comes at once and ends
 * as these do (nothing is written for a superseded round: its work is still to do). So the
 * writer judges on every call but writes only when a round ends, and only when the status it would write differs from
 * the one it last read or wrote: a steady cluster costs no write at all, and a round never writes a half-judged
 * status. {@code lastTransitionTime} moves only when a condition's status changes ({@link StatusConditions}), and the
 * last plan keeps its time while the same plan is made again.
 *
 * <p>A write is an {@code updateStatus()} carrying the {@code resourceVersion} last read, so a concurrent change is a
 * 409 and never lost; on a 409 the resource is read again and the judgement applied to it. Only the replica that
 * leads writes ({@link #leadership(boolean)}). A write that fails is logged and tried again when the next round ends;
 * nothing here throws into the loop. Every message passes the project's {@link Sensitive} masking before it is
 * written, since finding texts and exceptions may echo what a server was sent.
 */
public final class HybridNetworkStatusWriter implements ControllerListener {

  private static final Logger LOG = LoggerFactory.getLogger(HybridNetworkStatusWriter.class);
  /** A condition's message is for people; an API server accepts up to 32768 characters, a terminal fewer. */
  static final int MAX_MESSAGE = 1024;
  private static final int MAX_ATTEMPTS = 3;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Clock clock;
  private final Supplier<Sensitive> sensitive;
  private final LongSupplier specGeneration;

  /** What the loop said last, per condition type; applied to the resource's conditions when a round ends. */
  private final Map<ConditionType, Wanted> wanted = new EnumMap<>(ConditionType.class);
  private String scenario;
  private HybridNetworkResourceStatus.LastPlan lastPlan;
  private HybridNetworkResourceStatus.NodeHealth nodes;
  private boolean leading;
  /** The resource as last read or written; {@code null} when it must be read again. */
  private HybridNetwork known;
  private String lastFailure;

  private record Wanted(String status, String reason, String message) {}

  /**
   * A writer for the resource {@code namespace/name}. {@code identity} names this replica in {@code status.leader};
   * {@code sensitive} gives the values to mask at the time of each write (the AccessKey the controller holds, say);
   * {@code specGeneration} is the {@code metadata.generation} of the spec the loop plans with
   * ({@link HybridNetworkSource#generation()}), or {@code null} when the spec comes from a file, in which case the
   * resource's own generation is written.
   */
  public HybridNetworkStatusWriter(KubernetesClient client, String namespace, String name, String identity,
      Clock clock, Supplier<Sensitive> sensitive, LongSupplier specGeneration) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sensitive = Objects.requireNonNull(sensitive, "sensitive");
    this.specGeneration = specGeneration;
  }

  /** Writing starts when this replica leads and stops when it no longer does; the new leader then writes. */
  @Override
  public synchronized void leadership(boolean leading) {
    this.leading = leading;
    known = null;
    if (leading) {
      flush();
    }
  }

  @Override
  public synchronized void planned(Plan plan, NetworkStatus status) {
    scenario = plan.scenario().scenario().name();
    lastPlan = summary(plan);
    if (status != null) {
      nodes = health(status);
    }
    if (plan.isEmpty()) {
      if (status == null || status.healthy()) {
        want(ConditionType.Ready, true, "Converged", "The network is as the spec says"
            + (status == null ? "." : " and runs healthy."));
      } else {
        want(ConditionType.Ready, false, "NetworkUnhealthy", "The plan is empty but the running network has "
            + "problems: " + String.join(", ", status.problemCodes()) + ".");
      }
      want(ConditionType.Drifted, false, "NoChanges", "The last plan has no action.");
      want(ConditionType.Blocked, false, "NotBlocked", "The last plan has no blocker.");
      want(ConditionType.Degraded, false, "RoundSucceeded", "The last round planned without error.");
      flush();
      return;
    }
    // Work to do: held, reconciled or failed follows in this round and ends it.
    if (!plan.actions().isEmpty()) {
      want(ConditionType.Drifted, true, "PlanHasChanges", changes(plan));
    } else {
      want(ConditionType.Drifted, false, "NoChanges", "The last plan has no action.");
    }
    if (plan.hasBlockers()) {
      want(ConditionType.Ready, false, "PlanBlocked", blockers(plan));
      want(ConditionType.Blocked, true, "PlanBlocked", blockers(plan));
    } else {
      want(ConditionType.Ready, false, "PlanHasChanges", changes(plan));
    }
  }

  @Override
  public synchronized void held(Plan plan, String why) {
    String reason = plan.hasBlockers() ? "PlanBlocked" : "HeldByPolicy";
    String message = plan.hasBlockers() ? blockers(plan) : why;
    want(ConditionType.Blocked, true, reason, message);
    want(ConditionType.Ready, false, reason, message);
    want(ConditionType.Degraded, false, "RoundSucceeded", "The last round planned without error.");
    flush();
  }

  @Override
  public synchronized void reconciled(ReconcileResult result) {
    lastPlan = summary(result.plan());
    scenario = result.plan().scenario().scenario().name();
    if (result.status() != null) {
      nodes = health(result.status());
    }
    want(ConditionType.Blocked, false, "NotBlocked", "The last plan had no blocker and was applied.");
    if (result.converged()) {
      want(ConditionType.Ready, true, "Converged", "Repaired: " + kinds(result.plan()) + "; the network is as the "
          + "spec says.");
      want(ConditionType.Drifted, false, "Repaired", "Repaired: " + kinds(result.plan()) + ".");
      want(ConditionType.Degraded, false, "RoundSucceeded", "The last repair converged.");
    } else {
      String why = result.why() == null ? "the repair did not converge" : result.why();
      want(ConditionType.Ready, false, "RepairFailed", why);
      want(ConditionType.Drifted, true, "RepairFailed", why);
      want(ConditionType.Degraded, true, "RepairFailed", why);
    }
    flush();
  }

  @Override
  public synchronized void failed(Exception failure) {
    if (failure instanceof InvalidInputException invalid) {
      String message = ResourceSpecs.oneLine(invalid);
      want(ConditionType.Ready, false, "InvalidSpec", message);
      want(ConditionType.Degraded, true, "InvalidSpec", message);
    } else {
      // Ready keeps what the last round found: a failed read says nothing about the network itself.
      String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
      want(ConditionType.Degraded, true, "RoundFailed", message);
    }
    flush();
  }

  /**
   * The cluster cannot be kept at all, before any round could run (the fleet mode: its kubeconfig Secret is missing
   * or unusable): Degraded and not Ready, both with {@code reason} (CamelCase) and {@code message}, written at once.
   */
  public synchronized void unavailable(String reason, String message) {
    want(ConditionType.Ready, false, reason, message);
    want(ConditionType.Degraded, true, reason, message);
    flush();
  }

  private void want(ConditionType type, boolean status, String reason, String message) {
    wanted.put(type, new Wanted(status ? "True" : "False", reason, clean(message)));
  }

  /** The message as it may be written: masked, control characters escaped, and short. */
  private String clean(String message) {
    String text = Printable.escape(sensitive.get().mask(message == null ? "" : message));
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 3) + "...";
  }

  /** Writes the judged status if this replica leads and it differs; never throws. */
  private void flush() {
    if (!leading) {
      return;
    }
    try {
      write();
      lastFailure = null;
    } catch (RuntimeException e) {
      known = null;
      String message = sensitive.get().mask(String.valueOf(e.getMessage()));
      if (!message.equals(lastFailure)) {
        LOG.warn("Could not write the status of {}; trying again after the next round: {}",
            HybridNetwork.describe(namespace, name), message);
      } else {
        LOG.debug("Could not write the status of {} again: {}", HybridNetwork.describe(namespace, name), message);
      }
      lastFailure = message;
    }
  }

  private void write() {
    HybridNetwork live = known != null ? known : read();
    for (int attempt = 1; ; attempt++) {
      HybridNetworkResourceStatus next = judged(live);
      if (next.equals(live.getStatus())) {
        known = live;
        return;
      }
      HybridNetwork changed = client.getKubernetesSerialization().clone(live);
      changed.setStatus(next);
      try {
        known = client.resource(changed).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == MAX_ATTEMPTS) {
          throw e;
        }
        live = read();
      }
    }
  }

  private HybridNetwork read() {
    HybridNetwork live = client.resources(HybridNetwork.class).inNamespace(namespace).withName(name).get();
    if (live == null) {
      throw new IllegalStateException("no " + HybridNetwork.describe(namespace, name) + " to write the status of");
    }
    return live;
  }

  /** The resource's status with this writer's judgement applied to it (a copy; {@code live} is not changed). */
  private HybridNetworkResourceStatus judged(HybridNetwork live) {
    HybridNetworkResourceStatus status = live.getStatus() == null ? new HybridNetworkResourceStatus()
        : client.getKubernetesSerialization().clone(live.getStatus());
    Long generation = specGeneration != null ? Long.valueOf(specGeneration.getAsLong())
        : live.getMetadata().getGeneration();
    Instant now = clock.instant();
    if (!wanted.isEmpty()) {
      // Only a judgement observes a generation: a new leader that has not planned yet claims nothing.
      status.setObservedGeneration(generation);
    }
    for (Map.Entry<ConditionType, Wanted> w : wanted.entrySet()) {
      Condition condition = new Condition(null, w.getValue().message(), generation, w.getValue().reason(),
          w.getValue().status(), w.getKey().name());
      StatusConditions.set(status.getConditions(), condition, now);
    }
    if (scenario != null) {
      status.setScenario(scenario);
    }
    if (lastPlan != null) {
      HybridNetworkResourceStatus.LastPlan plan = client.getKubernetesSerialization().clone(lastPlan);
      boolean same = plan.sameAs(status.getLastPlan()) && status.getLastPlan().getTime() != null;
      plan.setTime(same ? status.getLastPlan().getTime() : StatusConditions.rfc3339(now));
      status.setLastPlan(plan);
    }
    if (nodes != null) {
      status.setNodes(nodes);
    }
    status.setLeader(identity);
    return status;
  }

  private static HybridNetworkResourceStatus.LastPlan summary(Plan plan) {
    HybridNetworkResourceStatus.LastPlan summary = new HybridNetworkResourceStatus.LastPlan();
    Plan.Summary counts = plan.summary();
    summary.setSpecDigest(plan.specDigest().digest());
    summary.setAdd(counts.add());
    summary.setChange(counts.change());
    summary.setDestroy(counts.destroy());
    summary.setTotal(counts.total());
    summary.setActionKinds(new ArrayList<>(plan.actions().stream().map(a -> a.kind().name()).distinct().toList()));
    summary.setBlockers(new ArrayList<>(plan.blockers().stream().map(Finding::code).distinct().toList()));
    return summary;
  }

  /** The node counts as {@code hybridcni status} reports them. */
  static HybridNetworkResourceStatus.NodeHealth health(NetworkStatus status) {
    HybridNetworkResourceStatus.NodeHealth health = new HybridNetworkResourceStatus.NodeHealth();
    List<NodeStatus> all = status.nodes();
    int cloud = (int) all.stream().filter(NodeStatus::cloud).count();
    health.setTotal(all.size());
    health.setCloud(cloud);
    health.setOnPremises(all.size() - cloud);
    health.setWithProblems(status.nodesWithProblems().size());
    health.setHealthy(status.healthy());
    health.setProblems(new ArrayList<>(status.problemCodes().stream().distinct().toList()));
    return health;
  }

  private static String changes(Plan plan) {
    Plan.Summary s = plan.summary();
    return "The plan has " + s.add() + " to add, " + s.change() + " to change, " + s.destroy() + " to destroy: "
        + kinds(plan) + ".";
  }

  private static String kinds(Plan plan) {
    return plan.actions().stream().map(Action::kind).map(Enum::name).distinct().collect(Collectors.joining(", "));
  }

  private static String blockers(Plan plan) {
    return plan.blockers().stream().map(f -> f.code() + ": " + f.message()).collect(Collectors.joining("; "));
  }
}
