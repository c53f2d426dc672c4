package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas of the fleet on one fabric8 mock in CRUD mode, each with its own client (a separate process as far as the
 * API server can tell) and its own wall clock. Leases here last 3 s (dropped after 2 s without a renewal, a round
 * every 250 ms) so that a takeover costs seconds.
 *
 * <p>"No shard is ever held by two replicas" is checked from the replicas' own {@link ShardOwnership#held()}: at
 * every change any replica announces and, between changes, every 5 ms by a sampler, reading the replicas one after
 * the other. Reading them one after the other could in principle report a handover as an overlap (the first read
 * before a release, the second after the take), but a handover takes a release write and a later round's list and
 * take write, tens of milliseconds on this mock, against microseconds between the reads.
 */
@EnableKubeApiMock
class LeaseShardsTest {

  private static final String NAMESPACE = "hybridcni-system";
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(2);
  private static final Duration RETRY = Duration.ofMillis(250);
  private static final int SHARDS = 12;

  KubernetesMockServer server;
  KubernetesClient client;

  /** One replica: its identity, its own client and its shards. */
  record Replica(String identity, KubernetesClient client, LeaseShards shards) {}

  private final List<Replica> replicas = new CopyOnWriteArrayList<>();
  private final List<String> overlaps = new CopyOnWriteArrayList<>();
  private volatile boolean sampling = true;
  private Thread sampler;

