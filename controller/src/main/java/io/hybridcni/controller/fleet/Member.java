package io.hybridcni.controller.fleet;

import io.hybridcni.controller.resource.KubeconfigSecretRef;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered cluster the fleet keeps: its client (from the kubeconfig Secret), its API server probe, its informer
 * cache and its controller, and what it was built from (the HybridNetwork's uid and generation, the Secret ref and
 * the kubeconfig's digest), so the fleet knows when to build it again.
 */
final class Member {

  private static final Logger LOG = LoggerFactory.getLogger(Member.class);

  final String key;
  final String uid;
  final long generation;
  final KubeconfigSecretRef ref;
  final String digest;
  final ShardLeadership leadership;
  private final List<AutoCloseable> parts;

  Member(String key, String uid, long generation, KubeconfigSecretRef ref, String digest,
      ShardLeadership leadership, List<AutoCloseable> parts) {
    this.key = key;
    this.uid = uid;
    this.generation = generation;
    this.ref = ref;
    this.digest = digest;
    this.leadership = leadership;
    this.parts = List.copyOf(parts);
  }

  /** Built from this resource and Secret ref (its kubeconfig may still have changed). */
  boolean builtFrom(String uid, long generation, KubeconfigSecretRef ref) {
    return this.uid.equals(uid) && this.generation == generation && this.ref.equals(ref);
  }

  /**
   * Closes every part, last built first: the controller (its loop finishes the action under way; its writes stopped
   * already, {@link ShardLeadership#revoke}), the cache, the probe, the observers, the client. Never throws; may
   * block for as long as the controller's loop takes to stop, so the fleet runs it off its own thread.
   */
  void close() {
    leadership.revoke();
    List<AutoCloseable> reversed = new ArrayList<>(parts);
    java.util.Collections.reverse(reversed);
    for (AutoCloseable part : reversed) {
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("Stopping the member {}: closing {} failed: {}", key, part.getClass().getSimpleName(),
            e.toString());
      }
    }
  }

}
