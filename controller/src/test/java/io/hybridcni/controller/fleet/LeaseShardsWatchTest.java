package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.hybridcni.testkit.kube.DelegatingDispatcher;
import io.hybridcni.testkit.kube.FaultDispatcher;
import io.hybridcni.testkit.kube.FaultDispatcher.KubeFault;
import io.hybridcni.testkit.kube.MockRequests;
import io.hybridcni.testkit.kube.MockWatches;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watch of the fleet's Leases, with rounds driven by hand on the fabric8 mock in CRUD mode (behind the testkit's
 * fault dispatcher) and the defaults' durations (lease 15 s, renew deadline 10 s, a round every 2 s). True time moves
 * only when the test moves it, and each replica reads it on its own ticker; the watch's events arrive on fabric8's
 * threads in real time, and the test waits for them with true time standing still, so an event is observed at the
 * true time the test set when it wrote the change.
 *
 * <p>Gaps to a real API server: the mock's watch starts at the moment it opens and ignores the resourceVersion it is
 * asked to start from (a real one sends every change after that version, and answers 410 Gone when it is older than
 * its watch cache keeps, which {@link FaultDispatcher} plays); and it sends no BOOKMARK events.
 */
class LeaseShardsWatchTest {

  private static final String NAMESPACE = "hybridcni-system";
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final Duration ROUND = Duration.ofSeconds(2);
  private static final int SHARDS = 4;

  private KubernetesCrudDispatcher store;
  /** While set, a watch of the Leases opens and then sends nothing: a watch stalled without ending. */
  private volatile boolean stall;
  /** When set, the next list of the Leases is answered from the store at once but reaches the client this late. */
  private final AtomicReference<Duration> slowNextList = new AtomicReference<>();
  /** Counted down when the store has answered that slow list. */
  private final CountDownLatch slowListAnswered = new CountDownLatch(1);
  private KubernetesMockServer server;
  private FaultDispatcher faults;
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<LeaseShards> replicas = new ArrayList<>();
  /** True time since the test began; read by the watch's threads too. */
  private volatile long trueNanos;

  @BeforeEach
  void start() {
    store = new KubernetesCrudDispatcher(List.of());
    faults = FaultDispatcher.wrap(store);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Stalling(faults),
        false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws InterruptedException {
    replicas.forEach(LeaseShards::close);
    clients.forEach(KubernetesClient::close);
    MockWatches.of(store).awaitEnded();
    server.destroy();
  }

  /**
   * Answers a watch of the Leases, while {@link #stall} is set, with a WebSocket that opens and never sends: a watch
   * that has stalled without ending (a real API server's watch can, behind a proxy that keeps the connection but lost
   * its upstream), which only a read can tell. And delays the answer of one list when {@link #slowNextList} says so:
   * the list shows the store as it was when it was answered, and a watch event of a later write can reach the client
   * first, as on a real API server whose list answer is slow on the wire.
   */
  private final class Stalling extends DelegatingDispatcher {
    Stalling(Dispatcher delegate) {
      super(delegate);
    }

    @Override
    protected MockResponse answer(RecordedRequest request) {
      String path = request.getPath();
      boolean watch = path.contains("watch=true");
      if (stall && path.startsWith(LEASES + "?") && watch) {
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() { });
      }
      Duration slow = !watch && request.getMethod().equals("GET") && path.startsWith(LEASES + "?")
          ? slowNextList.getAndSet(null) : null;
      MockResponse response = delegate.dispatch(request);
      if (slow != null) {
        response.setBodyDelay(slow);
        slowListAnswered.countDown();
      }
      return response;
    }
  }

