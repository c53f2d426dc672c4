package io.hybridcni.apply;

import io.hybridcni.error.HybridCniException;
import java.time.Duration;

/**
 * Another apply holds the cluster's lock. Names the holder and how long until this process would take the holder's
 * lease as expired: a lease is judged by how long this process has watched it stay unchanged, on its own monotonic
 * clock, never by the holder's timestamps (whose clock may be skewed).
 */
public final class LockUnavailableException extends HybridCniException {

  private final String holder;
  private final Duration expiresIn;

  /**
   * @param lock what the lock is, e.g. {@code Lease kube-system/hybridcni-apply}
   * @param holder who holds it
   * @param expiresIn how long until this process would take the lease as expired if the holder does not renew it
   */
  public LockUnavailableException(String lock, String holder, Duration expiresIn) {
    super("Another apply holds " + lock + ": holder " + holder + "; this process would take its lease as expired in "
        + seconds(expiresIn) + " s unless the holder renews it; retry later or wait with --wait-for-lock.");
    this.holder = holder;
    this.expiresIn = expiresIn;
  }

  private static long seconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  /** Who holds the lock. */
  public String holder() {
    return holder;
  }

  /** How long until this process would take the holder's lease as expired, unless the holder renews it. */
  public Duration expiresIn() {
    return expiresIn;
  }
}
