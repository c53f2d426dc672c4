package io.hybridcni.kube;

import io.hybridcni.apply.Sleeper;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.LockUnavailableException;
import io.hybridcni.error.HybridCniException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply lock as a {@code coordination.k8s.io/v1} Lease (default {@code kube-system/hybridcni-apply}). Taking
 * it writes this holder with the read {@code resourceVersion}, so two appliers cannot both win; while held it is
 * renewed every third of its duration; a crashed holder's lease simply expires and the next apply takes it over.
 * Closing the held lock deletes the Lease if it is still ours.
 */
public final class LeaseApplyLock implements ApplyLock {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseApplyLock.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Duration leaseDuration;
  private final Duration pollInterval;
  private final Clock clock;
  private final Sleeper sleeper;

  private LeaseApplyLock(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.name = b.name;
    this.leaseDuration = b.leaseDuration;
    this.pollInterval = b.pollInterval;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  private String address() {
    return "Lease " + namespace + "/" + name;
  }

  @Override
  public Held acquire(String holder, Duration wait) {
    Instant deadline = clock.instant().plus(wait);
    while (true) {
      Lease current = get();
      Instant now = clock.instant();
      if (current == null) {
        if (create(holder, now)) {
          return held(holder);
        }
        continue;
      }
      String owner = current.getSpec() == null ? null : current.getSpec().getHolderIdentity();
      Instant expires = expiry(current);
      if (owner == null || owner.isEmpty() || owner.equals(holder) || !expires.isAfter(now)) {
        if (takeOver(current, holder, now)) {
          if (owner != null && !owner.isEmpty() && !owner.equals(holder)) {
            LOG.warn("Took over {} from {}, whose lease expired at {}", address(), owner, expires);
          }
          return held(holder);
        }
        continue;
      }
      if (!now.isBefore(deadline)) {
        throw new LockUnavailableException(address(), owner, expires);
      }
      try {
        sleeper.sleep(pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException("interrupted while waiting for " + address(), e);
      }
    }
  }

  private Lease get() {
    try {
      return client.leases().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw failure("get", e);
    }
  }

  private boolean create(String holder, Instant now) {
    Lease lease = new LeaseBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name)
        .addToLabels("app.kubernetes.io/managed-by", "hybridcni").endMetadata()
        .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
        .withAcquireTime(micro(now)).withRenewTime(micro(now)).withLeaseTransitions(0).endSpec()
        .build();
    try {
      client.leases().inNamespace(namespace).resource(lease).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw failure("create", e);
    }
  }

  private boolean takeOver(Lease current, String holder, Instant now) {
    String previous = current.getSpec() == null ? null : current.getSpec().getHolderIdentity();
    int transitions = current.getSpec() == null || current.getSpec().getLeaseTransitions() == null ? 0
        : current.getSpec().getLeaseTransitions();
    Lease next = new LeaseBuilder(current)
        .editOrNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
        .withAcquireTime(holder.equals(previous) ? current.getSpec().getAcquireTime() : micro(now))
        .withRenewTime(micro(now))
        .withLeaseTransitions(holder.equals(previous) ? transitions : transitions + 1).endSpec()
        .build();
    return update(next, "take over") != null;
  }

  /** Writes with the read resourceVersion; {@code null} when someone else wrote first (409). */
  private Lease update(Lease lease, String what) {
    try {
      return client.leases().inNamespace(namespace).resource(lease).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null;
      }
      throw failure(what, e);
    }
  }

  private Held held(String holder) {
    ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hybridcni-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, leaseDuration.toMillis() / 3);
    renewer.scheduleAtFixedRate(() -> renew(holder), period, period, TimeUnit.MILLISECONDS);
    LOG.info("Holding {} as {}", address(), holder);
    return () -> {
      renewer.shutdownNow();
      release(holder);
    };
  }

  void renew(String holder) {
    try {
      Lease current = get();
      if (current == null || current.getSpec() == null || !holder.equals(current.getSpec().getHolderIdentity())) {
        LOG.warn("Lost {}: it is now held by {}", address(),
            current == null || current.getSpec() == null ? "nobody" : current.getSpec().getHolderIdentity());
        return;
      }
      Lease renewed = new LeaseBuilder(current).editSpec().withRenewTime(micro(clock.instant())).endSpec().build();
      if (update(renewed, "renew") == null) {
        LOG.warn("Renewing {} met a concurrent write; retrying at the next period", address());
      }
    } catch (RuntimeException e) {
      LOG.warn("Renewing {} failed: {}", address(), e.getMessage());
    }
  }

  private void release(String holder) {
    try {
      Lease current = get();
      if (current != null && current.getSpec() != null && holder.equals(current.getSpec().getHolderIdentity())) {
        client.leases().inNamespace(namespace).resource(current).delete();
        LOG.info("Released {}", address());
      }
    } catch (RuntimeException e) {
      LOG.warn("Releasing {} failed ({}); it expires by itself", address(), e.getMessage());
    }
  }

  private Instant expiry(Lease lease) {
    var spec = lease.getSpec();
    if (spec == null || spec.getRenewTime() == null) {
      return Instant.EPOCH;
    }
    int seconds = spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds();
    return spec.getRenewTime().toInstant().plusSeconds(seconds);
  }

  /** Lease times are MicroTime on the wire: microsecond precision, UTC. */
  private static ZonedDateTime micro(Instant instant) {
    return ZonedDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private HybridCniException failure(String verb, KubernetesClientException e) {
    if (e.getCode() == 403) {
      return new HybridCniException("Not permitted to " + verb + " " + address() + ": the ClusterRole needs verbs "
          + "get, create, update and delete on leases.coordination.k8s.io in namespace " + namespace, e);
    }
    return new HybridCniException("Could not " + verb + " " + address() + ": HTTP " + e.getCode() + " "
        + e.getMessage(), e);
  }

  /** Builder; every setter documents its default. */
  public static final class Builder {
    private final KubernetesClient client;
    private String namespace = "kube-system";
    private String name = "hybridcni-apply";
    private Duration leaseDuration = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;

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

    /** How long the lease lasts without renewal. Default 30 s. */
    public Builder leaseDuration(Duration value) {
      if (value.toSeconds() < 1) {
        throw new IllegalArgumentException("a lease lasts at least 1 s, was " + value);
      }
      this.leaseDuration = value;
      return this;
    }

    /** How often a waiting apply looks again. Default 1 s. */
    public Builder pollInterval(Duration value) {
      this.pollInterval = Objects.requireNonNull(value, "pollInterval");
      return this;
    }

    /** Default the system UTC clock. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Default real sleeping. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = Objects.requireNonNull(value, "sleeper");
      return this;
    }

    public LeaseApplyLock build() {
      return new LeaseApplyLock(this);
    }
  }
}
