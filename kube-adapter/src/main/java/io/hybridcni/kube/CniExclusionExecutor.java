package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.CniExclusion;
import io.hybridcni.spec.NodeLabel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Runs {@link ActionKind#EXCLUDE_CLOUD_NODES_FROM_CNI}: keeps the on-premises CNI off cloud nodes by writing the
 * planned required node affinity terms into the calico-node DaemonSet, or, when the Tigera operator manages
 * Calico, into {@code installations.operator.tigera.io} {@code spec.calicoNodeDaemonSet.spec.template.spec}.
 *
 * <p>A read-modify-write: the object is read whole, only its {@code nodeSelectorTerms} change (a term gaining the
 * exclusion keeps every other field it has), and it is written back with {@code update()} carrying the
 * {@code resourceVersion} just read. A merge or strategic merge patch is never used: both replace or append the
 * whole term list. When the object no longer has the planned {@code before} terms, or the write answers 409
 * Conflict, the exclusion is planned again ({@link CniExclusion#replan}) against the object as it is now, and
 * written again, a bounded number of times. Before every write the nodes are read again: an exclusion that would
 * take Calico off a node that looks on-premises (relabelled since the plan, say) stops with a
 * {@link StaleActionException}; one already in place answers
 * {@link io.hybridcni.apply.StepStatus#ALREADY_SATISFIED}. Where calico-node's pods run is listed for that check only
 * when some node the new placement excludes is not an ECS instance: otherwise no node can be one Calico must not
 * leave. Every write records a {@value #EVENT_REASON} Event.
 *
 * <p>The first attempt reads nothing when apply's read just before the action (its re-check, or the observation
 * before a first action) read the DaemonSet and the nodes (and, when it listed them, calico-node's pods) from the API
 * server ({@link io.hybridcni.port.CheckedReads}, {@link CheckedCalico}): the object, its {@code resourceVersion} and
 * the nodes are those reads, so the write is refused with 409 when the DaemonSet changed since, and the next attempt
 * reads them again. A Tigera Installation target, or a read that did not list what the check needs, reads as
 * before.
 *
 * <p>Then (not in a dry run; also when the exclusion was found in place, as after a crash right after the write)
 * the rollout it causes is followed, and the action fails when it goes wrong, so that the plan's addon install,
 * which depends on it, does not run: see {@link CalicoRollout}. With {@code updateStrategy: OnDelete} the calico
 * pods on cloud nodes are deleted, one at a time.
 */
public final class CniExclusionExecutor implements ActionExecutor<ActionDetail.CniExclusion> {

  /** The reason of the Event recorded on the changed object. */
  public static final String EVENT_REASON = "CloudNodesExcluded";
  /** Default number of write attempts (the first one included). */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** The reason of the Event recorded on the DaemonSet for each calico pod deleted from a cloud node. */
  public static final String POD_DELETED_REASON = CalicoRollout.POD_DELETED_REASON;
  /** Default time between two reads of the rollout. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  /** Default time the rollout may go without progress before the action fails. */
  public static final Duration DEFAULT_STALL_PERIOD = Duration.ofMinutes(2);

  private final CalicoWriteLoop loop;
  private final CalicoRollout rollout;

  private CniExclusionExecutor(Builder b) {
    KubeEvents events = new KubeEvents(b.client, b.clock);
    this.loop = new CalicoWriteLoop(b.client, b.pageSize, events,
        new DryRunResolver(b.client, b.dryRunMode), b.maxAttempts, b.sleeper, EVENT_REASON);
    this.rollout = new CalicoRollout(b.client, b.pageSize, events,
        new RolloutWait(b.client, b.sleeper, b.pollInterval, b.watchRollout), b.rolloutTimeout, b.stallPeriod, b.maxAttempts);
  }

  /** An executor writing through {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public Class<ActionDetail.CniExclusion> detailType() {
    return ActionDetail.CniExclusion.class;
  }

  @Override
  public Set<ActionKind> kinds() {
    return Set.of(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI);
  }

  @Override
  public StepResult execute(Action action, ActionDetail.CniExclusion detail, ExecutionContext context) {
    GenericKubernetesResource[] answered = {null};
    StepResult written = write(action, detail, context, answered);
    if (context.dryRun()) {
      return rollout.describeDeletions(action, detail, written);
    }
    // The update's answer is the DaemonSet as stored, its new generation included: the rollout starts from it.
    DaemonSet afterWrite = answered[0] == null || detail.target().kind() != WorkloadRef.Kind.DAEMON_SET ? null
        : loop.calico().asDaemonSet(answered[0]);
    return rollout.follow(action, detail, context, written, afterWrite);
  }

  private StepResult write(Action action, ActionDetail.CniExclusion detail, ExecutionContext context,
      GenericKubernetesResource[] answered) {
    WorkloadRef target = detail.target();
    NodeLabel label = new NodeLabel(detail.labelKey(), detail.labelValue());
    boolean[] replanned = {false};
    // The re-check before this action read the DaemonSet, the nodes and calico-node's pods a moment ago: the first
    // attempt works from those reads (the write carries that read's resourceVersion), every later one reads again.
    CheckedCalico checked = context.checked().take(CheckedCalico.class).orElse(null);
    GenericKubernetesResource checkedObject = checked == null ? null : checked.daemonSet(target).orElse(null);
    return loop.run(action, target, checkedObject, context, (attempt, object) -> {
      if (object == null) {
        throw new StaleActionException(action.id(), List.of(target.address() + " no longer exists"));
      }
      Placement current = Placements.of(Placements.podSpec(object.getAdditionalProperties(), target.kind(), false));
      // The safety check runs again on every attempt, against the nodes as they are now: a node relabelled since
      // the plan must not lose Calico even when the object itself did not change.
      CniExclusion.Replanned again = CniExclusion.replan(current, label, loop.calico().freshNodes(target, object,
          current, label, object == checkedObject ? checked : null,
          nodes -> CniExclusion.excludesNodeNotInCloud(current, label, nodes)));
      replanned[0] |= !(attempt == 1 && current.requiredTerms().equals(detail.before()));
      if (!again.unsafeReasons().isEmpty()) {
        List<String> changed = new ArrayList<>();
        if (!current.requiredTerms().equals(detail.before())) {
          changed.add(target.address() + " changed since the plan: its required terms are now "
              + current.requiredTerms() + " (the plan expected " + detail.before() + ")");
        }
        changed.addAll(again.unsafeReasons());
        throw new StaleActionException(action.id(), changed);
      }
      if (again.unchanged()) {
        return KubeWriteLoop.Prepared.unchanged(object, target.address() + " already keeps " + label
            + " nodes out");
      }
      // Equal to the planned 'after' when the object still has the planned 'before' terms.
      List<NodeSelectorTerm> after = again.after();
      Placements.writeTerms(Placements.podSpec(object.getAdditionalProperties(), target.kind(), true),
          current.requiredTerms(), after);
      String touched = describeTerms(current.requiredTerms(), after);
      String summary = "Add " + label.key() + " NotIn [" + label.value() + "] to " + touched + " of "
          + target.address() + (replanned[0] ? " (planned again against the object as it is now)" : "");
      return new KubeWriteLoop.Prepared.Write<>(object, summary,
          "hybridcni added " + label.key() + " NotIn [" + label.value() + "] to " + touched + " at "
          + target.termsFieldPath() + " so that the on-premises CNI stays off cloud nodes", stored -> {
            answered[0] = stored;
            return StepResult.applied(summary + ": done");
          });
    });
  }

  /** How many terms the change touches: the one new term, or the existing terms that gain the exclusion. */
  private static String describeTerms(List<NodeSelectorTerm> before, List<NodeSelectorTerm> after) {
    long count = before.isEmpty() ? after.size()
        : IntStream.range(0, after.size()).filter(i -> !after.get(i).equals(before.get(i))).count();
    String terms = count == 1 ? "1 required node selector term" : count + " required node selector terms";
    return before.isEmpty() ? terms + " (new)" : terms;
  }

  /** Builds a {@link CniExclusionExecutor}; every setting has a default. */
  public static final class Builder {
    private final KubernetesClient client;
    private DryRunMode dryRunMode = DryRunMode.AUTO;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int pageSize = KubernetesObserver.DEFAULT_PAGE_SIZE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration rolloutTimeout;
    private boolean watchRollout;
    private Duration stallPeriod = DEFAULT_STALL_PERIOD;

    private Builder(KubernetesClient client) {
      this.client = client;
    }

    /** How dry runs are performed. Default {@link DryRunMode#AUTO}. */
    public Builder dryRunMode(DryRunMode value) {
      this.dryRunMode = Objects.requireNonNull(value, "dryRunMode");
      return this;
    }

    /**
     * Write attempts before a run of conflicts gives up, the first included. Default
     * {@value CniExclusionExecutor#DEFAULT_MAX_ATTEMPTS}.
     */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, found " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /** The {@code limit} of one page when nodes and pods are read again to re-plan. Default 500. */
    public Builder pageSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("pageSize must be at least 1, found " + value);
      }
      this.pageSize = value;
      return this;
    }

    /** Timestamps of the recorded Events. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * How the waits are spent: after a throttled (429) request, between two polls of the rollout and while a
     * deleted pod goes. Default {@link Sleeper#REAL}.
     */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** The time between two reads of the rollout (and of a deleted pod). Default 2 seconds. */
    public Builder pollInterval(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, found " + value);
      }
      this.pollInterval = value;
      return this;
    }

    /**
     * How long the rollout may take, the Tigera operator's render and the pod deletions included, before the
     * action fails. Default ({@code null}): 3 minutes plus 1 minute per
     * batch of the rolling update, a batch being {@code maxUnavailable} pods of {@code desiredNumberScheduled}
     * (so {@code ceil(desired / maxUnavailable)} batches), both read from the DaemonSet when the wait starts: 5
     * minutes for 2 pods one at a time, 23 minutes for 200 pods 10 at a time.
     */
    public Builder rolloutTimeout(Duration value) {
      if (value != null && value.isNegative()) {
        throw new IllegalArgumentException("rolloutTimeout must not be negative, found " + value);
      }
      this.rolloutTimeout = value;
      return this;
    }

    /**
     * How long the rollout may go without progress (its updated, ready and unavailable pods, and the pods left on
     * cloud nodes, all unchanged) before the action fails. Default 2 minutes.
     */
    public Builder stallPeriod(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("stallPeriod must be positive, found " + value);
      }
      this.stallPeriod = value;
      return this;
    }

    /**
     * Follow the rollout with one watch of the DaemonSet from the version the update answered
     * ({@link DaemonSetWatch}) instead of a GET after every pause. Default {@code false}; {@link KubeExecutors}, the
     * CLI's and the controller's wiring, turns it on. A watch that does not open within 10 s falls back to polling.
     * (The reliability suite's fault schedules once stalled the shared mock server with it on: fabric8's mock ended
     * a watch on its event loop and held every other request; the test kit's {@code WatchEnds} now ends it off
     * the loop.)
     */
    public Builder watchRollout(boolean value) {
      this.watchRollout = value;
      return this;
    }

    /** The configured executor. */
    public CniExclusionExecutor build() {
      return new CniExclusionExecutor(this);
    }
  }
}
