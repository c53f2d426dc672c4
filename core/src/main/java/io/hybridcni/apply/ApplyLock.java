package io.hybridcni.apply;

import java.time.Duration;

/**
 * Makes sure only one apply runs against a cluster at a time. The kube-adapter implements it with a
 * {@code coordination.k8s.io/v1} Lease that it renews while held; a crashed holder's lease simply expires.
 */
public interface ApplyLock {

  /** A lock that never blocks anyone, for dry runs and tests. */
  ApplyLock NONE = (holder, wait) -> () -> { };

  /**
   * Takes the lock for {@code holder}, waiting up to {@code wait} (zero: fail fast).
   *
   * @throws LockUnavailableException naming the current holder and when its lease expires
   */
  Held acquire(String holder, Duration wait);

  /** A held lock; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }
}
