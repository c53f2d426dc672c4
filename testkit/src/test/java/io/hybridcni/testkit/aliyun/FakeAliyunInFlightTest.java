package io.hybridcni.testkit.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ram20150501.models.CreateUserRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FakeAliyunInFlightTest {

  @Test
  void countsRequestsServedAtOnceAndKeepsThePeakUntilReset() throws Exception {
    // A long latency keeps the three requests inside the fake together, however slowly their threads start.
    try (FakeAliyun fake = FakeAliyun.start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(800)))) {
      fake.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
      var ram = Sdk.ram(fake);
      assertThat(fake.requestsInFlight()).isZero();
      assertThat(fake.peakRequestsInFlight()).isZero();

      ExecutorService callers = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
          String name = "u" + i;
          calls.add(callers.submit(() -> ram.createUser(new CreateUserRequest().setUserName(name))));
        }
        for (Future<?> call : calls) {
          call.get();
        }
      } finally {
        callers.shutdownNow();
      }

      // A request leaves the count only after its answer is written, which the client may read a moment sooner.
      awaitNoneInFlight(fake);
      assertThat(fake.peakRequestsInFlight()).isEqualTo(3);

      fake.resetPeakRequestsInFlight();
      assertThat(fake.peakRequestsInFlight()).isZero();
      ram.createUser(new CreateUserRequest().setUserName("u4"));
      assertThat(fake.peakRequestsInFlight()).isEqualTo(1);
    }
  }

  @Test
  void callersThatKeepExactlyTheLimitOutstandingAreNeverSeenOverIt() throws Exception {
    // 16 callers, each starting its next call the moment it holds the previous answer: the client keeps exactly
    // 16 calls outstanding all the time. The slowed server keeps all 16 inside the fake together, so the count
    // reaches the limit; it must never pass it, however the handler threads are scheduled after they answer.
    int limit = 16;
    try (FakeAliyun fake = FakeAliyun.start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(300))
        .withRejectReplayedNonces(false))) {
      fake.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
      var ram = Sdk.ram(fake);
      runCallers(ram, limit, 6);

      awaitNoneInFlight(fake);
      assertThat(fake.journal().size()).isEqualTo(limit * 6);
      assertThat(fake.peakRequestsInFlight()).isEqualTo(limit);
    }
  }

  @Test
  void aClientWithOneCallMoreThanTheLimitOutstandingIsSeenOverIt() throws Exception {
    // The fault the fleet bench checks for: 17 calls outstanding against a limit of 16 must show as 17.
    int limit = 16;
    try (FakeAliyun fake = FakeAliyun.start(FakeAliyunOptions.defaults().withLatency(Duration.ofMillis(800)))) {
      fake.addAccessKey(Sdk.CALLER_ID, Sdk.CALLER_SECRET);
      var ram = Sdk.ram(fake);
      runCallers(ram, limit + 1, 1);

      awaitNoneInFlight(fake);
      assertThat(fake.peakRequestsInFlight()).isGreaterThan(limit).isEqualTo(limit + 1);
    }
  }

  /** Runs {@code callers} threads released together, each making {@code callsEach} calls one after another. */
  private static void runCallers(com.aliyun.ram20150501.Client ram, int callers, int callsEach) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(callers);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        String prefix = "c" + c + "-";
        calls.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < callsEach; i++) {
            ram.createUser(new CreateUserRequest().setUserName(prefix + i));
          }
          return null;
        }));
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitNoneInFlight(FakeAliyun fake) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (fake.requestsInFlight() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(fake.requestsInFlight()).isZero();
  }
}
