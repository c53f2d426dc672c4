package io.hybridcni.apply;

import io.hybridcni.error.HybridCniException;
import java.time.Instant;

/** Another apply holds the cluster's lock. Names the holder and when its lease expires. */
public final class LockUnavailableException extends HybridCniException {

  private final String holder;
  private final Instant expiresAt;

  public LockUnavailableException(String lock, String holder, Instant expiresAt) {
    super("Another apply holds " + lock + ": holder " + holder + ", lease expires at " + expiresAt
        + " unless renewed; retry later or wait with --wait-for-lock.");
    this.holder = holder;
    this.expiresAt = expiresAt;
  }

  public String holder() {
    return holder;
  }

  public Instant expiresAt() {
    return expiresAt;
  }
}
