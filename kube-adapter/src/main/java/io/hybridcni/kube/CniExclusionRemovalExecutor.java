package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.RemoteCallException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class CniExclusionRemovalExecutor implements ActionExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(CniExclusionRemovalExecutor.class);

  /** The reason of the Event recorded on the changed object. */
  public static final String EVENT_REASON = "CloudNodesExclusionRemoved";
  /** Default number of write attempts (the first one included). */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final DryRunResolver dryRun;
  private final int maxAttempts;
  private final CalicoObjects calico;
  private final KubeEvents events;
  private final Sleeper sleeper;

  /** The wait after a 429, as fabric8's own retries would have waited: 200 ms, doubling, at most 6.4 s. */
  private static final Backoff THROTTLED = new Backoff(Duration.ofMillis(200), Duration.ofMillis(6400));

  private CniExclusionRemovalExecutor(Builder b) {
    this.dryRun = new DryRunResolver(b.client, b.dryRunMode);
    this.maxAttempts = b.maxAttempts;
    this.sleeper = b.sleeper;
    // As in CniExclusionExecutor: fabric8 retries a 5xx or a lost connection itself, writes included, and answers
    // only its last attempt, so a committed update whose answer was lost and whose retry was refused would look
    // refused for sure. The update goes through a client without those retries, so that this loop sees each
    // attempt's outcome and reads the object back after every unknown one; reads keep fabric8's retries.
    RequestConfig noRetries = new RequestConfigBuilder(b.client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.calico = new CalicoObjects(b.client, b.client.newClient(noRetries).adapt(KubernetesClient.class),
        b.pageSize);
    this.events = new KubeEvents(b.client, b.clock);
  }

  /** An executor writing through {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public boolean handles(ActionKind kind) {
    return kind == ActionKind.REMOVE_CNI_EXCLUSION;
  }

  @Override
  public StepResult execute(Action action, ExecutionContext context) {
    if (!(action.detail() instanceof ActionDetail.CniExclusionRemoval detail)) {
      throw new IllegalArgumentException("action " + action.id() + " is " + action.kind() + " with detail "
          + action.detail().getClass().getSimpleName() + "; this executor runs " + ActionKind.REMOVE_CNI_EXCLUSION);
    }
    WorkloadRef target = detail.target();
    NodeLabel label = new NodeLabel(detail.labelKey(), detail.labelValue());
    NodeSelectorRequirement exclusion = CniExclusion.exclusion(label);
    String mode = context.dryRun() ? dryRun.resolve() : null;
    boolean replanned = false;
    // Set once a write failed with its outcome unknown (no answer, a 5xx): the object read next may show it done.
    String lostWrite = null;
    for (int attempt = 1; ; attempt++) {
      GenericKubernetesResource object = calico.read(target);
      if (object == null) {
        return StepResult.alreadySatisfied(target.address() + " no longer exists; there is no exclusion to remove");
      }
      Placement current = Placements.of(Placements.podSpec(object.getAdditionalProperties(), target.kind(), false));
      CniExclusion.Replanned again = CniExclusion.replanRemoval(current, label,
          calico.freshNodes(target, current, label));
      replanned |= !(attempt == 1 && current.requiredTerms().equals(detail.before()));
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
        String message = target.address() + " holds no " + exclusion + " to remove";
        if (lostWrite != null) {
          // This run's own write went through; its answer was lost, and so was its Event: record it once now.
          events.emit(object, EVENT_REASON, lostWrite);
          LOG.info("{}: {}: the write whose answer was lost went through", action.id(), message);
          return StepResult.applied(message + " (the write's answer was lost; reading it back shows it done)");
        }
        LOG.info("{}: {}", action.id(), message);
        return StepResult.alreadySatisfied(message);
      }
      long touched = current.requiredTerms().stream().filter(t -> t.matchExpressions().contains(exclusion)).count();
      Placements.removeFromTerms(object.getAdditionalProperties(), target.kind(), exclusion, again.after());
      String terms = touched == 1 ? "1 required node selector term" : touched + " required node selector terms";
      String summary = "Remove " + label.key() + " NotIn [" + label.value() + "] from " + terms + " of "
          + target.address() + (again.after().isEmpty() ? "; no required node affinity is left" : "")
          + (replanned ? " (planned again against the object as it is now)" : "");
      String eventMessage = "hybridcni removed " + label.key() + " NotIn [" + label.value() + "] from " + terms
          + " at " + target.termsFieldPath() + "; the on-premises CNI may schedule onto cloud nodes again";
      if (DryRunResolver.CLIENT.equals(mode)) {
        return StepResult.dryRun(DryRunResolver.CLIENT, summary + ": described, not sent", List.of(
            CalicoObjects.request(target, object, false).render(),
            KubeEvents.describe(events.event(object, EVENT_REASON, eventMessage)).render()));
      }
      KubeOperation op = KubeOperation.update(CalicoObjects.context(target).getGroup(),
          CalicoObjects.context(target).getPlural(), target.namespace(), target.name());
      try {
        GenericKubernetesResource written = calico.write(target, object, mode != null);
        if (mode != null) {
          return StepResult.dryRun(DryRunResolver.SERVER, summary + ": validated by the API server (dryRun=All)",
              List.of(CalicoObjects.request(target, object, true).render()));
        }
        events.emit(written, EVENT_REASON, eventMessage);
        LOG.info("{}: {}: done (resourceVersion {})", action.id(), summary,
            written.getMetadata().getResourceVersion());
        return StepResult.applied(summary + ": done");
      } catch (KubernetesClientException e) {
        if (dryRun.mode() == DryRunMode.AUTO && mode != null && DryRunResolver.dryRunUnsupported(e)) {
          LOG.info("{}: the API server refused the dry run; describing the request instead", action.id());
          mode = DryRunResolver.CLIENT;
          attempt--;
          continue;
        }
        if (e.getCode() == 429 && attempt < maxAttempts) {
          // Throttled, so not stored: wait as fabric8 would have (its retries are off for this write), then again.
          LOG.info("{}: update of {} answered 429 (attempt {} of {}); retrying", action.id(), target.address(),
              attempt, maxAttempts);
          Backoff.pause(sleeper, THROTTLED.delay(attempt));
          continue;
        }
        if (!KubeOperation.conflict(e)) {
          if (mode != null || !KubeOperation.outcomeUnknown(e) || attempt >= maxAttempts) {
            RemoteCallException failure = op.failure(e, Redaction.NONE);
            if (lostWrite != null) {
              // An earlier attempt lost its answer, and the object read since does not show it done: say both.
              throw new HybridCniException(action.id() + ": an earlier update of " + target.address()
                  + " lost its answer and reading it back shows it not done; the next attempt failed: "
                  + failure.getMessage(), failure);
            }
            throw failure;
          }
          // The API server may have stored the object although its answer was lost: read it again (and re-plan)
          // rather than assume the write failed.
          lostWrite = eventMessage;
          LOG.info("{}: update of {} answered {} (attempt {} of {}): its outcome is unknown; reading it again",
              action.id(), target.address(), e.getCode() <= 0 ? "nothing" : "HTTP " + e.getCode(), attempt,
              maxAttempts);
          context.listener().retrying(action, "update " + target.address(), attempt, Duration.ZERO,
              (e.getCode() <= 0 ? "no answer" : "HTTP " + e.getCode()) + ": the write may have been stored");
          continue;
        }
        if (attempt >= maxAttempts) {
          throw new StaleActionException(action.id(), List.of(target.address() + " kept changing: " + attempt
              + " writes in a row answered 409 Conflict"));
        }
        LOG.info("{}: {} answered 409 Conflict (attempt {} of {}); reading it again and re-planning", action.id(),
            target.address(), attempt, maxAttempts);
        context.listener().retrying(action, "update " + target.address(), attempt, Duration.ZERO,
            "409 Conflict: the object changed since it was read");
      }
    }
  }

  /** Builds a {@link CniExclusionRemovalExecutor}; every setting has a default. */
  public static final class Builder {
    private final KubernetesClient client;
    private DryRunMode dryRunMode = DryRunMode.AUTO;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int pageSize = KubernetesObserver.DEFAULT_PAGE_SIZE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;

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

    /** How the wait after a throttled (429) update is spent. Default {@link Sleeper#REAL}. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** The configured executor. */
    public CniExclusionRemovalExecutor build() {
      return new CniExclusionRemovalExecutor(this);
    }
  }
}