  @BeforeEach
  void startSampler() {
    sampler = new Thread(() -> {
      while (sampling) {
        checkNoShardHeldTwice("sampled");
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "shard-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    sampling = false;
    sampler.join(1000);
    replicas.forEach(r -> r.shards().close());
    replicas.forEach(r -> r.client().close());
  }

  private KubernetesClient newClient() {
    KubernetesClient base = server.createClient();
    KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
        .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(1).withRequestTimeout(2000).build()).build();
    base.close();
    return own;
  }

  private Replica replica(String identity, Clock clock) {
    KubernetesClient own = newClient();
    LeaseShards shards = LeaseShards.builder(own, identity).namespace(NAMESPACE).shards(SHARDS).leaseDuration(LEASE)
        .renewDeadline(RENEW_DEADLINE).retryPeriod(RETRY).clock(clock).build();
    Replica replica = new Replica(identity, own, shards);
    replicas.add(replica);
    shards.start(() -> checkNoShardHeldTwice(identity + " announced " + shards.held()));
    return replica;
  }

  private static Clock skewed(Duration by) {
    return Clock.offset(Clock.systemUTC(), by);
  }

  private void checkNoShardHeldTwice(String when) {
    Map<Integer, String> holders = new TreeMap<>();
    for (Replica r : replicas) {
      for (int shard : r.shards().held()) {
        String other = holders.put(shard, r.identity());
        if (other != null) {
          overlaps.add("shard " + shard + " held by " + other + " and " + r.identity() + " (" + when + ")");
        }
      }
    }
  }

  private static String describe(List<Replica> rs) {
    return rs.stream().map(r -> r.identity() + "=" + r.shards().held()).collect(Collectors.joining(", "));
  }

  /** Waits until {@code condition} holds; the time it took. */
  private static Duration await(Duration within, String what, BooleanSupplier condition, List<Replica> rs)
      throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > within.toNanos()) {
        throw new AssertionError("not within " + within.toMillis() + " ms: " + what + "; now " + describe(rs));
      }
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static boolean split(List<Replica> rs, int least, int most) {
    Set<Integer> all = new HashSet<>();
    for (Replica r : rs) {
      Set<Integer> held = r.shards().held();
      if (held.size() < least || held.size() > most) {
        return false;
      }
      all.addAll(held);
    }
    return all.size() == SHARDS;
  }

  private List<Replica> threeBalanced(Clock... clocks) throws InterruptedException {
    List<Replica> rs = List.of(replica("replica-a", clocks[0]), replica("replica-b", clocks[1]),
        replica("replica-c", clocks[2]));
    await(Duration.ofSeconds(20), "the 12 shards split 4/4/4", () -> split(rs, 4, 4), rs);
    return rs;
  }

  @ParameterizedTest(name = "clocks {0} h apart")
  @ValueSource(ints = {0, 2})
  void threeReplicasSplitTwelveShardsFourEachAndNoShardIsEverHeldByTwoWhateverTheirClocksSay(int hoursApart)
      throws InterruptedException {
    Duration half = Duration.ofMinutes(30L * hoursApart);
    List<Replica> rs = threeBalanced(skewed(half), skewed(half.negated()), Clock.systemUTC());

    // Balanced and stable: over two lease durations nobody takes or loses a shard.
    Map<String, Set<Integer>> before = rs.stream().collect(Collectors.toMap(Replica::identity, r -> r.shards().held()));
    Thread.sleep(LEASE.multipliedBy(2).toMillis());
    Map<String, Set<Integer>> after = rs.stream().collect(Collectors.toMap(Replica::identity, r -> r.shards().held()));

    assertThat(after).isEqualTo(before);
    assertThat(overlaps).isEmpty();
    assertThat(rs).as("every replica watches the Leases between its reads").allMatch(r -> r.shards().watching());
    List<Lease> leases = client.leases().inNamespace(NAMESPACE).withLabel(LeaseShards.FLEET_LABEL, "hybridcni-fleet")
        .withLabel(LeaseShards.ROLE_LABEL, "shard").list().getItems();
    assertThat(leases).hasSize(SHARDS);
    for (Replica r : rs) {
      assertThat(leases).filteredOn(l -> r.identity().equals(l.getSpec().getHolderIdentity()))
          .extracting(l -> l.getMetadata().getName())
          .containsExactlyInAnyOrderElementsOf(r.shards().held().stream().map(s -> "hybridcni-fleet-shard-" + s)
              .toList());
    }
  }

  @Test
  void aReplicaKilledWithoutClosingLosesItsShardsToTheOtherTwoWithinTheLeaseDurationAndDropsThemFirst()
      throws InterruptedException {
    List<Replica> rs = threeBalanced(skewed(Duration.ofHours(1)), skewed(Duration.ofHours(-1)), Clock.systemUTC());
    Replica killed = rs.get(2);
    List<Replica> survivors = rs.subList(0, 2);
    Set<Integer> itsShards = killed.shards().held();

    // Killed: its client is closed, so nothing it does reaches the API server again (no renewal, no release).
    long killedAt = System.nanoTime();
    killed.client().close();
    Duration dropped = await(LEASE.multipliedBy(2), "the killed replica drops its shards by its own renew deadline",
        () -> killed.shards().held().isEmpty(), rs);
    Duration takeover = await(LEASE.multipliedBy(3), "the survivors take all 12 shards, 6 each",
        () -> split(survivors, 6, 6), rs);
    Duration sinceKill = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println("killed replica dropped its shards after " + dropped.toMillis() + " ms; the others hold all "
        + "12 after " + sinceKill.toMillis() + " ms (lease " + LEASE.toMillis() + " ms, round " + RETRY.toMillis()
        + " ms)");

    // A survivor sees the last renewal through its watch as it is written and takes the Lease a lease duration after
    // that sight (its loop wakes at the expiry): the lease duration and the time the writes take, well inside a round
    // more (without a watch, a read could first show the renewal up to a round later).
    assertThat(sinceKill).isLessThan(LEASE.plus(RETRY).plusMillis(500));
    assertThat(sinceKill).isGreaterThan(LEASE.minus(RETRY));
    assertThat(dropped).isLessThan(RENEW_DEADLINE.plus(RETRY));
    assertThat(survivors.stream().flatMap(r -> r.shards().held().stream())).containsAll(itsShards);
    assertThat(overlaps).isEmpty();
  }

  @Test
  void aReplicaClosedHandsItsShardsOverAtOnceAndLeavesNoMemberLeaseBehind() throws InterruptedException {
    List<Replica> rs = threeBalanced(Clock.systemUTC(), Clock.systemUTC(), Clock.systemUTC());
    Replica closed = rs.get(1);
    List<Replica> others = List.of(rs.get(0), rs.get(2));

    long closing = System.nanoTime();
    closed.shards().close();
    assertThat(closed.shards().held()).isEmpty();
    await(LEASE, "the others take all 12 shards, 6 each", () -> split(others, 6, 6), rs);
    Duration handover = Duration.ofNanos(System.nanoTime() - closing);
    System.out.println("closed replica's shards held by the others after " + handover.toMillis() + " ms (lease "
        + LEASE.toMillis() + " ms)");

    assertThat(handover).isLessThan(LEASE.dividedBy(2));
    assertThat(client.leases().inNamespace(NAMESPACE).withName("hybridcni-fleet-member-replica-b").get()).isNull();
    assertThat(overlaps).isEmpty();
  }

  @Test
  void aFourthReplicaJoiningGetsItsShareWithinAFewRounds() throws InterruptedException {
    List<Replica> rs = new ArrayList<>(threeBalanced(Clock.systemUTC(), Clock.systemUTC(), Clock.systemUTC()));

    long joined = System.nanoTime();
    rs.add(replica("replica-d", skewed(Duration.ofHours(2))));
    await(LEASE.multipliedBy(3), "the 12 shards split 3/3/3/3", () -> split(rs, 3, 3), rs);
    Duration took = Duration.ofNanos(System.nanoTime() - joined);
    System.out.println("a joining replica held its 3 shards after " + took.toMillis() + " ms (round "
        + RETRY.toMillis() + " ms)");

    // Its first round only makes it a member; in the next the others see it and each releases one; then it takes.
    assertThat(took).isLessThan(RETRY.multipliedBy(10));
    assertThat(overlaps).isEmpty();
  }

  @Test
  void aReplicaStartedAloneTakesEveryShardAndGivesTheSurplusUpAsOthersAppear() throws InterruptedException {
    List<Replica> rs = new ArrayList<>();
    rs.add(replica("replica-a", Clock.systemUTC()));
    await(Duration.ofSeconds(10), "one replica holds all 12", () -> split(rs, SHARDS, SHARDS), rs);

    rs.add(replica("replica-b", Clock.systemUTC()));
    await(Duration.ofSeconds(10), "two replicas hold 6 each", () -> split(rs, 6, 6), rs);

    assertThat(overlaps).isEmpty();
  }

  @Test
  void aListenerSlowerThanTheRenewDeadlineCostsTheReplicaNoShard() throws InterruptedException {
    KubernetesClient own = newClient();
    LeaseShards shards = LeaseShards.builder(own, "replica-a").namespace(NAMESPACE).shards(SHARDS)
        .leaseDuration(LEASE).renewDeadline(RENEW_DEADLINE).retryPeriod(RETRY).build();
    Replica slow = new Replica("replica-a", own, shards);
    replicas.add(slow);
    List<Set<Integer>> heard = new CopyOnWriteArrayList<>();
    shards.start(() -> {
      heard.add(shards.held());
      try {
        // The fleet loop may start or stop informers of many clusters on a change: longer than the renew deadline.
        Thread.sleep(RENEW_DEADLINE.plus(RETRY.multipliedBy(2)).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    await(Duration.ofSeconds(10), "one replica holds all 12", () -> split(List.of(slow), SHARDS, SHARDS),
        List.of(slow));
    Thread.sleep(RENEW_DEADLINE.plus(RETRY.multipliedBy(4)).toMillis());

    assertThat(shards.held()).hasSize(SHARDS);
    assertThat(heard).isNotEmpty();
  }

  @Test
  void aRenewDeadlineNotShorterThanTheLeaseAndAnIdentityThatCannotNameALeaseAreRefused() {
    assertThatThrownBy(() -> LeaseShards.builder(client, "replica-a").leaseDuration(Duration.ofSeconds(10))
        .renewDeadline(Duration.ofSeconds(10)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the renew deadline (PT10S) must be shorter than the lease duration (PT10S), or a replica could "
            + "still write after another took its shard over");
    assertThatThrownBy(() -> LeaseShards.builder(client, "Replica_A").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hybridcni-fleet-member-Replica_A")
        .hasMessageContaining("must be a DNS subdomain");
  }
}
