package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.error.StaleActionException;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ActionKind#RESTART_TERWAY}: restarts Terway's pods so that they read the AccessKey now in their
 * Secret, as {@code kubectl rollout restart} does, and waits for the rollout.
 *
 * <p>Terway reads {@code access-key-id}/{@code access-key-secret} once, when its daemon starts
 * (AliyunContainerService/terway {@code types/daemon/config.go} GetConfigFromFileWithMerge and GetAddonSecret,
 * used by {@code daemon/builder.go} to build one static AKPairProvider): kubelet refreshing the mounted file does
 * not reach a running daemon. {@code kubectl rollout restart} sets the pod-template annotation
 * {@code kubectl.kubernetes.io/restartedAt} to the current time (kubernetes/kubectl
 * {@code pkg/polymorphichelpers/objectrestarter.go}); a changed template makes the DaemonSet controller replace
 * every pod. This executor writes that annotation (its clock's time, in UTC, RFC 3339) and
 * {@value TerwayFacts#RESTARTED_FOR_KEY_ANNOTATION} (the hash of the key id the Secret holds now), so that a later
 * run can tell for which key Terway was last restarted. The write is a read-modify-write {@code update()} carrying
 * the {@code resourceVersion} just read (a 409 reads again); a write whose answer was lost is read back (the
 * annotation with this key's hash shows it done). The template already carrying this key's hash is not written
 * again: only its rollout is waited for.
 *
 * <p>The rollout is done when the DaemonSet controller observed the written generation
 * ({@code status.observedGeneration >= metadata.generation}) and {@code updatedNumberScheduled ==
 * desiredNumberScheduled} with {@code numberUnavailable == 0} (as {@code kubectl rollout status} judges it,
 * kubernetes/kubectl {@code pkg/polymorphichelpers/rollout_status.go} DaemonSetStatusViewer; the fields are set by
 * kubernetes {@code pkg/controller/daemon/daemon_controller.go} updateDaemonSetStatus). Each poll reports progress
 * to {@link io.hybridcni.apply.ApplyListener#waitingForRollout}; a rollout not done within the timeout fails the
 * action (so that no old key is deleted after it), saying how far it got. A DaemonSet with
 * {@code updateStrategy: OnDelete} restarts nothing when its template changes: it is refused before any write.
 */
public final class TerwayRestartExecutor implements ActionExecutor<ActionDetail.TerwayRestart> {

  private static final Logger LOG = LoggerFactory.getLogger(TerwayRestartExecutor.class);

  /** The annotation {@code kubectl rollout restart} sets on the pod template. */
  public static final String RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";
  /** The reason of the Event recorded on the DaemonSet. */
  public static final String EVENT_REASON = "TerwayRestarted";
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final KubernetesClient writer;
  private final DryRunResolver dryRun;
  private final KubeEvents events;
  private final KubeWriteLoop<DaemonSet> loop;
  private final Clock clock;
  private final RolloutWait rollouts;
  private final Duration timeout;

  private TerwayRestartExecutor(Builder b) {
    this.client = b.client;
    // As for the CNI exclusion: the write goes without fabric8's own retries, so that every lost answer is seen
    // here and read back; reads keep them.
    RequestConfig noRetries = new RequestConfigBuilder(b.client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.writer = b.client.newClient(noRetries).adapt(KubernetesClient.class);
    this.dryRun = new DryRunResolver(b.client, b.dryRunMode);
    this.events = new KubeEvents(b.client, b.clock);
    this.clock = b.clock;
    this.rollouts = new RolloutWait(b.client, b.sleeper, b.pollInterval);
    this.timeout = b.timeout;
    this.loop = new KubeWriteLoop<>(events, dryRun, b.maxAttempts, b.sleeper, EVENT_REASON, UnaryOperator.identity());
  }

  /** An executor working through {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public Class<ActionDetail.TerwayRestart> detailType() {
    return ActionDetail.TerwayRestart.class;
  }

  @Override
  public Set<ActionKind> kinds() {
    return Set.of(ActionKind.RESTART_TERWAY);
  }

  @Override
  public StepResult execute(Action action, ActionDetail.TerwayRestart detail, ExecutionContext context) {
    WorkloadRef ref = detail.daemonSet();
    String mode = context.dryRun() ? dryRun.resolve() : null;
    return loop.run(action, target(action, ref), context, (attempt, ds) -> {
      String keyHash = keyHash(action, detail, ds);
      if (keyHash.equals(TerwayReader.restartedForKey(ds))) {
        if (context.dryRun()) {
          return KubeWriteLoop.Prepared.done(StepResult.dryRun(mode, ref.address() + " was already restarted for "
              + "the key in Secret " + detail.secretNamespace() + "/" + detail.secretName() + "; its rollout would "
              + "be waited for", List.of()));
        }
        String message = ref.address() + " runs with the key in Secret " + detail.secretNamespace() + "/"
            + detail.secretName();
        // Restarted already (by this run's write whose answer was lost, or an earlier run): wait for that rollout.
        return new KubeWriteLoop.Prepared.Unchanged<>(ds, message, message + ": it was restarted for that key "
            + "already", () -> awaitRollout(action, context, ref, generation(ds)));
      }
      if (ds.getSpec() != null && ds.getSpec().getUpdateStrategy() != null
          && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType())) {
        throw new HybridCniException(action.id() + ": " + ref.address() + " has updateStrategy OnDelete, so a "
            + "template change restarts none of its pods and they keep the old AccessKey; delete its pods (or set "
            + "updateStrategy RollingUpdate) and run apply again. Nothing was written.");
      }
      Map<String, String> annotations = new LinkedHashMap<>();
      Map<String, String> existing = TerwayReader.templateAnnotations(ds);
      if (existing != null) {
        annotations.putAll(existing);
      }
      annotations.put(RESTARTED_AT_ANNOTATION,
          DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
      annotations.put(TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION, keyHash);
      if (ds.getSpec().getTemplate().getMetadata() == null) {
        ds.getSpec().getTemplate().setMetadata(new ObjectMeta());
      }
      ds.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
      String summary = "Restart " + ref.address() + " (pod-template annotations " + RESTARTED_AT_ANNOTATION + ", "
          + TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION + ") so that its pods read the new AccessKey in Secret "
          + detail.secretNamespace() + "/" + detail.secretName();
      return new KubeWriteLoop.Prepared.Write<>(ds, summary, eventMessage(detail), written -> {
        LOG.info("{}: {}: written (generation {}); waiting for the rollout", action.id(), summary,
            generation(written));
        awaitRollout(action, context, ref, generation(written));
        return StepResult.applied(summary + ": done, every pod updated and available");
      });
    });
  }

  /** Terway's DaemonSet as the write loop reads and writes it. */
  private KubeWriteLoop.Target<DaemonSet> target(Action action, WorkloadRef ref) {
    return new KubeWriteLoop.Target<>() {
      @Override
      public String address() {
        return ref.address();
      }

      @Override
      public KubeOperation update() {
        return KubeOperation.update("apps", "daemonsets", ref.namespace(), ref.name());
      }

      @Override
      public DaemonSet read() {
        return TerwayRestartExecutor.this.read(action, ref);
      }

      @Override
      public DaemonSet write(DaemonSet ds, boolean serverDryRun) {
        var resource = writer.apps().daemonSets().inNamespace(ref.namespace()).resource(ds);
        return serverDryRun ? resource.dryRun().update() : resource.update();
      }

      @Override
      public ClientRequest request(DaemonSet ds, boolean serverDryRun) {
        return TerwayRestartExecutor.request(ref, ds, serverDryRun);
      }

      @Override
      public String noun() {
        return "DaemonSet";
      }
    };
  }

  private DaemonSet read(Action action, WorkloadRef ref) {
    DaemonSet ds = KubeOperation.get("apps", "daemonsets", ref.namespace(), ref.name())
        .run(() -> client.apps().daemonSets().inNamespace(ref.namespace()).withName(ref.name()).get());
    if (ds == null || ds.getSpec() == null || ds.getSpec().getTemplate() == null) {
      throw new StaleActionException(action.id(), List.of(ref.address() + " no longer exists"));
    }
    return ds;
  }

  /** The hash of the key id the Secret holds now, after checking the DaemonSet still reads that Secret. */
  private String keyHash(Action action, ActionDetail.TerwayRestart detail, DaemonSet ds) {
    WorkloadRef ref = detail.daemonSet();
    if (!ref.namespace().equals(detail.secretNamespace())
        || !TerwayReader.secretNames(ds).contains(detail.secretName())) {
      throw new StaleActionException(action.id(), List.of(ref.address() + " no longer reads Secret "
          + detail.secretNamespace() + "/" + detail.secretName() + " (it reads " + TerwayReader.secretNames(ds)
          + ")"));
    }
    Secret secret = SecretReader.get(client, detail.secretNamespace(), detail.secretName());
    String hash = secret == null ? null : SecretReader.facts(secret).valueHashes().get("access-key-id");
    if (hash == null) {
      throw new StaleActionException(action.id(), List.of("Secret " + detail.secretNamespace() + "/"
          + detail.secretName() + (secret == null ? " no longer exists" : " holds no access-key-id")
          + ": there is no key to restart Terway for"));
    }
    return hash;
  }

  /** Polls the DaemonSet until its rollout of {@code generation} is done, or fails after the timeout. */
  private void awaitRollout(Action action, ExecutionContext context, WorkloadRef ref, long generation) {
    rollouts.await(action, context, ref, Duration.ZERO, timeout, null, ds -> {
      RolloutWait.Rollout rollout = RolloutWait.Rollout.of(ds, generation);
      return rollout.done() ? RolloutWait.Poll.done("rollout done: " + rollout)
          : RolloutWait.Poll.waiting(rollout.toString(), rollout);
    }, (ending, last, waited, unchangedFor) -> new HybridCniException(action.id() + ": the rollout of "
        + ref.address() + " did not finish within " + timeout + ": " + last.progress() + ". Terway's pods may "
        + "still run with the old AccessKey, so no old key is deleted; see kubectl -n " + ref.namespace()
        + " rollout status daemonset/" + ref.name() + ", then run apply again."));
  }

  private static long generation(DaemonSet ds) {
    Long g = ds.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  private static String eventMessage(ActionDetail.TerwayRestart detail) {
    return "hybridcni restarted Terway's pods so that they read the new AccessKey in Secret "
        + detail.secretNamespace() + "/" + detail.secretName() + " (Terway reads it only when it starts)";
  }

  private static ClientRequest request(WorkloadRef ref, DaemonSet ds, boolean dryRun) {
    return new ClientRequest("PUT", "/apis/apps/v1/namespaces/" + ref.namespace() + "/daemonsets/" + ref.name()
        + (dryRun ? "?dryRun=All" : ""), Serialization.asJson(ds));
  }

  /** Builds a {@link TerwayRestartExecutor}; every setting has a default. */
  public static final class Builder {
    private final KubernetesClient client;
    private DryRunMode dryRunMode = DryRunMode.AUTO;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(KubernetesClient client) {
      this.client = client;
    }

    /** How dry runs are performed. Default {@link DryRunMode#AUTO}. */
    public Builder dryRunMode(DryRunMode value) {
      this.dryRunMode = Objects.requireNonNull(value, "dryRunMode");
      return this;
    }

    /** The time written into {@code kubectl.kubernetes.io/restartedAt} and Events. Default the system's, UTC. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** How waits between polls and after a 429 are spent. Default {@link Sleeper#REAL}. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** Write attempts (conflicts, lost answers, 429s), the first included. Default 5. */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, found " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /** The time between two reads of the rollout's status. Default 2 seconds. */
    public Builder pollInterval(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("pollInterval must be positive, found " + value);
      }
      this.pollInterval = value;
      return this;
    }

    /** How long the rollout may take before the action fails. Default 10 minutes. */
    public Builder timeout(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("timeout must not be negative, found " + value);
      }
      this.timeout = value;
      return this;
    }

    public TerwayRestartExecutor build() {
      return new TerwayRestartExecutor(this);
    }
  }
}
