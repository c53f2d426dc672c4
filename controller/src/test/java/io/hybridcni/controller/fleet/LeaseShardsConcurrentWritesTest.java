package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.testkit.kube.LatencyDispatcher;
import io.hybridcni.testkit.kube.ServerWrites;
import io.hybridcni.testkit.kube.ServerWrites.Write;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a round's Lease writes reach the API server: rounds driven by hand (true time moves only when the test moves
 * it, nothing sleeps) on the fabric8 mock in CRUD mode, whose answers leave {@link #ANSWER} after the store took the
 * request while a round is measured, and instantly otherwise.
 *
 * <p>Whether two writes were in flight together is read from the store's side without any timing assumption about
 * the replica: the mock records when each request reached the store, and the answer to it leaves {@link #ANSWER}
 * later; a client that waits for one answer before it sends the next write can only send it after that. So writes
 * that reached the store less than {@link #ANSWER} apart were in flight together, and one sent after another's
 * answer reached it at least {@link #ANSWER} later.
 */
class LeaseShardsConcurrentWritesTest {

  private static final String NAMESPACE = "hybridcni-system";
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";
  private static final String SHARD_PATH = LEASES + "/hybridcni-fleet-shard-";
  private static final Duration ROUND = Duration.ofSeconds(2);
  private static final Duration ANSWER = Duration.ofSeconds(1);
  private static final int SHARDS = 12;

  private KubernetesMockServer server;
  private ServerWrites writes;
  private volatile Duration latency = Duration.ZERO;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<LeaseShards> replicas = new ArrayList<>();
  private long trueNanos;

  @BeforeEach
  void start() {
    writes = ServerWrites.wrap(LatencyDispatcher.wrap(new KubernetesCrudDispatcher(List.of()), () -> latency));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), writes, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    replicas.forEach(LeaseShards::close);
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }

  private LeaseShards replica(String identity) {
    KubernetesClient base = server.createClient();
    KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
        .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(0).withRequestTimeout(10_000).build())
        .build();
    base.close();
    clients.add(own);
    LeaseShards shards = LeaseShards.builder(own, identity).namespace(NAMESPACE).shards(SHARDS)
        .ticker(() -> trueNanos).sleeper(d -> {
          throw new AssertionError("nothing sleeps here");
        }).build();
    replicas.add(shards);
    return shards;
  }

  /** One round of {@code replica} with the answers delayed; the shard Lease writes it sent, in arrival order. */
  private List<Write> measuredRound(LeaseShards replica) {
    writes.clear();
    latency = ANSWER;
    try {
      replica.round();
    } finally {
      latency = Duration.ZERO;
    }
    return writes.writes(w -> w.path().startsWith(SHARD_PATH));
  }

  private static int shardOf(Write w) {
    return Integer.parseInt(w.name().substring("hybridcni-fleet-shard-".length()));
  }

  /** The most writes that reached the store within {@link #ANSWER} of one another: those in flight together. */
  private static int mostInFlight(List<Write> ws) {
    int most = 0;
    for (Write first : ws) {
      int together = (int) ws.stream()
          .filter(w -> w.nanos() >= first.nanos() && w.nanos() - first.nanos() < ANSWER.toNanos()).count();
      most = Math.max(most, together);
    }
    return most;
  }

  private static long spreadNanos(List<Write> ws) {
    return ws.stream().mapToLong(Write::nanos).max().orElseThrow() - ws.stream().mapToLong(Write::nanos).min()
        .orElseThrow();
  }

  @Test
  void aSurvivorSendsItsTakesOfADeadReplicasShardsTogetherAndBeforeItsOwnRenewalsWhichItAlsoSendsTogether() {
    LeaseShards a = replica("replica-a");
    LeaseShards b = replica("replica-b");
    a.round();
    b.round();
    trueNanos += ROUND.toNanos();
    a.round();
    b.round();
    assertThat(a.held()).hasSize(SHARDS / 2);
    Set<Integer> bShards = b.held();
    assertThat(bShards).hasSize(SHARDS / 2);

    // B renews once more and A reads that renewal: from then on A counts the lease duration (15 s) of B's Leases.
    trueNanos += ROUND.toNanos();
    b.round();
    a.round();
    b.crash();
    for (int i = 0; i < 7; i++) {
      trueNanos += ROUND.toNanos();
      a.round();
      assertThat(a.held()).hasSize(SHARDS / 2);
    }
    trueNanos += ROUND.toNanos();
    List<Write> round = measuredRound(a);

    List<Write> takes = round.stream().filter(w -> bShards.contains(shardOf(w))).toList();
    List<Write> renewals = round.stream().filter(w -> !bShards.contains(shardOf(w))).toList();
    assertThat(takes).hasSize(SHARDS / 2).allMatch(Write::succeeded);
    assertThat(renewals).hasSize(SHARDS / 2).allMatch(Write::succeeded);
    assertThat(a.held()).hasSize(SHARDS);
    // Takes first: the last take reached the store before the first renewal.
    assertThat(takes.get(takes.size() - 1).nanos()).isLessThan(renewals.get(0).nanos());
    // Each group was in flight together: one after another they would lie at least 5 answers apart.
    assertThat(Duration.ofNanos(spreadNanos(takes))).as("from the first take to the last").isLessThan(ANSWER);
    assertThat(Duration.ofNanos(spreadNanos(renewals))).as("from the first renewal to the last").isLessThan(ANSWER);
  }

  @Test
  void aReplicaTakingEveryShardHasAtMostItsBoundOfWritesInFlightAtOnce() {
    LeaseShards a = replica("replica-a");
    a.round();
    trueNanos += ROUND.toNanos();

    writes.clear();
    latency = ANSWER;
    a.round();
    latency = Duration.ZERO;
    List<Write> round = writes.writes(w -> w.path().startsWith(LEASES));

    // Twelve creates of a shard Lease and the member Lease's renewal.
    assertThat(round).hasSize(SHARDS + 1).allMatch(Write::succeeded);
    assertThat(round).filteredOn(w -> w.method().equals("POST")).hasSize(SHARDS);
    assertThat(a.held()).hasSize(SHARDS);
    assertThat(mostInFlight(round)).as("Lease writes in flight at once: "
        + round.stream().map(w -> w.method() + "@" + (w.nanos() - round.get(0).nanos()) / 1_000_000 + "ms")
        .collect(Collectors.joining(", ")))
        .isEqualTo(LeaseShards.WRITES_IN_FLIGHT);
  }
}
