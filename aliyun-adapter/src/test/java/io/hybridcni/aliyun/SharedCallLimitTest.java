package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.aliyun.Journal;
import io.hybridcni.testkit.aliyun.JournalEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One account's limiter under the real SDK clients, judged by what the fake Aliyun received: how many requests it
 * served at once and when each arrived, on its own clock.
 */
class SharedCallLimitTest {

  private static final String CALLER_ID = "LTAI5tLimiterCaller01";
  private static final String CALLER_SECRET = "LimiterCallerSecretQx8Wv2Lm6Np";
  private static final String USER = "hybridcni-limited";

  private FakeAliyun fake;
  private final List<Duration> retrierSleeps = new ArrayList<>();
  /** The limiter's clock where a test must not depend on real time: it moves only when the limiter waits. */
  private final AtomicLong now = new AtomicLong();

  private FakeAliyun start(FakeAliyunOptions options) {
    fake = FakeAliyun.start(options).addAccessKey(CALLER_ID, CALLER_SECRET).seedUser(USER)
        .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Specs.REGION);
    return fake;
  }

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  /** A cluster's connection to the account, metered by {@code limiter}. */
  private AliyunConnection connection(AliyunCallLimiter limiter) {
    return AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint()).protocol("HTTP")
        .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).callLimiter(limiter).build();
  }

  /** Retries at once (the backoff is recorded, not slept): only the limiter spaces the attempts out. */
  private Retrier retrier(int maxAttempts) {
    return new Retrier(new RetryPolicy(maxAttempts, Duration.ZERO, Duration.ZERO), retrierSleeps::add, () -> 0.5);
  }

  private AliyunCallLimiter.Builder onManualClock(AliyunCallLimiter.Builder builder) {
    return builder.clock(now::get, d -> now.addAndGet(d.toNanos()));
  }

  @Test
  void manyThreadsThroughOneLimiterNeverExceedItsSlotsAtTheFakeNorItsRateInAnyWindow() throws Exception {
    start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(20)));
    int rate = 40;
    int burst = 4;
    int slots = 3;
    AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("fleet").callsPerSecond(rate).burst(burst)
        .maxConcurrentCalls(slots).build();
    RamApi ram = connection(limiter).ram(retrier(1));
    ram.getUser(USER); // connects and warms the SDK up, so the first measured call is not late
    fake.clearJournal();
    fake.resetPeakRequestsInFlight();

    int threads = 6;
    int callsEach = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          for (int i = 0; i < callsEach; i++) {
            assertThat(ram.getUser(USER)).isPresent();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    Journal journal = fake.journal();
    assertThat(journal).hasSize(threads * callsEach).allMatch(JournalEntry::succeeded);
    assertThat(fake.peakRequestsInFlight()).as("requests the fake served at once").isLessThanOrEqualTo(slots);
    // In a window of k refresh periods (100 ms each) the limiter grants at most burst * (k + 1) permits; calls that
    // started before the window but arrive in it each hold a slot, so at most `slots` more reach the fake in it.
    assertThat(journal.mostReceivedWithin(Duration.ofMillis(300))).as("busiest 300 ms at the fake")
        .isLessThanOrEqualTo(burst * (3 + 1) + slots);
    assertThat(journal.mostReceivedWithin(Duration.ofSeconds(1))).as("busiest second at the fake")
        .isLessThanOrEqualTo(burst * (10 + 1) + slots);
    AliyunCallLimiter.Stats stats = limiter.stats();
    assertThat(stats.callsStarted()).isEqualTo(1 + threads * callsEach);
    assertThat(stats.peakInFlight()).isLessThanOrEqualTo(slots);
    assertThat(stats.refused()).isZero();
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void aThrottledAnswerRetriedByTheRetrierTakesANewPermitForEachAttempt() {
    start(FakeAliyunOptions.defaults());
    // Throttling.User with HTTP 400 is what the API gateway answers over the flow-control limit (OperationFaults).
    fake.faults().on("GetUser").throttleTimes(2);
    // One permit every 500 ms.
    AliyunCallLimiter limiter = onManualClock(AliyunCallLimiter.forAccount("acct").callsPerSecond(2).burst(1))
        .build();
    RamApi ram = connection(limiter).ram(retrier(3));

    assertThat(ram.getUser(USER)).isPresent();

    assertThat(fake.journal()).extracting(JournalEntry::operation, JournalEntry::status, JournalEntry::errorCode)
        .containsExactly(tuple("GetUser", 400, "Throttling.User"),
            tuple("GetUser", 400, "Throttling.User"),
            tuple("GetUser", 200, null));
    AliyunCallLimiter.Stats stats = limiter.stats();
    assertThat(stats.callsStarted()).as("a permit per attempt").isEqualTo(3);
    assertThat(stats.permitsWaited()).as("each retry waited for the next period").isEqualTo(2);
    assertThat(stats.permitWaitTotal()).isEqualTo(Duration.ofSeconds(1));
    assertThat(retrierSleeps).hasSize(2);
  }

  @Test
  void aCallThatCannotGetAPermitWithinItsWaitIsRefusedNamingTheLimitAndNothingReachesTheFake() {
    start(FakeAliyunOptions.defaults());
    AliyunCallLimiter limiter = onManualClock(AliyunCallLimiter.forAccount("acct").callsPerSecond(1).burst(1)
        .maxConcurrentCalls(4).permitWait(Duration.ofMillis(100))).build();
    RamApi ram = connection(limiter).ram(retrier(6));
    ram.getUser(USER);
    fake.clearJournal();

    assertThatThrownBy(() -> ram.getUser(USER))
        .isInstanceOfSatisfying(AliyunCallException.class, e -> {
          assertThat(e.isTransient()).isFalse();
          assertThat(e.outcomeUnknown()).isFalse();
        })
        .hasMessage("GetUser on ram/user/" + USER + " failed: not sent: no permit of the call limit of account acct "
            + "(1 calls/s, burst 1, 4 in flight) within the permit wait of 100 ms")
        .hasCauseInstanceOf(RequestNotPermitted.class);

    assertThat(fake.journal()).as("requests the fake received").isEmpty();
    assertThat(retrierSleeps).as("the refusal is not retried behind the same budget").isEmpty();
    assertThat(limiter.stats().refusedByRate()).isEqualTo(1);
    assertThat(now.get()).as("the limiter did not wait").isZero();
  }

  @Test
  void twoClustersOnOneLimiterShareItsBudgetAcrossRamAndCs() {
    start(FakeAliyunOptions.defaults());
    // Three permits per second, none waited for: the fourth call of the second finds the budget spent.
    AliyunCallLimiter account = onManualClock(AliyunCallLimiter.forAccount("acct").callsPerSecond(3).burst(3)
        .permitWait(Duration.ZERO)).build();
    AliyunConnection clusterA = connection(account);
    AliyunConnection clusterB = connection(account);
    RamApi ramA = clusterA.ram(retrier(1));
    RamApi ramB = clusterB.ram(retrier(1));
    AckApi ackB = clusterB.ack(retrier(1));

    assertThat(ramA.getUser(USER)).isPresent();
    assertThat(ramB.getUser(USER)).isPresent();
    assertThat(ackB.describeCluster(Specs.CLUSTER_ID)).isPresent();
    assertThatThrownBy(() -> ramA.getUser(USER)).isInstanceOf(AliyunCallException.class)
        .hasMessageContaining("not sent: no permit of the call limit of account acct");
    assertThatThrownBy(() -> ackB.describeCluster(Specs.CLUSTER_ID)).isInstanceOf(AliyunCallException.class)
        .hasMessageStartingWith("DescribeClusterDetail on ack/cluster/" + Specs.CLUSTER_ID + " failed: not sent");

    assertThat(fake.journal().operations()).containsExactly("GetUser", "GetUser", "DescribeClusterDetail");
    assertThat(account.stats().callsStarted()).isEqualTo(3);
    assertThat(account.stats().refusedByRate()).isEqualTo(2);

    // A limiter per cluster would have let cluster A through: the budget is the account's, not the cluster's.
    AliyunCallLimiter ownBudget = onManualClock(AliyunCallLimiter.forAccount("acct").callsPerSecond(3).burst(3)
        .permitWait(Duration.ZERO)).build();
    assertThat(connection(ownBudget).ram(retrier(1)).getUser(USER)).isPresent();
  }
}
