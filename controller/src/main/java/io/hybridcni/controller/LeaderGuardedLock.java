package io.hybridcni.controller;

import io.hybridcni.apply.ApplyLock;
import io.hybridcni.error.HybridCniException;
import java.time.Duration;
import java.util.Optional;

/**
 * The apply lock as the controller writes under it: taken only while this replica leads, and lost, for the
 * Reconciler's check before every action, as soon as either the apply Lease or the lead is lost. So a replica that
 * stops leading mid-repair stops before its next write, and a CLI {@code apply} and the controller never write at
 * once (both hold the apply Lease while they write).
 *
 * <p>The controller's round, not the Reconciler, ends the hold: the Reconciler's {@code close()} leaves the Lease
 * held (and renewed) until {@link #roundEnded}, so that the round's verification runs under it too, and a round
 * that is planned again at once after a stale refusal keeps it for that retry of the same repair instead of
 * releasing and taking it again. A kept Lease is taken again only while it is not lost, by the same holder; anything
 * else releases it first.
 */
final class LeaderGuardedLock implements ApplyLock {

  private final ApplyLock apply;
  private final Leadership leadership;
  /** The apply Lease held past the Reconciler's close, until the round ends; guarded by this. */
  private Held kept;
  private String keptFor;

  LeaderGuardedLock(ApplyLock apply, Leadership leadership) {
    this.apply = apply;
    this.leadership = leadership;
  }

  @Override
  public synchronized Held acquire(String holder, Duration wait) {
    Optional<String> notLeading = leadership.lost();
    if (notLeading.isPresent()) {
      release();
      throw new HybridCniException("Not writing: this replica does not lead (" + notLeading.get() + ")");
    }
    Held inner;
    if (kept != null && holder.equals(keptFor) && kept.lost().isEmpty()) {
      inner = kept;
    } else {
      release();
      inner = apply.acquire(holder, wait);
      kept = inner;
      keptFor = holder;
    }
    return new Held() {
      @Override
      public Optional<String> lost() {
        Optional<String> lead = leadership.lost();
        return lead.isPresent() ? lead.map(why -> "lost the lead: " + why) : inner.lost();
      }

      @Override
      public void close() {
        // Released when the round ends (roundEnded), after its verification or when no retry follows at once.
      }
    };
  }

  /**
   * The controller's round ended: the apply Lease is kept when the next round comes at once to retry the same repair
   * ({@code retryingAtOnce}), and released otherwise. Does nothing when it is not held.
   */
  synchronized void roundEnded(boolean retryingAtOnce) {
    if (!retryingAtOnce) {
      release();
    }
  }

  private void release() {
    Held held = kept;
    kept = null;
    keptFor = null;
    if (held != null) {
      held.close();
    }
  }
}
