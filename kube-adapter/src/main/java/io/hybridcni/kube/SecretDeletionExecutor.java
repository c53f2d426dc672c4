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

/**
 * Runs {@link ActionKind#DELETE_SECRET}: deletes the AccessKey Secret, but only while it still carries
 * {@code app.kubernetes.io/managed-by=hybridcni}. The Secret is read first; a Secret that is gone is
 * {@link io.hybridcni.apply.StepStatus#ALREADY_SATISFIED}, one without the label stops with a
 * {@link StaleActionException} and is kept. The delete carries the read {@code resourceVersion} as a precondition,
 * so a Secret changed between the read and the delete is not deleted unseen: the API server answers 409 and the
 * Secret is read and checked again. Conflicts, throttling (429), server errors (5xx) and lost connections are
 * retried with capped exponential backoff, a bounded number of times, on the one write skeleton
 * ({@link KubeWriteLoop}): after a delete whose answer was lost the Secret is read back, and one found gone then
 * is this run's deletion, with its Event. A deletion records a {@value #EVENT_REASON} Event. The Secret's values
 * appear nowhere: the executor never reads them out.
 */
public final class SecretDeletionExecutor implements ActionExecutor<ActionDetail.SecretDeletion> {

  /** The reason of the Event recorded when the Secret is deleted. */
  public static final String EVENT_REASON = "AccessKeySecretDeleted";
  /** Default number of attempts, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final KubeWriteLoop<Secret> loop;

  private SecretDeletionExecutor(Builder b) {
    // As in KubernetesSecretStore: fabric8's own retries are off, so that the attempts are the ones set here.
    RequestConfig noRetries = new RequestConfigBuilder(b.client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.client = b.client.newClient(noRetries).adapt(KubernetesClient.class);
    this.loop = new KubeWriteLoop<>(new KubeEvents(b.client, b.clock), new DryRunResolver(b.client, b.dryRunMode),
        b.maxAttempts, b.sleeper, EVENT_REASON, KubernetesSecretStore::masked)
        .withServerErrorBackoff(new Backoff(b.initialBackoff, b.maxBackoff));
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
    // The Secret as last read: once it was seen, a read that finds it gone is this run's deletion (its answer lost)
    // or somebody else's, and the loop tells which.
    Secret[] seen = new Secret[1];
    return loop.run(action, target(namespace, name, seen), context, (attempt, existing) -> {
      if (existing == null) {
        String gone = "Secret " + address + " is already gone";
        return seen[0] == null ? KubeWriteLoop.Prepared.done(StepResult.alreadySatisfied(gone))
            : new KubeWriteLoop.Prepared.Unchanged<>(seen[0], "Secret " + address + " deleted", gone, () -> { });
      }
      seen[0] = existing;
      Map<String, String> labels = existing.getMetadata().getLabels();
      if (labels == null || !SecretFacts.MANAGED_BY_VALUE.equals(labels.get(SecretFacts.MANAGED_BY_LABEL))) {
        throw new StaleActionException(action.id(), List.of("secret/" + address + ": Secret " + address
            + " no longer carries " + SecretFacts.MANAGED_BY_LABEL + "=" + SecretFacts.MANAGED_BY_VALUE
            + " (labels now " + (labels == null ? "{}" : labels) + "); it is kept"));
      }
      String summary = "Delete Secret " + address + " (" + SecretFacts.MANAGED_BY_LABEL + "="
          + SecretFacts.MANAGED_BY_VALUE + ", resourceVersion " + existing.getMetadata().getResourceVersion() + ")";
      return KubeWriteLoop.Prepared.write(existing, summary, "hybridcni deleted Secret " + address
          + ", which held the AccessKey it wrote for Terway");
    });
  }

  /**
   * The Secret read and deleted without fabric8's retries; the delete carries the read {@code resourceVersion} as a
   * precondition (a server-side dry run validates the request only, so it goes without one), and a Secret already
   * gone (404, or fabric8's empty answer) is answered {@code null}.
   */
  private KubeWriteLoop.Target<Secret> target(String namespace, String name, Secret[] seen) {
    return new KubeWriteLoop.Target<>() {
      @Override
      public String address() {
        return namespace + "/" + name;
      }

      @Override
      public KubeOperation update() {
        return KubeOperation.delete("", "secrets", namespace, name);
      }

      @Override
      public Redaction redaction(Secret object) {
        // A server or webhook refusing the delete may echo the object it refused: what it holds is scrubbed.
        return Redaction.ofSecret(object == null ? seen[0] : object);
      }

      @Override
      public Secret read() {
        return client.secrets().inNamespace(namespace).withName(name).get();
      }

      @Override
      public Secret write(Secret object, boolean serverDryRun) {
        var resource = client.secrets().inNamespace(namespace).withName(name);
        if (serverDryRun) {
          resource.dryRun().delete();
          return object;
        }
        try {
          List<StatusDetails> deleted = resource.lockResourceVersion(object.getMetadata().getResourceVersion())
              .delete();
          return deleted.isEmpty() ? null : object;
        } catch (KubernetesClientException e) {
          if (KubeOperation.notFound(e)) {
            return null;
          }
          throw e;
        }
      }

      @Override
      public ClientRequest request(Secret object, boolean serverDryRun) {
        return SecretDeletionExecutor.request(namespace, name, object.getMetadata().getResourceVersion(),
            serverDryRun);
      }

      @Override
      public String noun() {
        return "Secret";
      }
    };
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
