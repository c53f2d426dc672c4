package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.NodeSelectorRequirement;
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

/**
 * Runs {@link ActionKind#REMOVE_CNI_EXCLUSION}, the undo of {@link CniExclusionExecutor}: takes the requirement
 * {@code key NotIn [value]} hybridcni added out of the required node affinity terms of the calico-node DaemonSet,
 * or of the Tigera {@code Installation}'s {@code spec.calicoNodeDaemonSet.spec.template.spec}.
 *
 * <p>The same read-modify-write: the object is read whole, only the exact requirement is taken out of each term
 * (every other requirement, field and term stays as it was read; a term that held nothing else is dropped, and with
 * no term left the required affinity goes, with the levels above it that held nothing else), and it is written
 * back with {@code update()} carrying the {@code resourceVersion} just read. When the object no longer has the
 * planned {@code before} terms, or the write answers 409 Conflict, the removal is planned again
 * ({@link CniExclusion#replanRemoval}) against the object as it is now, a bounded number of times. A removal that
 * would keep Calico off a node it may run on now (a lone exclusion term beside other terms) stops with a
 * {@link StaleActionException}; an object without the exclusion, or no object at all, answers
 * {@link io.hybridcni.apply.StepStatus#ALREADY_SATISFIED}. Every write records a {@value #EVENT_REASON} Event.
 *
 * <p>Then (not in a dry run; also when the exclusion was found gone already, as after a crash right after the
 * write) the rollout the removal causes is followed until it is done as {@code kubectl rollout status} judges it,
 * with one watch of calico-node, and the action fails at the timeout: see {@link CalicoRollout#followRemoval}.
 */
public final class CniExclusionRemovalExecutor implements ActionExecutor<ActionDetail.CniExclusionRemoval> {

  /** The reason of the Event recorded on the changed object. */
  public static final String EVENT_REASON = "CloudNodesExclusionRemoved";
  /** Default number of write attempts (the first one included). */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** Default time between two looks at the rollout. */
  public static final Duration DEFAULT_POLL_INTERVAL = CniExclusionExecutor.DEFAULT_POLL_INTERVAL;

  private final CalicoWriteLoop loop;
  private final CalicoRollout rollout;

  private CniExclusionRemovalExecutor(Builder b) {
    KubeEvents events = new KubeEvents(b.client, b.clock);
    // The write goes without fabric8's own retries and is read back after an unknown outcome (CalicoWriteLoop).
    this.loop = new CalicoWriteLoop(b.client, b.pageSize, events,
        new DryRunResolver(b.client, b.dryRunMode), b.maxAttempts, b.sleeper, EVENT_REASON);
    this.rollout = new CalicoRollout(b.client, b.pageSize, events,
        new RolloutWait(b.client, b.sleeper, b.pollInterval, b.watchRollout), b.rolloutTimeout, null, b.maxAttempts);
  }

  /** An executor writing through {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public Class<ActionDetail.CniExclusionRemoval> detailType() {
    return ActionDetail.CniExclusionRemoval.class;
  }

  @Override
  public Set<ActionKind> kinds() {
    return Set.of(ActionKind.REMOVE_CNI_EXCLUSION);
  }

  @Override
  public StepResult execute(Action action, ActionDetail.CniExclusionRemoval detail, ExecutionContext context) {
    GenericKubernetesResource[] seen = {null};
    StepResult written = write(action, detail, context, seen);
    if (context.dryRun() || seen[0] == null) {
      return written; // a dry run, or no object: nothing rolls out
    }
    // The update's answer (or, with the exclusion found gone, the object just read) is the DaemonSet the rollout
    // starts from; an Installation's calico-node is read by the rollout itself.
    DaemonSet start = detail.target().kind() != WorkloadRef.Kind.DAEMON_SET ? null
        : loop.calico().asDaemonSet(seen[0]);
    return rollout.followRemoval(action, detail.target(), new NodeLabel(detail.labelKey(), detail.labelValue()),
        context, written, start);
  }

  private StepResult write(Action action, ActionDetail.CniExclusionRemoval detail, ExecutionContext context,
      GenericKubernetesResource[] seen) {
    WorkloadRef target = detail.target();
    NodeLabel label = new NodeLabel(detail.labelKey(), detail.labelValue());
    NodeSelectorRequirement exclusion = CniExclusion.exclusion(label);
    boolean[] replanned = {false};
    return loop.run(action, target, context, (attempt, object) -> {
      seen[0] = null;
      if (object == null) {
        return KubeWriteLoop.Prepared.done(StepResult.alreadySatisfied(target.address()
            + " no longer exists; there is no exclusion to remove"));
      }
      Placement current = Placements.of(Placements.podSpec(object.getAdditionalProperties(), target.kind(), false));
      CniExclusion.Replanned again = CniExclusion.replanRemoval(current, label,
          loop.calico().freshNodes(target, object, current, label));
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
        seen[0] = object;
        return KubeWriteLoop.Prepared.unchanged(object, target.address() + " holds no " + exclusion
            + " to remove");
      }
      long touched = current.requiredTerms().stream().filter(t -> t.matchExpressions().contains(exclusion)).count();
      Placements.removeFromTerms(object.getAdditionalProperties(), target.kind(), exclusion, again.after());
      String terms = touched == 1 ? "1 required node selector term" : touched + " required node selector terms";
      String summary = "Remove " + label.key() + " NotIn [" + label.value()
          + "] from " + terms + " of " + target.address()
          + (again.after().isEmpty() ? "; no required node affinity is left" : "")
          + (replanned[0] ? " (planned again against the object as it is now)" : "");
      return new KubeWriteLoop.Prepared.Write<>(object, summary,
          "hybridcni removed " + label.key() + " NotIn [" + label.value() + "] from " + terms + " at "
          + target.termsFieldPath() + "; the on-premises CNI may schedule onto cloud nodes again", stored -> {
            seen[0] = stored;
            return StepResult.applied(summary + ": done");
          });
    });
  }

  /** Builds a {@link CniExclusionRemovalExecutor}; every setting has a default. */
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
     * {@value CniExclusionRemovalExecutor#DEFAULT_MAX_ATTEMPTS}.
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
     * How the waits are spent: after a throttled (429) update, and between two looks at the rollout. Default
     * {@link Sleeper#REAL}.
     */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** The time between two looks at the rollout. Default 2 seconds. */
    public Builder pollInterval(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, found " + value);
      }
      this.pollInterval = value;
      return this;
    }

    /**
     * How long the rollout may take (the Tigera operator's render included) before the action fails. Default
     * ({@code null}): as {@link CniExclusionExecutor.Builder#rolloutTimeout}, 3 minutes plus 1 minute per batch of
     * the rolling update.
     */
    public Builder rolloutTimeout(Duration value) {
      if (value != null && value.isNegative()) {
        throw new IllegalArgumentException("rolloutTimeout must not be negative, found " + value);
      }
      this.rolloutTimeout = value;
      return this;
    }

    /**
     * Follow the rollout with one watch of the DaemonSet from the version the update answered
     * ({@link DaemonSetWatch}) instead of a GET after every pause. Default {@code false}: with it on, the
     * reliability suite's fault schedules stalled the shared mock server after some 80 to 100 schedules, not yet
     * understood; until then the polling stays the default.
     */
    public Builder watchRollout(boolean value) {
      this.watchRollout = value;
      return this;
    }

    /** The configured executor. */
    public CniExclusionRemovalExecutor build() {
      return new CniExclusionRemovalExecutor(this);
    }
  }
}
