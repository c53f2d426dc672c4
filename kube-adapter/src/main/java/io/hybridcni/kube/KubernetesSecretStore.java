package io.hybridcni.kube;

import io.hybridcni.apply.Sleeper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.StepResult;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretStore;
import io.hybridcni.port.SecretValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an AccessKey into a Kubernetes Secret: keys {@value #ACCESS_KEY_ID} and {@value #ACCESS_KEY_SECRET} in
 * {@code data} (base64; {@code stringData} is not used), type {@code Opaque}, label
 * {@code app.kubernetes.io/managed-by=hybridcni}. An existing Secret keeps its other keys and labels and is
 * written with {@code update()} carrying the {@code resourceVersion} just read. The write runs on the one write
 * skeleton ({@link KubeWriteLoop}): a conflict (409) reads again at once; throttling (429), server errors (5xx) and
 * lost connections are retried with capped exponential backoff, a bounded number of times (fabric8's own retries
 * are switched off for the store's requests); after a write whose answer was lost the Secret is read back, and one
 * holding the key counts as written. Every write records one Event ({@value #EVENT_REASON}) on the Secret, a lost
 * answer's included; a failure after a lost answer says the Secret may hold the key ({@code outcomeUnknown()}).
 *
 * <p>The secret value is sent in the write and nowhere else: not in logs, Events, results or exception messages
 * (server answers are scrubbed of it), and a client-side dry run masks every value of the Secret.
 */
public final class KubernetesSecretStore implements SecretStore {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesSecretStore.class);

  public static final String ACCESS_KEY_ID = "access-key-id";
  public static final String ACCESS_KEY_SECRET = "access-key-secret";
  public static final String OPAQUE = "Opaque";
  /** The reason of the Event recorded on every write. */
  public static final String EVENT_REASON = "AccessKeySecretWritten";
  /** Default number of attempts of one write. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final int maxAttempts;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final KubeWriteLoop<Secret> loop;

  private KubernetesSecretStore(Builder b) {
    // fabric8 retries 429 and 5xx itself (ten times by default); this store's retries are the only ones, so that
    // their number is the one configured here and every wait goes through the injected Sleeper. The derived
    // client shares the caller's connections and is not closed here.
    RequestConfig noRetries = new RequestConfigBuilder(b.client.getConfiguration().getRequestConfig())
        .withRequestRetryBackoffLimit(0).build();
    this.client = b.client.newClient(noRetries).adapt(KubernetesClient.class);
    this.maxAttempts = b.maxAttempts;
    this.sleeper = b.sleeper;
    this.backoff = new Backoff(b.initialBackoff, b.maxBackoff);
    this.loop = new KubeWriteLoop<>(new KubeEvents(b.client, b.clock), new DryRunResolver(b.client, b.dryRunMode),
        b.maxAttempts, b.sleeper, EVENT_REASON, KubernetesSecretStore::masked).withServerErrorBackoff(backoff);
  }

  /** A store writing through {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  @Override
  public void writeAccessKey(String namespace, String name, AccessKeyCredential credential) {
    write(namespace, name, credential, false);
  }

  /**
   * Writes the AccessKey, or with {@code dryRun} performs the dry run the store's {@link DryRunMode} selects: the
   * result then says {@code server} (the API server validated a {@code dryRun=All} write) or {@code client} (the
   * request is described, values masked, and nothing is sent).
   *
   * @throws HybridCniException when the write fails for good; the message never carries the secret
   */
  public StepResult write(String namespace, String name, AccessKeyCredential credential, boolean dryRun) {
    Objects.requireNonNull(credential, "credential");
    String secretText = credential.accessKeySecret().reveal();
    String address = namespace + "/" + name;
    String keys = ACCESS_KEY_ID + " and " + ACCESS_KEY_SECRET + " of AccessKey " + credential.accessKeyId();
    String eventMessage = "hybridcni wrote AccessKey " + credential.accessKeyId() + " to keys " + ACCESS_KEY_ID
        + " and " + ACCESS_KEY_SECRET;
    return loop.run("write Secret " + address, target(namespace, name, secretText), dryRun, KubeWriteLoop.Retries.NONE,
        (attempt, existing) -> {
          if (attempt > 1 && holds(existing, credential.accessKeyId(), secretText)) {
            // After a write whose answer was lost (or another writer's), the Secret holds the key: that is done, and
            // the loop records the Event the lost answer did not.
            String held = "Secret " + address + " holds " + keys;
            return new KubeWriteLoop.Prepared.Unchanged<>(existing, held, held, () -> { });
          }
          check(existing, address);
          Secret desired = desired(existing, namespace, name, credential.accessKeyId(), secretText);
          String summary = (existing == null ? "Create" : "Update") + " Secret " + address + " with " + keys;
          return KubeWriteLoop.Prepared.write(desired, summary, eventMessage);
        });
  }

  /**
   * The Secret read and written without fabric8's retries: created when it was read as absent, else updated with
   * the {@code resourceVersion} read. Every value the write carries is scrubbed from failures (a webhook echoing
   * the object echoes them all), and the secret from a failed read too.
   */
  private KubeWriteLoop.Target<Secret> target(String namespace, String name, String secretText) {
    return new KubeWriteLoop.Target<>() {
      @Override
      public String address() {
        return namespace + "/" + name;
      }

      @Override
      public KubeOperation update() {
        return KubeOperation.update("", "secrets", namespace, name);
      }

      @Override
      public KubeOperation operation(Secret object) {
        return creates(object) ? KubeOperation.create("", "secrets", namespace, name) : update();
      }

      @Override
      public Redaction redaction(Secret object) {
        return object == null ? Redaction.of(secretText) : Redaction.ofSecret(object, secretText);
      }

      @Override
      public Secret read() {
        return client.secrets().inNamespace(namespace).withName(name).get();
      }

      @Override
      public Secret write(Secret object, boolean serverDryRun) {
        return send(object, creates(object), serverDryRun);
      }

      @Override
      public ClientRequest request(Secret object, boolean serverDryRun) {
        return KubernetesSecretStore.request(masked(object), creates(object), serverDryRun);
      }

      @Override
      public String noun() {
        return "Secret";
      }
    };
  }

  /** A Secret built from nothing (read as absent) carries no {@code resourceVersion}: it is created. */
  private static boolean creates(Secret object) {
    String version = object.getMetadata().getResourceVersion();
    return version == null || version.isEmpty();
  }

  /**
   * Reads the Secret and answers the AccessKey id in its {@value #ACCESS_KEY_ID}; empty when the Secret or the key is
   * absent. Throttling, 5xx and lost connections are retried like a write.
   *
   * @throws HybridCniException when the Secret cannot be read
   */
  @Override
  public Optional<String> accessKeyIdIn(String namespace, String name) {
    KubeOperation op = KubeOperation.get("", "secrets", namespace, name);
    for (int attempt = 1; ; attempt++) {
      try {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(decoded(secret, ACCESS_KEY_ID));
      } catch (KubernetesClientException e) {
        if (!KubeOperation.transientFailure(e) || attempt >= maxAttempts) {
          throw op.failure(e, Redaction.NONE);
        }
        Duration delay = backoff.delay(attempt);
        LOG.info("get {}: HTTP {}, attempt {} of {}; retrying in {} ms", op.address(), e.getCode(), attempt,
            maxAttempts, delay.toMillis());
        Backoff.pause(sleeper, delay);
      }
    }
  }

  /**
   * Reads the AccessKey the Secret holds, in memory, for the lookup of its owner: empty when the Secret, either
   * key, or valid base64 in either is absent, and when the Secret carries hybridcni's
   * {@code app.kubernetes.io/managed-by=hybridcni} label (a key hybridcni wrote is its own user's, never adopted,
   * so its secret is not read at all). The secret is held only by the returned credential (masked in every
   * rendering); it is never logged, and a failed read names the Secret, not its values. Retries transient failures
   * as {@link #accessKeyIdIn} does.
   */
  @Override
  public Optional<AccessKeyCredential> readAccessKey(String namespace, String name) {
    KubeOperation op = KubeOperation.get("", "secrets", namespace, name);
    for (int attempt = 1; ; attempt++) {
      try {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret != null && secret.getMetadata().getLabels() != null && SecretFacts.MANAGED_BY_VALUE.equals(
            secret.getMetadata().getLabels().get(SecretFacts.MANAGED_BY_LABEL))) {
          return Optional.empty();
        }
        String id = decoded(secret, ACCESS_KEY_ID);
        String secretText = decoded(secret, ACCESS_KEY_SECRET);
        if (id == null || id.isEmpty() || secretText == null || secretText.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(new AccessKeyCredential(id, SecretValue.of(secretText)));
      } catch (KubernetesClientException e) {
        if (!KubeOperation.transientFailure(e) || attempt >= maxAttempts) {
          throw op.failure(e, Redaction.NONE);
        }
        Duration delay = backoff.delay(attempt);
        LOG.info("get {}: HTTP {}, attempt {} of {}; retrying in {} ms", op.address(), e.getCode(), attempt,
            maxAttempts, delay.toMillis());
        Backoff.pause(sleeper, delay);
      }
    }
  }

  /** Whether the Secret holds exactly this key id and secret (so a write of them would change nothing in them). */
  private static boolean holds(Secret secret, String accessKeyId, String secretText) {
    return accessKeyId.equals(decoded(secret, ACCESS_KEY_ID)) && secretText.equals(decoded(secret, ACCESS_KEY_SECRET));
  }

  private static String decoded(Secret secret, String key) {
    if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  private static void check(Secret existing, String address) {
    if (existing == null) {
      return;
    }
    String type = existing.getType();
    if (type != null && !type.isEmpty() && !OPAQUE.equals(type)) {
      throw new HybridCniException("Secret " + address + " has type " + type + ", but Terway reads an " + OPAQUE
          + " Secret and a Secret's type cannot be changed: delete the Secret or set secret.name to another one.");
    }
    if (Boolean.TRUE.equals(existing.getImmutable())) {
      throw new HybridCniException("Secret " + address + " is immutable: delete it or set secret.name to another "
          + "one so that hybridcni can write the AccessKey.");
    }
  }

  private Secret send(Secret desired, boolean create, boolean serverDryRun) {
    var resource = client.secrets().inNamespace(desired.getMetadata().getNamespace()).resource(desired);
    if (serverDryRun) {
      return create ? resource.dryRun().create() : resource.dryRun().update();
    }
    return create ? resource.create() : resource.update();
  }

  private static ClientRequest request(Secret body, boolean create, boolean serverDryRun) {
    String ns = body.getMetadata().getNamespace();
    String path = create ? Resources.path("", "v1", "secrets", ns, null)
        : Resources.path("", "v1", "secrets", ns, body.getMetadata().getName());
    return new ClientRequest(create ? "POST" : "PUT", path + (serverDryRun ? "?dryRun=All" : ""),
        Serialization.asJson(body));
  }

  /** The Secret to send: the existing one (all of it) with the two keys and the label set, or a new one. */
  static Secret desired(Secret existing, String namespace, String name, String accessKeyId, String secretText) {
    Secret base = existing == null
        ? new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
            .withType(OPAQUE).build()
        : new SecretBuilder(existing).build();
    Map<String, String> labels = new LinkedHashMap<>();
    if (base.getMetadata().getLabels() != null) {
      labels.putAll(base.getMetadata().getLabels());
    }
    labels.put(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE);
    base.getMetadata().setLabels(labels);
    Map<String, String> data = new LinkedHashMap<>();
    if (base.getData() != null) {
      data.putAll(base.getData());
    }
    data.put(ACCESS_KEY_ID, base64(accessKeyId));
    data.put(ACCESS_KEY_SECRET, base64(secretText));
    base.setData(data);
    if (base.getType() == null || base.getType().isEmpty()) {
      base.setType(OPAQUE);
    }
    return base;
  }

  /** A copy with every value of {@code data} replaced by {@link SecretValue#MASK}. */
  static Secret masked(Secret secret) {
    Secret copy = new SecretBuilder(secret).build();
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().keySet().forEach(k -> data.put(k, SecretValue.MASK));
    }
    copy.setData(data);
    copy.setStringData(null);
    return copy;
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** Builds a {@link KubernetesSecretStore}; every setting has a default. */
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

    /** Attempts of one write, the first included. Default {@value KubernetesSecretStore#DEFAULT_MAX_ATTEMPTS}. */
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

    /** The first and the largest wait between attempts. Default 200 ms and 5 s. */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff needs 0 <= initial <= max, found " + initial + " and " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** The configured store. */
    public KubernetesSecretStore build() {
      return new KubernetesSecretStore(this);
    }
  }
}
