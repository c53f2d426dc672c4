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

  private static void awaitNoneInFlight(FakeAliyun fake) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (fake.requestsInFlight() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(fake.requestsInFlight()).isZero();
  }
}
