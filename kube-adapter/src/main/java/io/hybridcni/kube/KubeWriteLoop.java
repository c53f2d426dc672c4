package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.plan.Action;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write skeleton of the Kubernetes executors that change an object in place: read it, let the executor
 * re-plan against what it read ({@link Attempt}), write it with {@code update()} carrying the read
 * {@code resourceVersion}, record an Event, and decide from the write's outcome. A dry run is the API server's
 * ({@code dryRun=All}) or, when the server refuses it or {@link DryRunMode#CLIENT} says so, the request described.
 *
 * <p>The writes go through a client without fabric8's own retries (the {@link Target}'s): fabric8 retries a 5xx or
 * a lost connection itself, writes included, and answers only its last attempt, so a committed update whose answer
 * was lost, retried and then refused (403, 422) would look refused for sure. This loop sees each attempt's outcome
 * instead. After an unknown one (no answer, a 5xx) the object is read back and re-planned: an object that shows the
 * change done is this run's lost write, and its Event is recorded then. A 429 (throttled, so not stored) waits
 * through the injectable {@link Sleeper}, as fabric8 would have waited: the shared {@link Backoff}, or the server's
 * {@code Retry-After} when it asks longer ({@link RetryAfter}). A 409 Conflict
 * (the {@code resourceVersion} read is not the object's any more) reads again and re-plans; Kubernetes' API
 * conventions make 409 the answer to a stale {@code resourceVersion} on update. All of it a bounded number of times.
 *
 * <p>The object may also be created (the target writes with {@code create()} an object it read as absent; a 409
 * AlreadyExists reads again, like a stale update) or deleted (the target deletes with the read
 * {@code resourceVersion} as a precondition and answers {@code null} when the object was already gone; the loop then
 * reads again and the executor decides from that). A loop built with a {@link Backoff} for server errors
 * ({@link #withServerErrorBackoff}) also retries a read that failed with a 5xx, 429 or no answer, and waits before
 * reading back after a write whose outcome is unknown; when it runs out of attempts on such errors it says
 * "Gave up after N attempts" in a {@link RemoteCallException} whose {@code outcomeUnknown()} tells whether an
 * earlier write may have been stored. The executors whose reads carry fabric8's own retries do without it.
 *
 * @param <T> the object written
 */
final class KubeWriteLoop<T extends HasMetadata> {

  private static final Logger LOG = LoggerFactory.getLogger(KubeWriteLoop.class);

  /** The wait after a 429, as fabric8's own retries would have waited: 200 ms, doubling, at most 6.4 s. */
  static final Backoff THROTTLED = new Backoff(Duration.ofMillis(200), Duration.ofMillis(6400));

  /** The object one loop writes: how it is read, written and described. */
  interface Target<T> {
    /** The object's address for messages, e.g. {@code kube-system/DaemonSet/calico-node}. */
    String address();

    /** The update, for the failure message ({@link KubeOperation#failure}). */
    KubeOperation update();

    /** The write {@link #write} makes of {@code object}: {@link #update()} unless the target creates or deletes. */
    default KubeOperation operation(T object) {
      return update();
    }

    /** What a failure message about {@code object} (absent when the read failed) must not show. */
    default Redaction redaction(T object) {
      return Redaction.NONE;
    }

    /** Reads the object now; throws {@link StaleActionException} when it is gone and that makes the step stale. */
    T read();

    /**
     * Writes {@code object} with {@link #operation} (its {@code resourceVersion} is the one read), as a server dry run
     * when asked; answers the object written, or {@code null} when a deletion found it already gone.
     */
    T write(T object, boolean serverDryRun);

    /** The request {@link #write} sends, for a dry run's description. */
    ClientRequest request(T object, boolean serverDryRun);

    /** What the object is, for the progress line of a 409 ("the DaemonSet changed since it was read"). */
    default String noun() {
      return "object";
    }
  }

  /** What one attempt decided after reading and re-planning. */
  sealed interface Prepared<T> {

    /** The step ends here with {@code result} (say, the object is gone and nothing is left to undo). */
    record Done<T>(StepResult result) implements Prepared<T> {}

    /**
     * The object already is as wanted. {@code settle} runs first (e.g. the wait for a rollout under way); then the
     * step is applied when an earlier attempt's write lost its answer (its Event is recorded now), and else
     * already satisfied with {@code alreadyMessage}.
     */
    record Unchanged<T>(T object, String message, String alreadyMessage, Runnable settle) implements Prepared<T> {}

    /**
     * {@code object}, changed in place, is to be written; the Event says {@code eventMessage}; once written (and the
     * Event recorded) {@code afterWrite} makes the step's result from the object written.
     */
    record Write<T>(T object, String summary, String eventMessage, java.util.function.Function<T, StepResult> afterWrite)
        implements Prepared<T> {}

    static <T> Prepared<T> done(StepResult result) {
      return new Done<>(result);
    }

    static <T> Prepared<T> unchanged(T object, String message) {
      return new Unchanged<>(object, message, message, () -> { });
    }

    static <T> Prepared<T> write(T object, String summary, String eventMessage) {
      return new Write<>(object, summary, eventMessage, written -> StepResult.applied(summary + ": done"));
    }
  }

  /** One attempt of the executor: check the object read is still safe to change, and change it. */
  @FunctionalInterface
  interface Attempt<T> {
    Prepared<T> prepare(int attempt, T object);
  }

  private final KubeEvents events;
  private final DryRunResolver dryRun;
  private final int maxAttempts;
  private final Sleeper sleeper;
  private final String eventReason;
  private final UnaryOperator<T> forEvent;
  /** The wait after a server error or a lost answer, and after a 429; {@code null}: re-plan at once, 429 THROTTLED. */
  private final Backoff serverErrors;

  /**
   * @param forEvent the object as an Event or a described Event may show it (a Secret masked); identity otherwise
   */
  KubeWriteLoop(KubeEvents events, DryRunResolver dryRun, int maxAttempts, Sleeper sleeper, String eventReason,
      UnaryOperator<T> forEvent) {
    this(events, dryRun, maxAttempts, sleeper, eventReason, forEvent, null);
  }

  private KubeWriteLoop(KubeEvents events, DryRunResolver dryRun, int maxAttempts, Sleeper sleeper,
      String eventReason, UnaryOperator<T> forEvent, Backoff serverErrors) {
    this.events = Objects.requireNonNull(events, "events");
    this.dryRun = Objects.requireNonNull(dryRun, "dryRun");
    this.maxAttempts = maxAttempts;
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.eventReason = Objects.requireNonNull(eventReason, "eventReason");
    this.forEvent = Objects.requireNonNull(forEvent, "forEvent");
    this.serverErrors = serverErrors;
  }

  /**
   * This loop for a target read without fabric8's retries (the Secret's): a read failing with a 5xx, 429 or no
   * answer is retried, and every retry after such an error or a 429 waits {@code backoff}.
   */
  KubeWriteLoop<T> withServerErrorBackoff(Backoff backoff) {
    return new KubeWriteLoop<>(events, dryRun, maxAttempts, sleeper, eventReason, forEvent,
        Objects.requireNonNull(backoff, "backoff"));
  }

  /** Where a retry is reported: an executor's {@link io.hybridcni.apply.ApplyListener}, or nowhere. */
  @FunctionalInterface
  interface Retries {
    Retries NONE = (call, attempt, delay, reason) -> { };

    void retrying(String call, int attempt, Duration delay, String reason);
  }

  StepResult run(Action action, Target<T> target, ExecutionContext context, Attempt<T> step) {
    return run(action.id(), target, context.dryRun(),
        (call, attempt, delay, reason) -> context.listener().retrying(action, call, attempt, delay, reason), step);
  }

  /**
   * The loop for a write that is not an action of its own (the Secret store's, which the AccessKey action calls):
   * {@code id} names it in logs and messages, {@code retries} hears of each retry.
   */
  StepResult run(String id, Target<T> target, boolean dryRunRequested, Retries retries, Attempt<T> step) {
    String mode = dryRunRequested ? dryRun.resolve() : null;
    // Set once a write failed with its outcome unknown (no answer, a 5xx): the object read next may show it done.
    String lostWrite = null;
    for (int attempt = 1; ; attempt++) {
      T read;
      try {
        read = target.read();
      } catch (KubernetesClientException e) {
        if (serverErrors == null) {
          throw e;
        }
        KubeOperation get = target.update().asGet();
        if (!KubeOperation.transientFailure(e) || attempt >= maxAttempts) {
          throw gaveUp(get, e, target.redaction(null), attempt, lostWrite, target.address());
        }
        Duration delay = serverErrors.delay(attempt);
        LOG.info("{}: get {} answered {} (attempt {} of {}); reading it again in {} ms", id,
            target.address(), answer(e), attempt, maxAttempts, delay.toMillis());
        retries.retrying("get " + target.address(), attempt, delay, answer(e));
        Backoff.pause(sleeper, delay);
        continue;
      }
      Prepared<T> prepared = step.prepare(attempt, read);
      if (prepared instanceof Prepared.Done<T> done) {
        return done.result();
      }
      if (prepared instanceof Prepared.Unchanged<T> unchanged) {
        unchanged.settle().run();
        if (lostWrite != null) {
          // This run's own write went through; its answer was lost, and so was its Event: record it once now.
          events.emit(forEvent.apply(unchanged.object()), eventReason, lostWrite);
          LOG.info("{}: {}: the write whose answer was lost went through", id, unchanged.message());
          return StepResult.applied(unchanged.message()
              + " (the write's answer was lost; reading it back shows it done)");
        }
        LOG.info("{}: {}", id, unchanged.alreadyMessage());
        return StepResult.alreadySatisfied(unchanged.alreadyMessage());
      }
      Prepared.Write<T> p = (Prepared.Write<T>) prepared;
      T object = p.object();
      KubeOperation op = target.operation(object);
      String call = op.verb() + " " + target.address();
      if (DryRunResolver.CLIENT.equals(mode)) {
        return StepResult.dryRun(DryRunResolver.CLIENT, p.summary() + ": described, not sent", List.of(
            target.request(object, false).render(),
            KubeEvents.describe(events.event(forEvent.apply(object), eventReason, p.eventMessage())).render()));
      }
      try {
        T written = target.write(object, mode != null);
        if (mode != null) {
          return StepResult.dryRun(DryRunResolver.SERVER, p.summary() + ": validated by the API server "
              + "(dryRun=All)", List.of(target.request(object, true).render()));
        }
        if (written == null) {
          // A deletion found the object gone already: read again, and let the executor say what that means.
          LOG.info("{}: {} found {} gone; reading it again", id, op.verb(), target.address());
          continue;
        }
        events.emit(forEvent.apply(written), eventReason, p.eventMessage());
        LOG.info("{}: {}: written (resourceVersion {})", id, p.summary(),
            written.getMetadata().getResourceVersion());
        return p.afterWrite().apply(written);
      } catch (KubernetesClientException e) {
        if (dryRun.mode() == DryRunMode.AUTO && mode != null && DryRunResolver.dryRunUnsupported(e)) {
          LOG.info("{}: the API server refused the dry run; describing the request instead", id);
          mode = DryRunResolver.CLIENT;
          attempt--;
          continue;
        }
        if (e.getCode() == 429 && attempt < maxAttempts) {
          // Throttled, so not stored: wait as fabric8 would have (its retries are off for this write), the longer
          // of the backoff and the server's Retry-After, then again.
          Duration backoff = serverErrors == null ? THROTTLED.delay(attempt) : serverErrors.delay(attempt);
          ClientRequest sent = target.request(object, mode != null);
          Optional<Duration> asked = RetryAfter.take(sent.method(), sent.path(), e);
          Duration delay = asked.filter(a -> a.compareTo(backoff) > 0).orElse(backoff);
          String why = "429 Too Many Requests" + asked.map(a -> " (Retry-After " + a.toSeconds() + " s)").orElse("");
          LOG.info("{}: {} answered {} (attempt {} of {}); retrying in {} ms", id, call, why, attempt, maxAttempts,
              delay.toMillis());
          retries.retrying(call, attempt, delay, why);
          Backoff.pause(sleeper, delay);
          continue;
        }
        if (!KubeOperation.conflict(e)) {
          if (mode != null || !KubeOperation.outcomeUnknown(e) || attempt >= maxAttempts) {
            Redaction redaction = target.redaction(object);
            if (serverErrors != null && (KubeOperation.transientFailure(e) || lostWrite != null)) {
              if (mode == null && KubeOperation.outcomeUnknown(e)) {
                lostWrite = p.eventMessage();
              }
              throw gaveUp(op, e, redaction, attempt, lostWrite, target.address());
            }
            RemoteCallException failure = op.failure(e, redaction);
            if (lostWrite != null) {
              // An earlier attempt lost its answer, and the object read since does not show it done: say both.
              throw new HybridCniException(id + ": an earlier update of " + target.address()
                  + " lost its answer and reading it back shows it not done; the next attempt failed: "
                  + failure.getMessage(), failure);
            }
            throw failure;
          }
          // The API server may have stored the object although its answer was lost: read it again (and re-plan)
          // rather than assume the write failed.
          lostWrite = p.eventMessage();
          Duration delay = serverErrors == null ? Duration.ZERO : serverErrors.delay(attempt);
          LOG.info("{}: {} answered {} (attempt {} of {}): its outcome is unknown; reading it again", id,
              call, answer(e), attempt, maxAttempts);
          retries.retrying(call, attempt, delay, answer(e) + ": the write may have been stored");
          Backoff.pause(sleeper, delay);
          continue;
        }
        if (attempt >= maxAttempts) {
          throw new StaleActionException(id, List.of(target.address() + " kept changing: " + attempt
              + " writes in a row answered 409 Conflict"));
        }
        LOG.info("{}: {} answered 409 Conflict (attempt {} of {}); reading it again and re-planning", id,
            target.address(), attempt, maxAttempts);
        retries.retrying(call, attempt, Duration.ZERO,
            "409 Conflict: the " + target.noun() + " changed since it was read");
      }
    }
  }

  private static String answer(KubernetesClientException e) {
    return e.getCode() <= 0 ? "no answer" : "HTTP " + e.getCode();
  }

  /**
   * The failure after the last attempt ran into a server error, a 429 or a lost answer: how many attempts were
   * made, and whether an earlier write may have been stored (then {@code outcomeUnknown()} is true, so that nobody
   * compensates for a write that may have happened without reading first).
   */
  private static RemoteCallException gaveUp(KubeOperation op, KubernetesClientException e, Redaction redaction,
      int attempt, String lostWrite, String address) {
    RemoteCallException failure = op.failure(e, redaction);
    boolean mayHaveStored = lostWrite != null;
    return RemoteCallException.of(op.verb(), op.address(), failure.code(), null, "Gave up after " + attempt
        + " attempts" + (mayHaveStored ? "; an earlier write's answer was lost, so " + address + " may show it "
        + "done: read it before assuming the write failed" : "") + ". Last: " + failure.getMessage(), null,
        mayHaveStored);
  }
}
