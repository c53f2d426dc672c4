package io.hybridcni.apply;

import java.time.Duration;
import java.util.Optional;

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
   * @throws LockUnavailableException naming the current holder and how long until this process would take its
   *     lease as expired
   */
  Held acquire(String holder, Duration wait);

  /** A held lock; closing releases it. */
  interface Held extends AutoCloseable {

    /**
     * Whether this process may still write under the lock: empty while it holds it, by its own clock; otherwise
     * why it no longer does (it could not renew before its own deadline, or another holder took the lock over).
     * The {@link Reconciler} asks before every action and stops once this is not empty. Default: always held.
     */
    default Optional<String> lost() {
      return Optional.empty();
    }

    @Override
    void close();
  }
}
