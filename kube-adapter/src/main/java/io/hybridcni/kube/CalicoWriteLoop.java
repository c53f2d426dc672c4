package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-modify-write loop the calico-node exclusion and its removal share: read the object, let the executor
 * re-plan against it ({@link Attempt}), write it with {@code update()}, and decide from the write's outcome.
 *
 * <p>The write goes through a client without fabric8's own retries: fabric8 retries a 5xx or a lost connection
 * itself, writes included, and answers only its last attempt, so a committed update whose answer was lost, retried
 * and then refused (403, 422) would look refused for sure. This loop sees each attempt's outcome instead: after an
 * unknown one (no answer, a 5xx) the object is read back and re-planned (an object that shows the change done is
 * this run's lost write, and its Event is recorded then); a 429 (throttled, so not stored) waits through the
 * injectable {@link Sleeper} and the shared {@link Backoff}, as fabric8 would have waited; a 409 Conflict reads again
 * and re-plans. All of it a bounded number of times. Reads keep fabric8's retries.
 */
final class CalicoWriteLoop {

  private static final Logger LOG = LoggerFactory.getLogger(CalicoWriteLoop.class);

  /** The wait after a 429, as fabric8's own retries would have waited: 200 ms, doubling, at most 6.4 s. */
  private static final Backoff THROTTLED = new Backoff(Duration.ofMillis(200), Duration.ofMillis(6400));

  /** What one attempt found after reading and re-planning: a terminal result, nothing to change, or a write. */
  record Prepared(StepResult result, String unchangedMessage, GenericKubernetesResource object, String summary,
      String eventMessage) {

    /** The step ends here with {@code result} (say, the object is gone and nothing is left to undo). */
    static Prepared done(StepResult result) {
      return new Prepared(result, null, null, null, null);
    }

    /** The object already is as wanted; {@code message} says how. */
    static Prepared unchanged(GenericKubernetesResource object, String message) {
      return new Prepared(null, message, object, null, null);
    }

    /** {@code object}, changed in place, is to be written; the Event says {@code eventMessage}. */
    static Prepared write(GenericKubernetesResource object, String summary, String eventMessage) {
      return new Prepared(null, null, object, summary, eventMessage);
    }
  }

  /** One attempt of the executor: read {@code target}, check it is still safe, and change the object read. */
  @FunctionalInterface
  interface Attempt {
    Prepared prepare(int attempt, GenericKubernetesResource object);
  }

  private final CalicoObjects calico;
  private final KubeEvents events;
  private final DryRunResolver dryRun;
  private final int maxAttempts;
  private final Sleeper sleeper;
  private final String eventReason;

  CalicoWriteLoop(KubernetesClient client, int pageSize, KubeEvents events, DryRunResolver dryRun,
      int maxAttempts, Sleeper sleeper, String eventReason) {
    RequestConfig noRetries = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.calico = new CalicoObjects(client, client.newClient(noRetries).adapt(KubernetesClient.class), pageSize);
    this.events = events;
    this.dryRun = dryRun;
    this.maxAttempts = maxAttempts;
    this.sleeper = sleeper;
    this.eventReason = eventReason;
  }

  /** The objects read and written, for the executor's re-planning (fresh nodes). */
  CalicoObjects calico() {
    return calico;
  }

  StepResult run(Action action, WorkloadRef target, ExecutionContext context, Attempt step) {
    String mode = context.dryRun() ? dryRun.resolve() : null;
    // Set once a write failed with its outcome unknown (no answer, a 5xx): the object read next may show it done.
    String lostWrite = null;
    for (int attempt = 1; ; attempt++) {
      GenericKubernetesResource read = calico.read(target);
      Prepared p = step.prepare(attempt, read);
      if (p.result() != null) {
        return p.result();
      }
      if (p.unchangedMessage() != null) {
        if (lostWrite != null) {
          // This run's own write went through; its answer was lost, and so was its Event: record it once now.
          events.emit(p.object(), eventReason, lostWrite);
          LOG.info("{}: {}: the write whose answer was lost went through", action.id(), p.unchangedMessage());
          return StepResult.applied(p.unchangedMessage()
              + " (the write's answer was lost; reading it back shows it done)");
        }
        LOG.info("{}: {}", action.id(), p.unchangedMessage());
        return StepResult.alreadySatisfied(p.unchangedMessage());
      }
      GenericKubernetesResource object = p.object();
      if (DryRunResolver.CLIENT.equals(mode)) {
        return StepResult.dryRun(DryRunResolver.CLIENT, p.summary() + ": described, not sent", List.of(
            CalicoObjects.request(target, object, false).render(),
            KubeEvents.describe(events.event(object, eventReason, p.eventMessage())).render()));
      }
      KubeOperation op = KubeOperation.update(CalicoObjects.context(target).getGroup(),
          CalicoObjects.context(target).getPlural(), target.namespace(), target.name());
      try {
        GenericKubernetesResource written = calico.write(target, object, mode != null);
        if (mode != null) {
          return StepResult.dryRun(DryRunResolver.SERVER, p.summary() + ": validated by the API server "
              + "(dryRun=All)", List.of(CalicoObjects.request(target, object, true).render()));
        }
        events.emit(written, eventReason, p.eventMessage());
        LOG.info("{}: {}: done (resourceVersion {})", action.id(), p.summary(),
            written.getMetadata().getResourceVersion());
        return StepResult.applied(p.summary() + ": done");
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
          lostWrite = p.eventMessage();
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
}
