package io.hybridcni.controller;

import io.hybridcni.testkit.kube.WatchEnds;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.kube.LeaseApplyLock;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Why the controller's leadership is not fabric8's {@code LeaderElector}: with a leader whose clock runs an hour
 * behind, fabric8's candidate compares the leader's {@code renewTime} with its own wall clock, finds the Lease an
 * hour old and takes it while the leader still renews it: two replicas believe they lead. (Were fabric8 to judge as
 * client-go does, this test would fail and the choice could be revisited.) The same leader and a candidate on
 * {@link LeaseLeadership} never both lead: {@link LeadershipTest}.
 */
class Fabric8LeaderElectorSkewTest {

  private static final Duration LEASE = Duration.ofSeconds(2);

  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        WatchEnds.wrap(new KubernetesCrudDispatcher(List.of())), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void fabric8sCandidateTakesALiveLeadersLeaseWhenTheLeadersClockRunsBehind() throws Exception {
    KubernetesClient leaderClient = server.createClient();
    LeaseLeadership behind = new LeaseLeadership(LeaseApplyLock.builder(leaderClient).name("hybridcni-controller")
        .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(-1))).leaseDuration(LEASE)
        .renewDeadline(Duration.ofMillis(1200)).renewPeriod(Duration.ofMillis(300)).build(), "behind",
        "Lease kube-system/hybridcni-controller", Duration.ofMillis(20), Duration.ofMillis(100));
    CountDownLatch behindLeads = new CountDownLatch(1);
    behind.start(leading -> {
      if (leading) {
        behindLeads.countDown();
      }
    });
    assertThat(behindLeads.await(20, TimeUnit.SECONDS)).isTrue();

    AtomicBoolean bothLed = new AtomicBoolean();
    CountDownLatch candidateLeads = new CountDownLatch(1);
    CompletableFuture<?> election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("skew").withLock(new LeaseLock("kube-system", "hybridcni-controller", "fabric8-candidate"))
        .withLeaseDuration(LEASE).withRenewDeadline(Duration.ofMillis(1500)).withRetryPeriod(Duration.ofMillis(100))
        .withLeaderCallbacks(new LeaderCallbacks(() -> {
          bothLed.set(behind.leading());
          candidateLeads.countDown();
        }, () -> { }, leader -> { }))
        .build()).build().start();
    try {
      // Well within the lease duration after the live leader's last renewal.
      assertThat(candidateLeads.await(LEASE.toMillis() / 2, TimeUnit.MILLISECONDS))
          .as("fabric8's candidate took the Lease at once").isTrue();
      assertThat(bothLed).as("the leader still believed it led").isTrue();
    } finally {
      election.cancel(true);
      behind.close();
      leaderClient.close();
    }
  }
}
