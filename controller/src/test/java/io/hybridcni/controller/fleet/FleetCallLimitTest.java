package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.aliyun.AliyunCallLimiter;
import io.hybridcni.testkit.aliyun.Journal;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every member's Aliyun calls go through the account's one limiter: the fake Aliyun, which measures on its own
 * clock, never serves more at once than the limiter's slots nor more in a window than its rate allows, and the
 * limiter started every call the fake received.
 */
class FleetCallLimitTest {

  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final int RATE = 20;
  private static final int BURST = 2;
  private static final int SLOTS = 2;

  private FleetWorld world;
  private Fleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (world != null) {
      world.close();
    }
  }

  @Test
  void fourMembersReadingTheCloudAtOnceStayWithinTheAccountsOneRateAndSlotsAtTheFake() throws Exception {
    // 20 ms per answer, so that unmetered members would overlap at the fake.
    world = new FleetWorld(Duration.ofMillis(20), "east", "west", "north", "south");
    for (String name : world.clusters.keySet()) {
      world.register(name);
    }
    AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("fleet-test").callsPerSecond(RATE).burst(BURST)
        .maxConcurrentCalls(SLOTS).build();
    world.aliyun.clearJournal();
    world.aliyun.resetPeakRequestsInFlight();

    fleet = world.fleet(FixedShards.all(3), world.account(limiter)).build();
    fleet.start();
    // Fresh clusters: each member reads the whole account side, then holds a plan that creates it all.
    for (String name : world.clusters.keySet()) {
      Await.until(WITHIN, name + " Blocked", () -> world.conditionIs(name, "Blocked", "True"),
          () -> String.valueOf(world.resource(name).getStatus()));
    }

    Journal journal = world.aliyun.journal();
    for (FleetWorld.MemberCluster cluster : world.clusters.values()) {
      assertThat(journal).as("calls for " + cluster.name).anyMatch(e -> e.path().contains(cluster.clusterId));
    }
    AliyunCallLimiter.Stats stats = limiter.stats();
    assertThat(stats.callsStarted()).as("calls the one limiter started, against those the fake received")
        .isEqualTo(journal.size());
    assertThat(world.aliyun.peakRequestsInFlight()).as("requests the fake served at once")
        .isLessThanOrEqualTo(SLOTS);
    // Period = burst / rate = 100 ms: in k periods at most burst * (k + 1) permits, plus the calls in flight that
    // started before the window and arrive in it.
    int busiest = journal.mostReceivedWithin(Duration.ofMillis(300));
    assertThat(busiest).as("busiest 300 ms at the fake").isLessThanOrEqualTo(BURST * (3 + 1) + SLOTS);
    assertThat(stats.refused()).isZero();
    System.out.println("4 members, " + journal.size() + " Aliyun calls: at most " + world.aliyun.peakRequestsInFlight()
        + " at once, busiest 300 ms " + busiest + ", busiest second " + journal.mostReceivedWithin(Duration.ofSeconds(1))
        + " (limit " + RATE + "/s, burst " + BURST + ", " + SLOTS + " in flight); permits waited " + stats.permitsWaited());
  }
}
