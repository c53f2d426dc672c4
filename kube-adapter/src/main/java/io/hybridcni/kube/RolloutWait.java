package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a DaemonSet's rollout after a write, for every executor that changes a pod template: polls the DaemonSet
 * every {@code pollInterval} through the injected {@link Sleeper}, lets a {@link Judge} decide from each read
 * whether it is done, still going or must stop, reports each poll to
 * {@link io.hybridcni.apply.ApplyListener#waitingForRollout} and the log, and ends with a {@link Failure} when the
 * timeout passes or, given a stall period, when the judge's progress stayed the same that long.
 *
 * <p>The time waited is the sum of the pauses (a poll's own requests are not counted), so that a test that moves a
 * manual clock in its sleeper sees the same numbers as the log.
 */
final class RolloutWait {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutWait.class);

  /**
   * How long, after a pause that brought no event, the wait gives the watch to deliver one already on its way (an
   * event of a change made during the pause is sent while the change is answered, and reaches the client a moment
   * later).
   */
  static final Duration EVENT_GRACE = Duration.ofMillis(250);

  private final KubernetesClient client;
  private final Sleeper sleeper;
  private final Duration pollInterval;
  private final boolean watching;

  /** A wait that reads the DaemonSet with a GET after every pause. */
  RolloutWait(KubernetesClient client, Sleeper sleeper, Duration pollInterval) {
    this(client, sleeper, pollInterval, false);
  }

  /**
   * @param watching follow the DaemonSet with a watch from the resourceVersion of its first read instead of a GET
   *     after every pause ({@link DaemonSetWatch}): a bounded number of calls however long the rollout takes
   */
  RolloutWait(KubernetesClient client, Sleeper sleeper, Duration pollInterval, boolean watching) {
    this.client = client;
    this.sleeper = sleeper;
    this.pollInterval = pollInterval;
    this.watching = watching;
  }

  /**
   * How far a DaemonSet's rollout of {@code generation} is, from its status; {@code misscheduled} is
   * {@code numberMisscheduled}, the nodes running a pod of the DaemonSet that its current template does not allow
   * there.
   */
  record Rollout(long generation, long observedGeneration, int desired, int updated, int ready, int available,
      int unavailable, int misscheduled) {

    static Rollout of(DaemonSet ds, long generation) {
      DaemonSetStatus s = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
      return new Rollout(generation, s.getObservedGeneration() == null ? 0 : s.getObservedGeneration(),
          orZero(s.getDesiredNumberScheduled()), orZero(s.getUpdatedNumberScheduled()), orZero(s.getNumberReady()),
          orZero(s.getNumberAvailable()), orZero(s.getNumberUnavailable()), orZero(s.getNumberMisscheduled()));
    }

    /** The DaemonSet controller has seen the written generation: its counts are about that template. */
    boolean observed() {
      return observedGeneration >= generation;
    }

    /**
     * Done as {@code kubectl rollout status} judges a RollingUpdate DaemonSet (kubernetes/kubectl
     * {@code pkg/polymorphichelpers/rollout_status.go} DaemonSetStatusViewer).
     */
    boolean done() {
      return observed() && updated == desired && unavailable == 0;
    }

    /**
     * Done exactly as {@code kubectl rollout status} judges a DaemonSet (kubernetes/kubectl
     * {@code pkg/polymorphichelpers/rollout_status.go} DaemonSetStatusViewer.Status): the controller observed the
     * generation ({@code generation <= observedGeneration}), and neither {@code updatedNumberScheduled} nor
     * {@code numberAvailable} is below {@code desiredNumberScheduled}. With {@code onDelete} the updated count is
     * not asked for (kubectl refuses OnDelete; nothing replaces its old pods, so only the pods the controller
     * creates on nodes the template newly allows can be waited for).
     */
    boolean doneAsKubectlJudges(boolean onDelete) {
      return observed() && (onDelete || updated >= desired) && available >= desired;
    }

    @Override
    public String toString() {
      return updated + " of " + desired + " pod(s) updated, " + available + " available, " + unavailable
          + " unavailable; generation " + generation + (observed() ? " observed"
              : " not yet observed (observed " + observedGeneration + ")");
    }

    private static int orZero(Integer value) {
      return value == null ? 0 : value;
    }
  }

  /** What one poll found: done, still going (with what counts as progress), or a reason to stop now. */
  record Poll(boolean done, String progress, Object progressKey, String stop) {

    static Poll done(String progress) {
      return new Poll(true, progress, null, null);
    }

    static Poll waiting(String progress, Object progressKey) {
      return new Poll(false, progress, Objects.requireNonNull(progressKey, "progressKey"), null);
    }

    static Poll stop(String progress, String reason) {
      return new Poll(false, progress, null, reason);
    }
  }

  /** Judges one read of the DaemonSet. */
  @FunctionalInterface
  interface Judge {
    Poll judge(DaemonSet ds);
  }

  /** Why a wait ended without the rollout done. */
  enum Ending {
    /** The judge said to stop (its {@link Poll#stop()} reason). */
    STOPPED,
    /** The progress stayed the same for the stall period. */
    STALLED,
    /** The timeout passed. */
    TIMED_OUT
  }

  /** Builds the exception a wait ends with. */
  @FunctionalInterface
  interface Failure {
    RuntimeException fail(Ending ending, Poll last, Duration waited, Duration unchangedFor);
  }

  Duration pollInterval() {
    return pollInterval;
  }

  /** The DaemonSet as it is now; a DaemonSet gone makes the action stale. */
  DaemonSet read(Action action, WorkloadRef ref) {
    DaemonSet ds = KubeOperation.get("apps", "daemonsets", ref.namespace(), ref.name())
        .run(() -> client.apps().daemonSets().inNamespace(ref.namespace()).withName(ref.name()).get());
    if (ds == null || ds.getSpec() == null || ds.getSpec().getTemplate() == null) {
      throw new StaleActionException(action.id(), List.of(ref.address() + " no longer exists"));
    }
    return ds;
  }

  /**
   * Polls {@code ref} until {@code judge} says done; answers the time waited, {@code alreadyWaited} included (a
   * wait that follows another shares its timeout).
   *
   * @param stallPeriod {@code null} for no stall detection
   */
  Duration await(Action action, ExecutionContext context, WorkloadRef ref, Duration alreadyWaited, Duration timeout,
      Duration stallPeriod, Judge judge, Failure failure) {
    return await(action, context, ref, null, alreadyWaited, timeout, stallPeriod, judge, failure);
  }

  /**
   * As the other {@code await}; {@code first}, when not {@code null}, is the DaemonSet as the caller read it (or as
   * its update answered) a moment ago, judged as the first poll instead of a GET.
   */
  Duration await(Action action, ExecutionContext context, WorkloadRef ref, DaemonSet first, Duration alreadyWaited,
      Duration timeout, Duration stallPeriod, Judge judge, Failure failure) {
    DaemonSet start = first != null ? first : read(action, ref);
    try (Source source = watching ? new Watching(action, ref, start) : () -> read(action, ref)) {
      return loop(action, context, ref, start, alreadyWaited, timeout, stallPeriod, judge, failure, source);
    }
  }

  /** Where the DaemonSet's state after a pause comes from. */
  private interface Source extends AutoCloseable {
    /** Called before every pause (the first judgement said the wait goes on). */
    default void beforePause() {}

    DaemonSet next();

    @Override
    default void close() {}
  }

  /**
   * A watch from the version of the DaemonSet judged first, opened before the first pause (a rollout already done at
   * the first look opens none); polling with GETs when the server refuses it.
   */
  private final class Watching implements Source {
    private final Action action;
    private final WorkloadRef ref;
    private final DaemonSet start;
    private DaemonSetWatch watch;
    private boolean polling;

    Watching(Action action, WorkloadRef ref, DaemonSet start) {
      this.action = action;
      this.ref = ref;
      this.start = start;
    }

    @Override
    public void beforePause() {
      if (watch == null && !polling) {
        watch = DaemonSetWatch.open(client, action, ref, start, () -> read(action, ref));
        polling = watch == null;
      }
    }

    @Override
    public DaemonSet next() {
      return polling ? read(action, ref) : watch.next(EVENT_GRACE, () -> read(action, ref));
    }

    @Override
    public void close() {
      if (watch != null) {
        watch.close();
      }
    }
  }

  /** Judges {@code start}, then after every pause what {@code next} answers, until the judge or a limit ends it. */
  private Duration loop(Action action, ExecutionContext context, WorkloadRef ref, DaemonSet start,
      Duration alreadyWaited, Duration timeout, Duration stallPeriod, Judge judge, Failure failure, Source next) {
    Duration waited = alreadyWaited;
    Object lastKey = null;
    Duration changedAt = waited;
    DaemonSet current = start;
    while (true) {
      Poll poll = judge.judge(current);
      if (poll.done()) {
        LOG.info("{}: {}: {} ({} waited)", action.id(), ref.address(), poll.progress(), waited);
        return waited;
      }
      if (poll.stop() != null) {
        throw failure.fail(Ending.STOPPED, poll, waited, waited.minus(changedAt));
      }
      if (!poll.progressKey().equals(lastKey)) {
        lastKey = poll.progressKey();
        changedAt = waited;
      }
      if (waited.compareTo(timeout) >= 0) {
        throw failure.fail(Ending.TIMED_OUT, poll, waited, waited.minus(changedAt));
      }
      if (stallPeriod != null && waited.minus(changedAt).compareTo(stallPeriod) >= 0) {
        throw failure.fail(Ending.STALLED, poll, waited, waited.minus(changedAt));
      }
      context.listener().waitingForRollout(action, poll.progress(), waited);
      LOG.info("{}: waiting for {}: {} ({} waited)", action.id(), ref.address(), poll.progress(), waited);
      next.beforePause();
      pause(pollInterval);
      waited = waited.plus(pollInterval);
      current = next.next();
    }
  }

  void pause(Duration delay) {
    Backoff.pause(sleeper, delay);
  }

  /**
   * The DaemonSet's {@code rollingUpdate.maxUnavailable} against {@code desired} pods, as the DaemonSet controller
   * computes it: an int, or a percent rounded up ({@code intstr.GetScaledValueFromIntOrPercent(..., true)} in
   * kubernetes {@code pkg/controller/daemon/util} UnavailableCount); absent (the API's default, and every OnDelete
   * DaemonSet) is 1, and 0 with pods to run is taken as 1, as {@code pkg/controller/daemon/update.go}
   * updatedDesiredNodeCounts does when no surge is allowed either.
   */
  static int maxUnavailable(DaemonSet ds, int desired) {
    IntOrString value = ds.getSpec().getUpdateStrategy() == null
        || ds.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
        : ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
    int max = 1;
    if (value != null && value.getIntVal() != null) {
      max = value.getIntVal();
    } else if (value != null && value.getStrVal() != null) {
      String s = value.getStrVal().trim();
      try {
        max = s.endsWith("%")
            ? (int) Math.ceil(Integer.parseInt(s.substring(0, s.length() - 1).trim()) * (double) desired / 100.0)
            : Integer.parseInt(s);
      } catch (NumberFormatException e) {
        max = 1; // the API server validates the field; an unreadable value falls back to the default
      }
    }
    return desired > 0 && max <= 0 ? 1 : Math.max(max, 0);
  }

  static boolean onDelete(DaemonSet ds) {
    return ds.getSpec() != null && ds.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
  }

  static long generation(DaemonSet ds) {
    Long g = ds.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }
}
