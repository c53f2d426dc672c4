package io.hybridcni.controller;

import io.hybridcni.apply.ApplyLock;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.kube.LeaseApplyLock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership on a {@code coordination.k8s.io/v1} Lease (default {@code kube-system/hybridcni-controller}), judged the
 * way client-go's {@code tools/leaderelection} judges it, by reusing the apply lock's {@link LeaseApplyLock} on
 * another Lease rather than fabric8's {@code LeaderElector}.
 *
 * <p>Why not fabric8's {@code LeaderElector} (kubernetes-client-api, {@code extended/leaderelection/LeaderElector
 * .java}, 7.x and 8.0 alike): its {@code canBecomeLeader} takes a Lease as expired when
 * {@code now().isAfter(record.getRenewTime().plus(record.getLeaseDuration()))}, where {@code now()} is
 * {@code ZonedDateTime.now(ZoneOffset.UTC)}: the holder's {@code renewTime}, written by the holder's clock, against
 * the candidate's wall clock. A candidate whose clock runs an hour ahead takes a live leader's Lease at once (two
 * writers); one whose clock runs an hour behind waits an hour after the leader died. Its renew deadline is judged on
 * {@code System.currentTimeMillis()} ({@code renewWithTimeout}), which a wall-clock step moves too. A fabric8
 * {@code Lock} that reports the local time of first sight as {@code renewTime} would fix the first only with its
 * own copy of client-go's bookkeeping, and {@code now()} would still be a wall clock no test can move; the project
 * already has that bookkeeping, tested, in {@link LeaseApplyLock}:
 *
 * <ul>
 *   <li>a candidate takes the Lease only after watching its record (holder, renewTime, transitions, resourceVersion)
 *       unchanged for its {@code leaseDurationSeconds} on its own monotonic ticker;</li>
 *   <li>the leader renews every {@code renewPeriod} with the resourceVersion it read, and once it has not renewed for
 *       {@code renewDeadline} (shorter than the lease duration) it takes the lead as lost for good, before any
 *       candidate can have seen the Lease expire; the controller's writes ask {@link #lost()} before every
 *       action;</li>
 *   <li>closing deletes the Lease with its resourceVersion as a precondition, so a successor takes over at once.</li>
 * </ul>
 *
 * <p>One daemon thread campaigns: it waits in {@link LeaseApplyLock#acquire} (which keeps watching the record for as
 * long as it waits, so one long wait is what judges expiry), then watches the held lease and campaigns again once it
 * is lost.
 */
public final class LeaseLeadership implements Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);
  /** How long one campaign waits in {@code acquire} before it starts again (no lease lasts this long). */
  private static final Duration CAMPAIGN = Duration.ofDays(3650);

  private final ApplyLock lease;
  private final String identity;
  private final String address;
  private final Duration checkEvery;
  private final Duration retryAfterFailure;
  private volatile ApplyLock.Held held;
  private volatile boolean closed;
  private Thread campaigner;

  /**
   * @param lease the Lease to lead on, e.g. {@code LeaseApplyLock.builder(client).name("hybridcni-controller")}
   *     (its lease duration, renew deadline and period are the leadership's)
   * @param identity this replica's holder identity, e.g. its pod name
   * @param address what the Lease is, for logs and reasons, e.g. {@code Lease kube-system/hybridcni-controller}
   * @param checkEvery how often the leader asks the held lease whether it is lost (at most the renew period)
   * @param retryAfterFailure how long the campaign waits after a failed attempt (the API server refused or failed)
   */
  public LeaseLeadership(ApplyLock lease, String identity, String address, Duration checkEvery,
      Duration retryAfterFailure) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.address = Objects.requireNonNull(address, "address");
    this.checkEvery = Objects.requireNonNull(checkEvery, "checkEvery");
    this.retryAfterFailure = Objects.requireNonNull(retryAfterFailure, "retryAfterFailure");
  }

  @Override
  public synchronized void start(Consumer<Boolean> onChange) {
    if (campaigner != null) {
      throw new IllegalStateException("leadership on " + address + " was started already");
    }
    campaigner = new Thread(() -> campaign(onChange), "hybridcni-leadership");
    campaigner.setDaemon(true);
    campaigner.start();
  }

  private void campaign(Consumer<Boolean> onChange) {
    while (!closed) {
      ApplyLock.Held h;
      try {
        h = lease.acquire(identity, CAMPAIGN);
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("Could not take part in leadership on {} ({}); trying again in {}", address, e.getMessage(),
            retryAfterFailure);
        if (!pause(retryAfterFailure)) {
          return;
        }
        continue;
      }
      held = h;
      if (closed) {
        h.close();
        return;
      }
      LOG.info("{} leads on {}", identity, address);
      onChange.accept(true);
      while (!closed && h.lost().isEmpty()) {
        if (!pause(checkEvery)) {
          break;
        }
      }
      String why = h.lost().orElse(closed ? "closed" : "stopped");
      held = null;
      onChange.accept(false);
      if (!closed) {
        LOG.warn("{} no longer leads on {}: {}", identity, address, why);
        // Releases nothing that another holder took over (the delete carries the resourceVersion read just before).
        h.close();
      } else {
        h.close();
        return;
      }
    }
  }

  /**
   * Waits; {@code false} when interrupted, which only {@link #close()} does: the flag is not set again, so that the
   * release that follows can still talk to the API server.
   */
  private boolean pause(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
      return true;
    } catch (InterruptedException e) {
      LOG.debug("Leadership on {} interrupted: closing", address);
      return false;
    }
  }

  @Override
  public Optional<String> lost() {
    ApplyLock.Held h = held;
    if (closed) {
      return Optional.of("the controller was closed");
    }
    if (h == null) {
      return Optional.of(identity + " does not hold " + address);
    }
    return h.lost();
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = campaigner;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HybridCniException("interrupted while giving up the lead on " + address, e);
      }
    }
  }
}
