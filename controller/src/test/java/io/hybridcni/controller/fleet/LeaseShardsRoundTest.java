package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.FaultDispatcher.KubeFault;
import io.hybridcni.testkit.kube.MockRequests;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rounds of two replicas driven by hand on the fabric8 mock in CRUD mode (behind the testkit's fault dispatcher),
 * with the defaults' durations (lease 15 s, renew deadline 10 s, a round every 2 s). True time moves only when the
 * test moves it; each replica reads it on its own monotonic ticker (with its own origin, as {@code System.nanoTime()}
 * has in each JVM) and writes from its own wall clock, an hour ahead or behind. Nothing sleeps.
 */
class LeaseShardsRoundTest {

  private static final String NAMESPACE = "hybridcni-system";
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";
  private static final Duration ROUND = Duration.ofSeconds(2);
  private static final int SHARDS = 4;

  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private final List<KubernetesClient> clients = new ArrayList<>();
  /** True time since the test began. */
  private long trueNanos;

  @BeforeEach
  void start() {
    faults = FaultDispatcher.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), faults, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }

  private KubernetesClient newClient() {
    KubernetesClient base = server.createClient();
    KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
        .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(0).withRequestTimeout(2000).build()).build();
    base.close();
    clients.add(own);
    return own;
  }

  private LeaseShards replica(KubernetesClient client, String identity, Duration skew, long tickerOrigin) {
    Clock wall = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.parse("2026-12-03T10:00:00Z").plus(skew).plusNanos(trueNanos);
      }
    };
    return LeaseShards.builder(client, identity).namespace(NAMESPACE).shards(SHARDS).clock(wall)
        .ticker(() -> tickerOrigin + trueNanos).sleeper(d -> {
          throw new AssertionError("nothing sleeps here");
        }).build();
  }

  private void advance(Duration d) {
    trueNanos += d.toNanos();
  }

  private static void assertDisjoint(LeaseShards a, LeaseShards b) {
    Set<Integer> both = new HashSet<>(a.held());
    both.retainAll(b.held());
    assertThat(both).as("shards held by both at once").isEmpty();
  }

  /** Both replicas' first round (membership only), then the round in which each takes its share. */
  private void split(LeaseShards a, LeaseShards b) {
    a.round();
    b.round();
    advance(ROUND);
    a.round();
    b.round();
    assertThat(a.held()).hasSize(2);
    assertThat(b.held()).hasSize(2);
    assertDisjoint(a, b);
  }

  @Test
  void aReplicaWhoseCallsFailDropsItsShardsAtItsRenewDeadlineBeforeTheOtherHasWatchedThemUnchangedForTheLease() {
    KubernetesClient aClient = newClient();
    LeaseShards a = replica(aClient, "replica-a", Duration.ofHours(1), 5_000_000_000L);
    LeaseShards b = replica(newClient(), "replica-b", Duration.ofHours(-1), -77_000_000_000L);
    split(a, b);
    Set<Integer> aShards = a.held();

    // A's last renewal (sent now), seen by B in the same round; then A's calls fail (its client is gone).
    advance(ROUND);
    a.round();
    b.round();
    long lastRenewal = trueNanos;
    aClient.close();
    Long aDropped = null;
    Long bTook = null;
    for (int step = 0; step < 20 && bTook == null; step++) {
      advance(Duration.ofSeconds(1));
      a.round();
      b.round();
      assertDisjoint(a, b);
      if (aDropped == null && a.held().isEmpty()) {
        aDropped = trueNanos - lastRenewal;
      }
      if (b.held().stream().anyMatch(aShards::contains)) {
        bTook = trueNanos - lastRenewal;
      }
    }

    assertThat(Duration.ofNanos(aDropped)).isEqualTo(Duration.ofSeconds(10));
    assertThat(Duration.ofNanos(bTook)).isEqualTo(Duration.ofSeconds(15));
    assertThat(b.held()).hasSize(SHARDS);
  }

  @Test
  void aStalledReplicaHoldsNothingOnceItsRenewDeadlinePassedAndSeesAtItsNextRoundThatTheShardsMoved() {
    LeaseShards a = replica(newClient(), "replica-a", Duration.ofHours(-1), 0L);
    LeaseShards b = replica(newClient(), "replica-b", Duration.ofHours(1), 123_456_789L);
    split(a, b);
    Set<Integer> aShards = a.held();

    // A is frozen (a long pause: no round runs); held() judges the deadline on every call all the same.
    advance(Duration.ofSeconds(9));
    assertThat(a.held()).isEqualTo(aShards);
    advance(Duration.ofSeconds(1));
    assertThat(a.held()).isEmpty();
    for (int i = 0; i < 4; i++) {
      advance(ROUND);
      b.round();
      assertDisjoint(a, b);
    }
    assertThat(b.held()).hasSize(SHARDS);

    // A wakes up: the read shows B holds them; A takes nothing back and writes no renewal over B's.
    a.round();
    assertThat(a.held()).isEmpty();
    KubernetesClient reader = newClient();
    for (int shard : aShards) {
      Lease lease = reader.leases().inNamespace(NAMESPACE).withName("hybridcni-fleet-shard-" + shard).get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-b");
    }
    // Once A's member Lease is live again, the fair share is 2 each: B gives two up, and A takes them.
    advance(ROUND);
    b.round();
    a.round();
    assertThat(a.held()).hasSize(2);
    assertThat(b.held()).hasSize(2);
    assertDisjoint(a, b);
  }

  @Test
  void aTakeWhoseAnswerWasLostCountsOnceAReadShowsItHappenedAndOneThatNeverReachedTheStoreIsTriedAgain() {
    LeaseShards a = replica(newClient(), "replica-a", Duration.ZERO, 0L);
    a.round();
    KubeFault committed = faults.on("POST", LEASES).commitThenAnswer(504, 1);
    KubeFault rejected = faults.on("POST", LEASES).reject(503, 1);
    advance(ROUND);

    a.round();
    assertThat(committed.fired()).isEqualTo(1);
    assertThat(rejected.fired()).isEqualTo(1);
    assertThat(a.held()).hasSize(SHARDS - 2);

    advance(ROUND);
    a.round();
    assertThat(a.held()).hasSize(SHARDS);
  }
  @Test
  void aShardGivenUpForBalanceIsReleasedOnlyOnceTheReplicasWorkForItHasStopped() {
    LeaseShards a = replica(newClient(), "replica-a", Duration.ZERO, 0L);
    Set<Integer> working = new HashSet<>(Set.of(0, 1, 2, 3));
    a.workingOn(() -> Set.copyOf(working));
    a.round();
    advance(ROUND);
    a.round();
    assertThat(a.held()).hasSize(SHARDS);

    // B joins: A's fair share falls to 2, so A gives two shards up while its members there are still running.
    LeaseShards b = replica(newClient(), "replica-b", Duration.ZERO, 0L);
    b.round();
    advance(ROUND);
    a.round();
    Set<Integer> givenUp = new HashSet<>(Set.of(0, 1, 2, 3));
    givenUp.removeAll(a.held());
    assertThat(a.held()).hasSize(2);
    KubernetesClient reader = newClient();
    for (int i = 0; i < 2; i++) {
      b.round();
      advance(ROUND);
      a.round();
      assertThat(b.held()).as("taken by B while A still works on them").isEmpty();
      for (int shard : givenUp) {
        assertThat(reader.leases().inNamespace(NAMESPACE).withName("hybridcni-fleet-shard-" + shard).get()
            .getSpec().getHolderIdentity()).isEqualTo("replica-a");
      }
    }

    // A's members of those shards have stopped: its next round releases them and B takes them in its own.
    working.removeAll(givenUp);
    advance(ROUND);
    a.round();
    b.round();
    assertThat(b.held()).isEqualTo(givenUp);
    assertThat(a.held()).hasSize(2);
    assertDisjoint(a, b);
  }
  @Test
  void atALeasesExpiryBetweenRoundsAReplicaTakesADeadReplicasShardsWithoutReadingTheLeasesAgain() {
    LeaseShards a = replica(newClient(), "replica-a", Duration.ofHours(1), 0L);
    LeaseShards b = replica(newClient(), "replica-b", Duration.ofHours(-1), 42L);
    split(a, b);
    Set<Integer> bShards = b.held();
    advance(ROUND);
    b.round();
    a.round();
    b.crash();
    // A read B's last renewals just now; it keeps its own shards meanwhile, and B's Leases expire 15 s after that read.
    for (int i = 0; i < 7; i++) {
      advance(ROUND);
      a.round();
    }
    advance(Duration.ofSeconds(1));
    MockRequests.drain(server);

    a.takeExpired();

    List<MockRequests.Recorded> sent = MockRequests.drain(server);
    assertThat(sent).extracting(MockRequests.Recorded::method).containsOnly("PUT").hasSize(bShards.size());
    assertThat(a.held()).hasSize(SHARDS).containsAll(bShards);
  }

  @Test
  void aTakeAtExpiryBetweenRoundsIsRefusedWhenTheHolderRenewedSinceTheLastRead() {
    LeaseShards a = replica(newClient(), "replica-a", Duration.ZERO, 0L);
    LeaseShards b = replica(newClient(), "replica-b", Duration.ZERO, 0L);
    split(a, b);
    Set<Integer> aShards = a.held();
    Set<Integer> bShards = b.held();
    advance(ROUND);
    a.round();
    // B renews after A's read: A has not seen it, so by A's last read B's Leases expire 15 s from now.
    b.round();
    advance(Duration.ofSeconds(15));

    a.takeExpired();

    KubernetesClient reader = newClient();
    for (int shard : bShards) {
      assertThat(reader.leases().inNamespace(NAMESPACE).withName("hybridcni-fleet-shard-" + shard).get().getSpec()
          .getHolderIdentity()).isEqualTo("replica-b");
    }
    // A's own shards went past its renew deadline too, and its takes of them carried the versions before its own
    // last renewals: refused as well, so the next round's read settles it.
    assertThat(a.held()).doesNotContainAnyElementsOf(bShards).isEmpty();
    a.round();
    assertThat(a.held()).isEqualTo(aShards);
  }
}
