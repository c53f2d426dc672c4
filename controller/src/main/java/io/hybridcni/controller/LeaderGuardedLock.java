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
 */
final class LeaderGuardedLock implements ApplyLock {

  private final ApplyLock apply;
  private final Leadership leadership;

  LeaderGuardedLock(ApplyLock apply, Leadership leadership) {
    this.apply = apply;
    this.leadership = leadership;
  }

  @Override
  public Held acquire(String holder, Duration wait) {
    Optional<String> notLeading = leadership.lost();
    if (notLeading.isPresent()) {
      throw new HybridCniException("Not writing: this replica does not lead (" + notLeading.get() + ")");
    }
    Held inner = apply.acquire(holder, wait);
    return new Held() {
      @Override
      public Optional<String> lost() {
        Optional<String> lead = leadership.lost();
        return lead.isPresent() ? lead.map(why -> "lost the lead: " + why) : inner.lost();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