  private LeaseShards replica(String identity, long tickerOrigin) {
    KubernetesClient base = server.createClient();
    KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
        .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(0).withRequestTimeout(5000).build()).build();
    base.close();
    clients.add(own);
    LeaseShards shards = LeaseShards.builder(own, identity).namespace(NAMESPACE).shards(SHARDS)
        .clock(Clock.systemUTC()).ticker(() -> tickerOrigin + trueNanos).sleeper(d -> {
          throw new AssertionError("nothing sleeps here");
        }).build();
    replicas.add(shards);
    return shards;
  }

  private void advance(Duration d) {
    trueNanos += d.toNanos();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Both replicas' first round, then the one in which each takes its share; then A watches. */
  private void splitAndWatch(LeaseShards a, LeaseShards b) throws InterruptedException {
    split(a, b);
    a.keepWatching();
    await("A watches the Leases", a::watching);
  }

  /** Both replicas' first round (membership only), then the one in which each takes its share. */
  private void split(LeaseShards a, LeaseShards b) {
    a.round();
    b.round();
    advance(ROUND);
    a.round();
    b.round();
    assertThat(a.held()).hasSize(2);
    assertThat(b.held()).hasSize(2);
  }

  /** The ticker reading of {@code replica} at true time now. */
  private long now(long origin) {
    return origin + trueNanos;
  }

  @Test
  void aRenewalSeenThroughTheWatchMovesTheObservedTimeWithoutARead() throws InterruptedException {
    LeaseShards a = replica("replica-a", 3_000_000_000L);
    LeaseShards b = replica("replica-b", -42L);
    splitAndWatch(a, b);
    // A round at the true time of B's last renewal: A has seen that renewal then, through its list or through the
    // watch (which, opened from the version of A's previous list, may deliver it, as a real API server does), so
    // either way the observed time is now.
    a.round();
    assertThat(Duration.ofNanos(a.untilExpiry(now(3_000_000_000L)))).isEqualTo(LEASE);

    // A second later B renews; A does not read, but hears it.
    advance(Duration.ofSeconds(1));
    MockRequests.drain(server);
    b.round();
    await("A observes B's renewal through the watch",
        () -> a.untilExpiry(now(3_000_000_000L)) == LEASE.toNanos());

    // B's round sent its one list; nothing more read the Leases.
    assertThat(MockRequests.drain(server)).filteredOn(r -> r.method().equals("GET")).hasSize(1);
    assertThat(Duration.ofNanos(a.untilExpiry(now(3_000_000_000L)))).isEqualTo(LEASE);
  }

  @Test
  void aListAnsweredBeforeARenewalTheWatchAlreadyShowedNeitherBringsTheOldRecordBackNorRestartsTheObservedTime()
      throws Exception {
    LeaseShards a = replica("replica-a", 0L);
    LeaseShards b = replica("replica-b", 11L);
    splitAndWatch(a, b);
    advance(ROUND);
    a.round();
    Set<Integer> bShards = b.held();

    // A's next list is answered now and reaches A 3 s later; meanwhile B renews and A's watch shows it at once.
    slowNextList.set(Duration.ofSeconds(3));
    CompletableFuture<Void> aRound = CompletableFuture.runAsync(a::round);
    assertThat(slowListAnswered.await(10, TimeUnit.SECONDS)).isTrue();
    advance(Duration.ofSeconds(1));
    long renewed = trueNanos;
    b.round();
    await("A observes B's renewal through the watch", () -> a.untilExpiry(trueNanos) == LEASE.toNanos());
    advance(Duration.ofMillis(500));
    aRound.get(20, TimeUnit.SECONDS);

    // The list's older versions of B's Leases changed nothing: they expire a lease after the renewal A watched.
    assertThat(Duration.ofNanos(a.untilExpiry(trueNanos))).isEqualTo(LEASE.minus(Duration.ofMillis(500)));
    // B renews no more. At the expiry A takes B's shards on the versions its watch showed last: on the list's older
    // versions the takes would be refused. (A's own shards went past its renew deadline meanwhile; whether its takes
    // of them pass depends on whether the events of its own last renewals have arrived yet.)
    b.crash();
    trueNanos = renewed + LEASE.toNanos();
    a.takeExpired();
    assertThat(a.held()).containsAll(bShards);
  }

  @Test
  void aDeadReplicasShardsAreTakenAtTheLeaseDurationAfterTheLastRenewalTheWatchShowedNotAtTheNextRoundsExpiry()
      throws InterruptedException {
    LeaseShards a = replica("replica-a", 0L);
    LeaseShards b = replica("replica-b", 77L);
    splitAndWatch(a, b);
    Set<Integer> bShards = b.held();
    advance(ROUND);
    a.round();
    // Half a round after A's read, B renews for the last time and dies; only A's watch shows it that soon.
    advance(ROUND.dividedBy(4));
    b.round();
    long lastRenewal = trueNanos;
    await("A observes B's last renewal through the watch", () -> a.untilExpiry(trueNanos) == LEASE.toNanos());
    b.crash();
    // A's rounds go on (it keeps its own shards); their reads show B's Leases as the watch did.
    advance(ROUND.dividedBy(4).multipliedBy(3));
    for (int i = 0; i < 7; i++) {
      a.round();
      advance(ROUND);
    }
    // The last round, 1.5 s before the expiry: the loop sleeps until exactly then, not until its next round.
    advance(ROUND.negated());
    assertThat(Duration.ofNanos(a.untilExpiry(trueNanos))).isEqualTo(Duration.ofMillis(1500));
    trueNanos = lastRenewal + LEASE.toNanos() - 1_000_000;
    a.takeExpired();
    assertThat(a.held()).doesNotContainAnyElementsOf(bShards);

    trueNanos = lastRenewal + LEASE.toNanos();
    a.takeExpired();

    assertThat(a.held()).hasSize(SHARDS).containsAll(bShards);
  }

  @Test
  void aWatchThatStallsWithoutEndingLeavesAStaleViewWhoseTakesAreRefusedAndTheNextReadSettlesIt()
      throws InterruptedException {
    LeaseShards a = replica("replica-a", 0L);
    LeaseShards b = replica("replica-b", 0L);
    stall = true;
    splitAndWatch(a, b);
    Set<Integer> aShards = a.held();
    Set<Integer> bShards = b.held();
    advance(ROUND);
    a.round();
    // B renews after A's read; A's watch is open but brings nothing, so by A's view B's Leases expire 15 s from now.
    b.round();
    advance(LEASE);

    a.takeExpired();

    assertThat(a.watching()).isTrue();
    KubernetesClient reader = clients.get(0);
    for (int shard : bShards) {
      assertThat(reader.leases().inNamespace(NAMESPACE).withName("hybridcni-fleet-shard-" + shard).get().getSpec()
          .getHolderIdentity()).isEqualTo("replica-b");
    }
    // A's own shards went past its renew deadline too; its takes of them carried the versions before its own last
    // renewals: refused as well. The next round's read shows B alive and gives A its own two back.
    assertThat(a.held()).isEmpty();
    a.round();
    assertThat(a.held()).isEqualTo(aShards);
  }

  @Test
  void aWatchTheServerEndsWith410ExpiredIsOpenedAgainFromTheNextReadAndShowsRenewalsAgain()
      throws InterruptedException {
    LeaseShards a = replica("replica-a", 0L);
    LeaseShards b = replica("replica-b", 5L);
    split(a, b);
    MockRequests.drain(server);
    KubeFault expired = faults.on("GET", LEASES).expireWatch(1);
    a.keepWatching();
    await("the server ends A's watch with 410", () -> expired.fired() == 1 && !a.watchPending());

    // The next round reads the Leases again and A watches from that read.
    advance(ROUND);
    a.round();
    a.keepWatching();
    await("A watches again", a::watching);
    List<MockRequests.Recorded> watches = MockRequests.drain(server).stream()
        .filter(r -> r.pathOnly().equals(LEASES) && "true".equals(r.query("watch"))).toList();
    assertThat(watches).as("the expired watch and the new one").hasSize(2);
    assertThat(URLDecoder.decode(watches.get(1).query("labelSelector"), StandardCharsets.UTF_8))
        .isEqualTo(LeaseShards.FLEET_LABEL + "=hybridcni-fleet");
    assertThat(watches.get(1).query("resourceVersion")).isNotEmpty();

    advance(Duration.ofSeconds(1));
    b.round();
    await("A observes B's renewal through the new watch", () -> a.untilExpiry(trueNanos) == LEASE.toNanos());
  }

  @Test
  void aWatchRefusedWith403LeavesTheViewToTheReadsAndIsTriedAgainALeaseDurationLater()
      throws InterruptedException {
    LeaseShards a = replica("replica-a", 0L);
    LeaseShards b = replica("replica-b", 9L);
    split(a, b);
    Set<Integer> bShards = new HashSet<>(b.held());
    KubeFault forbidden = faults.on("GET", LEASES).reject(403, 1);
    a.keepWatching();
    await("A's watch is refused", () -> forbidden.fired() == 1 && !a.watchPending());
    MockRequests.drain(server);

    // Without a watch B's renewal is observed at A's next read, as before there was one.
    advance(Duration.ofSeconds(1));
    b.round();
    Thread.sleep(100);
    assertThat(Duration.ofNanos(a.untilExpiry(trueNanos))).isEqualTo(LEASE.minus(Duration.ofSeconds(1)));
    advance(Duration.ofSeconds(1));
    a.round();
    assertThat(Duration.ofNanos(a.untilExpiry(trueNanos))).isEqualTo(LEASE);
    // Not tried again before a lease duration has passed; then it opens.
    a.keepWatching();
    assertThat(MockRequests.drain(server)).noneMatch(r -> "true".equals(r.query("watch")));
    for (int i = 0; i < 6; i++) {
      advance(ROUND);
      a.round();
      b.round();
      a.keepWatching();
      assertThat(a.watchPending()).isFalse();
    }
    advance(ROUND);
    a.round();
    b.round();
    a.keepWatching();
    await("A watches a lease duration after the refusal", a::watching);
    assertThat(b.held()).isEqualTo(bShards);
    assertThat(a.held()).doesNotContainAnyElementsOf(bShards);
  }
}
