package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.LockUnavailableException;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.error.HybridCniException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply lock as a {@code coordination.k8s.io/v1} Lease (default {@code kube-system/hybridcni-apply}), judged the
 * way client-go's leader election judges one ({@code tools/leaderelection}: {@code observedRecord},
 * {@code observedTime}, {@code tryAcquireOrRenew}), so that no clock skew between the appliers matters:
 *
 * <ul>
 *   <li>A candidate takes a held Lease as expired only once it has itself watched the record (holder, renewTime,
 *       leaseTransitions, resourceVersion) stay unchanged for the record's {@code leaseDurationSeconds}, on its own
 *       monotonic {@link Ticker}. The holder's {@code renewTime} is written for people and other tools, never compared
 *       with the local clock: a crashed holder whose clock ran an hour ahead blocks nobody for longer than the lease
 *       duration (plus a poll), and a candidate whose clock runs ahead still waits a full lease duration.</li>
 *   <li>The holder renews every {@code renewPeriod}; once it has not renewed for {@code renewDeadline} (shorter than
 *       the lease duration, as in client-go) by its own ticker, the lock is {@link Held#lost() lost} for good: the
 *       Reconciler stops before its next action, well before any candidate can have seen the lease expire.</li>
 *   <li>Every write carries the resourceVersion it was based on; a 409 means someone else wrote first. A write whose
 *       answer was lost (a 5xx, a timeout, or a 409 because the client retried a write that had committed) is
 *       followed by a read of the Lease: if it names this holder with the renewTime just written, it happened.</li>
 *   <li>Closing deletes the Lease with a resourceVersion precondition, so a Lease another holder took over is never
 *       deleted: first the version this holder last wrote (one request when nobody touched it since), and after a 409
 *       the version of a fresh read that still names this holder.</li>
 *   <li>A lock whose last release deleted the Lease tries to create it first on its next acquire, without the read
 *       before (one request instead of two for a process that takes and releases it round after round, as the
 *       controller does); a create is atomic, so when someone else made the Lease meanwhile the create answers 409 and
 *       the acquire reads it and goes on as always.</li>
 * </ul>
 */
public final class LeaseApplyLock implements ApplyLock {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseApplyLock.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Duration leaseDuration;
  private final Duration renewDeadline;
  private final Duration renewPeriod;
  private final Duration pollInterval;
  private final Clock clock;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private final boolean backgroundRenewal;
  /** This lock's last release deleted the Lease: the next acquire tries a create before any read. */
  private volatile boolean releasedByDelete;

  private LeaseApplyLock(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.name = b.name;
    this.leaseDuration = b.leaseDuration;
    this.renewDeadline = b.renewDeadline != null ? b.renewDeadline : b.leaseDuration.multipliedBy(2).dividedBy(3);
    this.renewPeriod = b.renewPeriod != null ? b.renewPeriod : b.leaseDuration.dividedBy(6);
    this.pollInterval = b.pollInterval;
    this.clock = b.clock;
    this.ticker = b.ticker;
    this.sleeper = b.sleeper;
    this.backgroundRenewal = b.backgroundRenewal;
    if (renewDeadline.compareTo(leaseDuration) >= 0) {
      throw new IllegalArgumentException("the renew deadline (" + renewDeadline + ") must be shorter than the lease "
          + "duration (" + leaseDuration + "), or a holder could still write after a candidate took the lease over");
    }
    if (renewPeriod.isZero() || renewPeriod.isNegative() || renewPeriod.compareTo(renewDeadline) >= 0) {
      throw new IllegalArgumentException("the renew period (" + renewPeriod + ") must be positive and shorter than "
          + "the renew deadline (" + renewDeadline + ")");
    }
  }

  /** A builder for a lock on {@code client}'s cluster. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  private String address() {
    return "Lease " + namespace + "/" + name;
  }

  /** The parts of a Lease whose change shows that its holder is alive (client-go compares the whole record). */
  private record Record(String holder, Instant renewTime, Integer leaseTransitions, Integer leaseDurationSeconds,
      String resourceVersion) {

    static Record of(Lease lease) {
      LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
      return new Record(spec.getHolderIdentity(), spec.getRenewTime() == null ? null : spec.getRenewTime().toInstant(),
          spec.getLeaseTransitions(), spec.getLeaseDurationSeconds(), lease.getMetadata().getResourceVersion());
    }

    boolean free() {
      return holder == null || holder.isEmpty();
    }
  }

  @Override
  public Held acquire(String holder, Duration wait) {
    Objects.requireNonNull(holder, "holder");
    long waitUntil = ticker.nanos() + Math.min(wait.toNanos(), Long.MAX_VALUE / 4);
    Record watched = null;
    long watchedSince = 0;
    // Gone when this lock deleted it last; if not, the create answers 409 and the loop reads it.
    boolean assumeAbsent = releasedByDelete;
    releasedByDelete = false;
    while (true) {
      Lease current = assumeAbsent ? null : get();
      assumeAbsent = false;
      long now = ticker.nanos();
      if (current == null) {
        Instant at = wallNow();
        Lease created = new LeaseBuilder()
            .withNewMetadata().withNamespace(namespace).withName(name)
            .addToLabels("app.kubernetes.io/managed-by", "hybridcni").endMetadata()
            .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(leaseSeconds())
            .withAcquireTime(micro(at)).withRenewTime(micro(at)).withLeaseTransitions(0).endSpec()
            .build();
        Write result = write("create", () -> client.leases().inNamespace(namespace).resource(created).create(),
            holder, at);
        if (result.lease() != null) {
          return hold(holder, result.lease(), now);
        }
        pauseAfterUnwritten(result, waitUntil, "create");
        continue;
      }
      Record record = Record.of(current);
      if (!record.equals(watched)) {
        watched = record;
        watchedSince = now;
      }
      if (!record.free() && !record.holder().equals(holder)) {
        Duration duration = record.leaseDurationSeconds() == null || record.leaseDurationSeconds() <= 0
            ? leaseDuration : Duration.ofSeconds(record.leaseDurationSeconds());
        long watchedFor = now - watchedSince;
        if (watchedFor < duration.toNanos()) {
          Duration left = duration.minusNanos(watchedFor);
          long waitLeft = waitUntil - now;
          if (waitLeft <= 0) {
            throw new LockUnavailableException(address(), record.holder(), left);
          }
          sleep(min(pollInterval, left, Duration.ofNanos(waitLeft)));
          continue;
        }
        LOG.warn("Taking over {} from {}: this process watched it unchanged for {} s, its lease duration",
            address(), record.holder(), duration.toSeconds());
      }
      Instant at = wallNow();
      boolean same = holder.equals(record.holder());
      LeaseSpec spec = current.getSpec();
      int transitions = spec == null || spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
      Lease next = new LeaseBuilder(current)
          .editOrNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(leaseSeconds())
          .withAcquireTime(same && spec.getAcquireTime() != null ? spec.getAcquireTime() : micro(at))
          .withRenewTime(micro(at))
          .withLeaseTransitions(same ? transitions : transitions + 1).endSpec()
          .build();
      Write result = write("take over", () -> client.leases().inNamespace(namespace).resource(next).update(),
          holder, at);
      if (result.lease() != null) {
        return hold(holder, result.lease(), now);
      }
      pauseAfterUnwritten(result, waitUntil, "take over");
    }
  }

  /**
   * After a write that did not happen: a conflict means another writer moved first (look again at once); a failure
   * whose outcome the Lease shows did not happen is tried again after a poll, until the wait is over.
   */
  private void pauseAfterUnwritten(Write result, long waitUntil, String verb) {
    if (result.failure() == null) {
      return;
    }
    long waitLeft = waitUntil - ticker.nanos();
    if (waitLeft <= 0) {
      throw new HybridCniException("Could not " + verb + " " + address() + ": " + describe(result.failure())
          + "; a read afterwards shows it did not happen, so nothing is held", result.failure());
    }
    LOG.warn("Could not {} {} ({}); a read shows it did not happen; trying again", verb, address(),
        describe(result.failure()));
    sleep(min(pollInterval, Duration.ofNanos(waitLeft)));
  }

  /**
   * What a Lease write came to: the Lease as written (it happened), or nothing with the failure that stopped it
   * ({@code null}: another writer moved first), and the Lease as read afterwards.
   */
  private record Write(Lease lease, KubernetesClientException failure, Lease readAfter) {}

  /**
   * Writes, and when the answer is not a success learns from a read what happened. A 409 may be another writer, or
   * the client's own retry of a write that had committed before its answer was lost; a 5xx or a timeout may have
   * committed too. Whatever the answer, a Lease naming this holder with the renewTime just written is this write.
   */
  private Write write(String verb, Supplier<Lease> request, String holder, Instant renewTime) {
    KubernetesClientException failure;
    try {
      return new Write(request.get(), null, null);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 || e.getCode() == 401) {
        throw failure(verb, e);
      }
      failure = e;
    }
    Lease after;
    try {
      after = get();
    } catch (HybridCniException readFailed) {
      throw new HybridCniException("Could not " + verb + " " + address() + " (" + describe(failure) + "), nor read "
          + "it afterwards to learn whether the write happened: " + readFailed.getMessage(), failure);
    }
    if (isOurs(after, holder, renewTime)) {
      LOG.info("The answer to {} {} was lost ({}), but a read shows that it happened", verb, address(),
          describe(failure));
      return new Write(after, null, after);
    }
    int code = failure.getCode();
    // 404 on an update: the Lease was deleted meanwhile (look again); on a create it is the namespace that is missing.
    if (code == 409 || (code == 404 && !verb.equals("create"))) {
      return new Write(null, null, after);
    }
    if (code >= 400 && code < 500 && code != 408 && code != 429) {
      throw failure(verb, failure);
    }
    return new Write(null, failure, after);
  }

  private static boolean isOurs(Lease lease, String holder, Instant renewTime) {
    return lease != null && lease.getSpec() != null && holder.equals(lease.getSpec().getHolderIdentity())
        && lease.getSpec().getRenewTime() != null
        && lease.getSpec().getRenewTime().toInstant().equals(renewTime);
  }

  private Lease get() {
    try {
      return client.leases().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw failure("get", e);
    }
  }

  private Held hold(String holder, Lease lease, long sentAt) {
    Hold hold = new Hold(holder, lease, sentAt);
    if (backgroundRenewal) {
      hold.startRenewing();
    }
    LOG.info("Holding {} as {}", address(), holder);
    return hold;
  }

  /** The held Lease: renewed in the background, lost for good once not renewed within the renew deadline. */
  final class Hold implements Held {
    private final String holder;
    private final AtomicReference<String> lost = new AtomicReference<>();
    private volatile Lease last;
    private volatile long renewedAt;
    private volatile String lastFailure;
    private ScheduledExecutorService renewer;
    private boolean closed;

    Hold(String holder, Lease lease, long renewedAt) {
      this.holder = holder;
      this.last = lease;
      this.renewedAt = renewedAt;
    }

    void startRenewing() {
      renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hybridcni-lease-renewer");
        t.setDaemon(true);
        return t;
      });
      long period = renewPeriod.toNanos();
      renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public Optional<String> lost() {
      if (lost.get() == null) {
        long since = ticker.nanos() - renewedAt;
        if (since >= renewDeadline.toNanos()) {
          String failure = lastFailure;
          lose("could not renew " + address() + " within its renew deadline of " + seconds(renewDeadline)
              + " s (last renewed " + seconds(Duration.ofNanos(since)) + " s ago by this process's clock"
              + (failure == null ? "" : "; the last attempt failed: " + failure) + "); another apply may take it "
              + "over " + seconds(leaseDuration) + " s after that renewal");
        }
      }
      return Optional.ofNullable(lost.get());
    }

    private void lose(String why) {
      if (lost.compareAndSet(null, why)) {
        LOG.warn("This apply no longer holds the apply lock: {}", why);
      }
    }

    /** One renewal, unless the lock is already lost: past its own deadline this holder never writes again. */
    synchronized void renew() {
      if (closed || lost().isPresent()) {
        return;
      }
      long sentAt = ticker.nanos();
      Instant at = wallNow();
      Lease base = last;
      Lease next = new LeaseBuilder(base).editSpec().withRenewTime(micro(at))
          .withLeaseDurationSeconds(leaseSeconds()).endSpec().build();
      Write result;
      try {
        result = write("renew", () -> client.leases().inNamespace(namespace).resource(next).update(), holder, at);
      } catch (RuntimeException e) {
        lastFailure = e.getMessage();
        LOG.warn("Renewing {} failed: {}", address(), e.getMessage());
        return;
      }
      if (result.lease() != null) {
        last = result.lease();
        renewedAt = sentAt;
        lastFailure = null;
        return;
      }
      Lease now = result.readAfter();
      if (now == null) {
        lose(address() + " was deleted while this apply held it");
      } else if (!holder.equals(now.getSpec() == null ? null : now.getSpec().getHolderIdentity())) {
        lose(address() + " is now held by " + (now.getSpec() == null ? "nobody" : now.getSpec().getHolderIdentity()));
      } else {
        // Still ours, changed by someone else (a label, say): renew on top of it next time.
        last = now;
        lastFailure = result.failure() == null ? "a concurrent write changed it" : describe(result.failure());
        LOG.warn("Renewing {} did not happen ({}); trying again in {} s", address(), lastFailure,
            seconds(renewPeriod));
      }
    }

    @Override
    public void close() {
      if (renewer != null) {
        renewer.shutdownNow();
      }
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        release();
      }
    }

    private void release() {
      Lease known = last;
      String knownVersion = known == null || known.getMetadata() == null ? null
          : known.getMetadata().getResourceVersion();
      // A holder that knows it lost the Lease never deletes by its own version: it reads whose the Lease is first.
      if (knownVersion != null && lost.get() == null) {
        try {
          // The version this holder last wrote: nobody can have taken it over without changing it.
          client.leases().inNamespace(namespace).withName(name).lockResourceVersion(knownVersion).delete();
          releasedByDelete = true;
          LOG.info("Released {}", address());
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            afterFailedDelete(e);
            return;
          }
          // Changed since this holder wrote it (taken over, or a label added): look before deleting anything.
        }
      }
      Lease current;
      try {
        current = get();
      } catch (HybridCniException e) {
        LOG.warn("Could not read {} to release it ({}); it expires by itself", address(), e.getMessage());
        return;
      }
      if (current == null) {
        return;
      }
      String owner = current.getSpec() == null ? null : current.getSpec().getHolderIdentity();
      if (!holder.equals(owner)) {
        LOG.warn("Not releasing {}: it is now held by {}", address(), owner);
        return;
      }
      try {
        // The precondition keeps the delete from removing a Lease another holder took over since the read.
        client.leases().inNamespace(namespace).withName(name)
            .lockResourceVersion(current.getMetadata().getResourceVersion()).delete();
        releasedByDelete = true;
        LOG.info("Released {}", address());
      } catch (KubernetesClientException e) {
        afterFailedDelete(e);
      }
    }

    /** A delete that did not answer success: a read tells whether it happened, and the log says what is left. */
    private void afterFailedDelete(KubernetesClientException e) {
      Lease after;
      try {
        after = get();
      } catch (HybridCniException readFailed) {
        LOG.warn("Releasing {} failed ({}), and so did reading it afterwards; it expires by itself", address(),
            describe(e));
        return;
      }
      if (after == null) {
        releasedByDelete = true;
        LOG.info("Released {} (the answer to the delete was lost; a read shows it is gone)", address());
      } else if (!holder.equals(after.getSpec() == null ? null : after.getSpec().getHolderIdentity())) {
        LOG.info("Not releasing {}: it is now held by {}", address(), after.getSpec().getHolderIdentity());
      } else {
        LOG.warn("Releasing {} failed ({}); it expires by itself {} s after its last renewal", address(),
            describe(e), seconds(leaseDuration));
      }
    }
  }

  private int leaseSeconds() {
    return (int) leaseDuration.toSeconds();
  }

  private Instant wallNow() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("interrupted while waiting for " + address(), e);
    }
  }

  private static Duration min(Duration first, Duration... others) {
    Duration m = first;
    for (Duration d : others) {
      if (d.compareTo(m) < 0) {
        m = d;
      }
    }
    return m;
  }

  private static long seconds(Duration d) {
    return d.getNano() > 0 ? d.getSeconds() + 1 : d.getSeconds();
  }

  /** Lease times are MicroTime on the wire: microsecond precision, UTC. */
  private static ZonedDateTime micro(Instant instant) {
    return ZonedDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private static String describe(KubernetesClientException e) {
    return e.getCode() > 0 ? "HTTP " + e.getCode() + " " + e.getMessage() : String.valueOf(e.getMessage());
  }

  private HybridCniException failure(String verb, KubernetesClientException e) {
    if (e.getCode() == 403) {
      return new HybridCniException("Not permitted to " + verb + " " + address() + ": a Role in namespace "
          + namespace + " needs verbs get, update and delete on leases.coordination.k8s.io named " + name
          + ", and create (`hybridcni permissions` prints it)", e);
    }
    return new HybridCniException("Could not " + verb + " " + address() + ": " + describe(e), e);
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private final KubernetesClient client;
    private String namespace = "kube-system";
    private String name = "hybridcni-apply";
    private Duration leaseDuration = Duration.ofSeconds(30);
    private Duration renewDeadline;
    private Duration renewPeriod;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.SYSTEM;
    private Sleeper sleeper = Sleeper.REAL;
    private boolean backgroundRenewal = true;

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Default {@code kube-system}. */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /** Default {@code hybridcni-apply}. */
    public Builder name(String value) {
      this.name = Objects.requireNonNull(value, "name");
      return this;
    }

    /**
     * How long a candidate must watch the Lease unchanged before it takes it over (written to the Lease as
     * {@code leaseDurationSeconds}, whole seconds). Default 30 s.
     */
    public Builder leaseDuration(Duration value) {
      if (value.toSeconds() < 1) {
        throw new IllegalArgumentException("a lease lasts at least 1 s, was " + value);
      }
      this.leaseDuration = Duration.ofSeconds(value.toSeconds());
      return this;
    }

    /**
     * How long the holder may go without a successful renewal before it takes the lock as lost and stops; shorter
     * than the lease duration, so the holder stops before any candidate can take the lease over. Default two thirds
     * of the lease duration (20 s).
     */
    public Builder renewDeadline(Duration value) {
      this.renewDeadline = Objects.requireNonNull(value, "renewDeadline");
      return this;
    }

    /** How often the holder renews. Default a sixth of the lease duration (5 s). */
    public Builder renewPeriod(Duration value) {
      this.renewPeriod = Objects.requireNonNull(value, "renewPeriod");
      return this;
    }

    /** How often a waiting apply looks again. Default 1 s. */
    public Builder pollInterval(Duration value) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("the poll interval must be positive, was " + value);
      }
      this.pollInterval = value;
      return this;
    }

    /**
     * The wall clock the Lease's {@code acquireTime} and {@code renewTime} are written from; never used to judge
     * expiry. Default the system UTC clock.
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The monotonic clock expiry and the renew deadline are judged by. Default {@link Ticker#SYSTEM}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** How a waiting apply waits between looks. Default real sleeping. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    /** Tests renew by hand ({@link Hold#renew()}) instead of on a background thread. Default on. */
    Builder backgroundRenewal(boolean value) {
      this.backgroundRenewal = value;
      return this;
    }

    /**
     * The lock.
     *
     * @throws IllegalArgumentException when the renew deadline is not shorter than the lease duration, or the renew
     *     period not shorter than the renew deadline
     */
    public LeaseApplyLock build() {
      return new LeaseApplyLock(this);
    }
  }
}
