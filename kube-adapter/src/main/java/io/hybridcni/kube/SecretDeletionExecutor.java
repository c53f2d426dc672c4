package io.hybridcni.kube;

import io.hybridcni.apply.Sleeper;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ActionKind#DELETE_SECRET}: deletes the AccessKey Secret, but only while it still carries
 * {@code app.kubernetes.io/managed-by=hybridcni}. The Secret is read first; a Secret that is gone is
 * {@link io.hybridcni.apply.StepStatus#ALREADY_SATISFIED}, one without the label stops with a
 * {@link StaleActionException} and is kept. The delete carries the read {@code resourceVersion} as a precondition,
 * so a Secret changed between the read and the delete is not deleted unseen: the API server answers 409 and the
 * Secret is read and checked again. Conflicts, throttling (429), server errors (5xx) and lost connections are
 * retried with capped exponential backoff, a bounded number of times. A deletion records a
 * {@value #EVENT_REASON} Event. The Secret's values appear nowhere: the executor never reads them out.
 */
public final class SecretDeletionExecutor implements ActionExecutor<ActionDetail.SecretDeletion> {

  private static final Logger LOG = LoggerFactory.getLogger(SecretDeletionExecutor.class);

  /** The reason of the Event recorded when the Secret is deleted. */
  public static final String EVENT_REASON = "AccessKeySecretDeleted";
  /** Default number of attempts, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final DryRunResolver dryRun;
  private final int maxAttempts;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final KubeEvents events;

  private SecretDeletionExecutor(Builder b) {
    // As in KubernetesSecretStore: fabric8's own retries are off, so that the attempts are the ones set here.
    RequestConfig noRetries = new RequestConfigBuilder(b.client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.client = b.client.newClient(noRetries).adapt(KubernetesClient.class);
    this.dryRun = new DryRunResolver(b.client, b.dryRunMode);
    this.maxAttempts = b.maxAttempts;
    this.sleeper = b.sleeper;
    this.backoff = new Backoff(b.initialBackoff, b.maxBackoff);
    this.events = new KubeEvents(b.client, b.clock);
  }

  /** An executor deleting through {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public Class<ActionDetail.SecretDeletion> detailType() {
    return ActionDetail.SecretDeletion.class;
  }

  @Override
  public Set<ActionKind> kinds() {
    return Set.of(ActionKind.DELETE_SECRET);
  }

  @Override
  public StepResult execute(Action action, ActionDetail.SecretDeletion detail, ExecutionContext context) {
    String namespace = detail.namespace();
    String name = detail.name();
    String address = namespace + "/" + name;
    String mode = context.dryRun() ? dryRun.resolve() : null;
    // What the Secret holds, once read: a server or webhook refusing the delete may echo the object it refused.
    Redaction redaction = Redaction.NONE;
    for (int attempt = 1; ; attempt++) {
      KubeOperation op = KubeOperation.get("", "secrets", namespace, name);
      try {
        Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
        redaction = Redaction.ofSecret(existing);
        if (existing == null) {
          return StepResult.alreadySatisfied("Secret " + address + " is already gone");
        }
        Map<String, String> labels = existing.getMetadata().getLabels();
        if (labels == null || !SecretFacts.MANAGED_BY_VALUE.equals(labels.get(SecretFacts.MANAGED_BY_LABEL))) {
          throw new StaleActionException(action.id(), List.of("secret/" + address + ": Secret " + address
              + " no longer carries " + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE
              + " (labels now " + (labels == null ? "{}" : labels) + "); it is kept"));
        }
        String resourceVersion = existing.getMetadata().getResourceVersion();
        String summary = "Delete Secret " + address + " (" + SecretFacts.MANAGED_BY_LABEL + "="
            + SecretFacts.MANAGED_BY_VALUE + ", resourceVersion " + resourceVersion + ")";
        String eventMessage = "hybridcni deleted Secret " + address + ", which held the AccessKey it wrote for "
            + "Terway";
        if (DryRunResolver.CLIENT.equals(mode)) {
          return StepResult.dryRun(DryRunResolver.CLIENT, summary + ": described, not sent", List.of(
              request(namespace, name, resourceVersion, false).render(),
              KubeEvents.describe(events.event(KubernetesSecretStore.masked(existing), EVENT_REASON, eventMessage))
                  .render()));
        }
        op = KubeOperation.delete("", "secrets", namespace, name);
        if (mode != null) {
          // A server-side dry run validates the request only, so it goes without the precondition.
          client.secrets().inNamespace(namespace).withName(name).dryRun().delete();
          return StepResult.dryRun(DryRunResolver.SERVER, summary + ": validated by the API server (dryRun=All)",
              List.of(request(namespace, name, resourceVersion, true).render()));
        }
        List<StatusDetails> deleted = client.secrets().inNamespace(namespace).withName(name)
            .lockResourceVersion(resourceVersion).delete();
        if (deleted.isEmpty()) {
          return StepResult.alreadySatisfied("Secret " + address + " is already gone");
        }
        events.emit(existing, EVENT_REASON, eventMessage);
        LOG.info("{}: done", summary);
        return StepResult.applied(summary + ": done");
      } catch (KubernetesClientException e) {
        if (dryRun.mode() == DryRunMode.AUTO && mode != null && DryRunResolver.dryRunUnsupported(e)) {
          LOG.info("delete Secret {}: the API server refused the dry run ({}); describing the request instead",
              address, e.getCode());
          mode = DryRunResolver.CLIENT;
          attempt--;
          continue;
        }
        if (KubeOperation.notFound(e) && op.verb().equals("delete")) {
          return StepResult.alreadySatisfied("Secret " + address + " is already gone");
        }
        boolean retry = KubeOperation.conflict(e) || KubeOperation.transientFailure(e);
        if (!retry || attempt >= maxAttempts) {
          HybridCniException failure = op.failure(e, redaction);
          throw retry ? new HybridCniException("Gave up after " + attempt + " attempts: " + failure.getMessage())
              : failure;
        }
        Duration delay = KubeOperation.conflict(e) ? Duration.ZERO : backoff.delay(attempt);
        LOG.info("{} {}: HTTP {}, attempt {} of {}; reading it again in {} ms", op.verb(), op.address(),
            e.getCode(), attempt, maxAttempts, delay.toMillis());
        context.listener().retrying(action, op.verb() + " Secret " + address, attempt, delay,
            KubeOperation.conflict(e) ? "409 Conflict: the Secret changed since it was read" : "HTTP " + e.getCode());
        Backoff.pause(sleeper, delay);
      }
    }
  }

  private static ClientRequest request(String namespace, String name, String resourceVersion, boolean serverDryRun) {
    DeleteOptionsBuilder options = new DeleteOptionsBuilder().withNewPreconditions()
        .withResourceVersion(resourceVersion).endPreconditions();
    if (serverDryRun) {
      options.withDryRun("All");
    }
    return new ClientRequest("DELETE", Resources.path("", "v1", "secrets", namespace, name),
        Serialization.asJson(options.build()));
  }

  /** Builds a {@link SecretDeletionExecutor}; every setting has a default. */
  public static final class Builder {
    private final KubernetesClient client;
    private DryRunMode dryRunMode = DryRunMode.AUTO;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Sleeper sleeper = Sleeper.REAL;
    private Clock clock = Clock.systemUTC();
    private Duration initialBackoff = Backoff.DEFAULT.initial();
    private Duration maxBackoff = Backoff.DEFAULT.max();

    private Builder(KubernetesClient client) {
      this.client = client;
    }

    /** How dry runs are performed. Default {@link DryRunMode#AUTO}. */
    public Builder dryRunMode(DryRunMode value) {
      this.dryRunMode = Objects.requireNonNull(value, "dryRunMode");
      return this;
    }

    /** Attempts, the first included. Default {@value SecretDeletionExecutor#DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, found " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /** Waits between attempts. Default {@link Sleeper#REAL}. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** Timestamps of the recorded Events. Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The first and the largest wait between attempts after throttling or a server error. Default 200 ms, 5 s. */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff needs 0 <= initial <= max, found " + initial + " and " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** The configured executor. */
    public SecretDeletionExecutor build() {
      return new SecretDeletionExecutor(this);
    }
  }
}
