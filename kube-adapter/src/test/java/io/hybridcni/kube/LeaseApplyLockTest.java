package io.hybridcni.kube;

import io.hybridcni.testkit.kube.WatchEnds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.LockUnavailableException;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.kube.LeaseFaults.When;
import io.hybridcni.testkit.kube.MockRequests;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The apply Lease on the fabric8 mock in CRUD mode, with every applier a separate process as far as the lock can
 * tell: its own client, its own wall clock (offset from true time by a skew) and its own monotonic ticker (with its own
 * origin, as {@code System.nanoTime()} has in each JVM). True time moves only when an applier "sleeps" while it waits:
 * nothing sleeps for real.
 *
 * <p>The mock differs from a real API server in one way these tests meet: it ignores the {@code preconditions} of a
 * DELETE, so a release is protected there only by the read before it; the tests check that the precondition is sent.
 */
class LeaseApplyLockTest {

  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
  private static final String LEASE = LEASES + "/hybridcni-apply";
  private static final Instant TRUE_START = Instant.parse("2026-11-28T10:00:00Z");

  private KubernetesMockServer server;
  private LeaseFaults faults;
  private final List<KubernetesClient> clients = new ArrayList<>();
  /** True time elapsed since the test began. */
  private long trueNanos;

  @BeforeEach
  void start() {
    faults = new LeaseFaults(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), WatchEnds.wrap(faults), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }

  /** One applier: its own client, wall clock and ticker; what it does while it waits. */
  private final class Applier {
    final KubernetesClient client;
    final Duration skew;
    final long tickerOrigin;
    final List<Duration> waits = new ArrayList<>();
    Runnable whileWaiting = () -> { };

    Applier(Duration skew, long tickerOrigin, int clientRetries) {
      this.skew = skew;
      this.tickerOrigin = tickerOrigin;
      // fabric8 retries 5xx by itself; most tests turn that off to see each answer as it was given.
      try (KubernetesClient base = server.createClient()) {
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
            .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(clientRetries).build()).build();
      }
      clients.add(client);
    }

    Applier(Duration skew, long tickerOrigin) {
      this(skew, tickerOrigin, 0);
    }

    LeaseApplyLock lock() {
      return LeaseApplyLock.builder(client).leaseDuration(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(5))
          .clock(new Clock() {
            @Override
            public ZoneId getZone() {
              return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
              return this;
            }

            @Override
            public Instant instant() {
              return TRUE_START.plusNanos(trueNanos).plus(skew);
            }
          })
          .ticker(() -> tickerOrigin + trueNanos)
          .sleeper(d -> {
            waits.add(d);
            pass(d);
            whileWaiting.run();
          })
          .backgroundRenewal(false).build();
    }

    LeaseApplyLock.Hold acquire(String holder, Duration wait) {
      return (LeaseApplyLock.Hold) lock().acquire(holder, wait);
    }

    long waitedSeconds() {
      return waits.stream().mapToLong(Duration::toSeconds).sum();
    }
  }

  private void pass(Duration d) {
    trueNanos += d.toNanos();
  }

  private Lease lease() {
    try (KubernetesClient reader = server.createClient()) {
      return reader.leases().inNamespace("kube-system").withName("hybridcni-apply").get();
    }
  }

  private List<MockRequests.Recorded> leaseWrites() {
    return MockRequests.drain(server).stream()
        .filter(r -> r.pathOnly().startsWith(LEASES) && !r.method().equals("GET")).toList();
  }

  // ------------------------------------------------------------------------------------------------- basics

  @Test
  void theHolderIsWrittenToTheLeaseAndTheLeaseIsDeletedOnRelease() {
    Applier alice = new Applier(Duration.ZERO, 0);
    try (ApplyLock.Held held = alice.acquire("alice@laptop", Duration.ZERO)) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("alice@laptop");
      assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(30);
      assertThat(lease().getSpec().getRenewTime().toInstant()).isEqualTo(TRUE_START);
      assertThat(held.lost()).isEmpty();
    }
    assertThat(lease()).isNull();
    // The delete carried the resourceVersion it read, so that a real API server refuses it once someone else wrote.
    assertThat(faults.deleteBodies()).singleElement().asString().contains("\"preconditions\"")
        .contains("\"resourceVersion\"");
  }

  @Test
  void aLockThatTakesAndReleasesRoundAfterRoundSpendsOneRequestOnEachAfterTheFirst() {
    LeaseApplyLock lock = new Applier(Duration.ZERO, 0).lock();
    lock.acquire("controller-0", Duration.ZERO).close();
    MockRequests.drain(server);
    faults.deleteBodies().clear();

    ApplyLock.Held held = lock.acquire("controller-0", Duration.ZERO);
    assertThat(MockRequests.drain(server)).as("no read before the create: this lock deleted the Lease last")
        .extracting(MockRequests.Recorded::method).containsExactly("POST");
    String written = lease().getMetadata().getResourceVersion();
    MockRequests.drain(server);
    held.close();

    List<MockRequests.Recorded> released = MockRequests.drain(server);
    assertThat(lease()).isNull();
    assertThat(released).as("no read before the delete: it carries the version this holder wrote")
        .extracting(MockRequests.Recorded::method).containsExactly("DELETE");
    assertThat(faults.deleteBodies()).singleElement().asString().contains("\"preconditions\"")
        .contains("\"resourceVersion\":\"" + written + "\"");
  }

  @Test
  void aLockThatReleasedLastStillWaitsForAnotherWhoTookTheLeaseMeanwhile() {
    LeaseApplyLock controller = new Applier(Duration.ZERO, 0).lock();
    controller.acquire("controller-0", Duration.ZERO).close();
    Applier alice = new Applier(Duration.ZERO, 5);
    try (ApplyLock.Held held = alice.acquire("alice@laptop", Duration.ZERO)) {
      MockRequests.drain(server);
      assertThatThrownBy(() -> controller.acquire("controller-0", Duration.ZERO))
          .isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("alice@laptop");
      assertThat(MockRequests.drain(server)).as("the create is refused (409), then the Lease is read")
          .extracting(MockRequests.Recorded::method).startsWith("POST").contains("GET")
          .doesNotContain("PUT", "DELETE");
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("alice@laptop");
    }
  }

  @Test
  void aSecondApplyFailsFastNamingTheHolderAndHowLongUntilItWouldTakeTheLeaseAsExpired() {
    Applier alice = new Applier(Duration.ZERO, 0);
    Applier ci = new Applier(Duration.ZERO, 777);
    try (ApplyLock.Held held = alice.acquire("alice@laptop", Duration.ZERO)) {
      assertThatThrownBy(() -> ci.acquire("ci-runner", Duration.ZERO))
          .isInstanceOf(LockUnavailableException.class)
          .hasMessageContaining("alice@laptop")
          .hasMessageContaining("Lease kube-system/hybridcni-apply")
          .hasMessageContaining("expired in 30 s");
      assertThat(ci.waits).isEmpty();
    }
  }

  @Test
  void waitingLongerThanAskedStillFailsSayingHowMuchOfTheLeaseIsLeft() {
    Applier busy = new Applier(Duration.ZERO, 0);
    Applier impatient = new Applier(Duration.ZERO, 0);
    busy.acquire("busy", Duration.ZERO);

    Throwable thrown = catchThrowable(() -> impatient.acquire("impatient", Duration.ofSeconds(12)));

    assertThat(thrown).isInstanceOf(LockUnavailableException.class).hasMessageContaining("busy")
        .hasMessageContaining("expired in 18 s");
    assertThat(((LockUnavailableException) thrown).expiresIn()).isEqualTo(Duration.ofSeconds(18));
    assertThat(impatient.waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2));
  }

  @Test
  void aLeaseWithoutHolderIsTakenAtOnceAsLeaderElectionLeavesItOnRelease() {
    Applier controller = new Applier(Duration.ZERO, 0);
    controller.client.leases().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.coordination
        .v1.LeaseBuilder().withNewMetadata().withName("hybridcni-apply").endMetadata().withNewSpec()
        .withLeaseDurationSeconds(1).withLeaseTransitions(3).withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
        .endSpec().build()).create();
    Applier apply = new Applier(Duration.ZERO, 0);

    try (ApplyLock.Held held = apply.acquire("apply", Duration.ZERO)) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("apply");
      assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(4);
      assertThat(apply.waits).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------- clocks

  @ParameterizedTest(name = "candidate clock {0} s from the holder's")
  @ValueSource(ints = {3600, -3600})
  void aCandidateWaitsAFullLeaseDurationForACrashedHolderWhateverTheSkew(int skewSeconds) {
    Applier crashed = new Applier(Duration.ZERO, 123_456_789L);
    crashed.acquire("crashed", Duration.ZERO); // its process died: never renewed, never released
    Applier candidate = new Applier(Duration.ofSeconds(skewSeconds), -987_654_321_000L);

    // Right away it would wait the whole lease duration, whatever the crashed holder's renewTime says to its clock.
    assertThatThrownBy(() -> candidate.acquire("candidate", Duration.ZERO))
        .isInstanceOf(LockUnavailableException.class).hasMessageContaining("expired in 30 s");

    try (ApplyLock.Held held = candidate.acquire("candidate", Duration.ofMinutes(2))) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("candidate");
      assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
      assertThat(candidate.waitedSeconds()).isEqualTo(30);
    }
  }

  @Test
  void aCrashedHolderWhoseClockRanAnHourAheadBlocksNobodyLongerThanTheLeaseDuration() {
    Applier crashed = new Applier(Duration.ofHours(1), 5);
    crashed.acquire("crashed-ahead", Duration.ZERO);
    assertThat(lease().getSpec().getRenewTime().toInstant()).isEqualTo(TRUE_START.plus(Duration.ofHours(1)));
    Applier next = new Applier(Duration.ZERO, 0);

    try (ApplyLock.Held held = next.acquire("next", Duration.ofMinutes(2))) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("next");
      // One lease duration (30 s) of watching, not the hour its renewTime lies ahead.
      assertThat(next.waitedSeconds()).isEqualTo(30);
    }
  }

  @ParameterizedTest(name = "candidate clock {0} s from the holder's")
  @ValueSource(ints = {31, -31, 3600, -3600})
  void aHolderThatKeepsRenewingIsNeverTakenOverWhateverTheSkew(int skewSeconds) {
    Applier holder = new Applier(Duration.ZERO, 42);
    LeaseApplyLock.Hold held = holder.acquire("holder", Duration.ZERO);
    Applier candidate = new Applier(Duration.ofSeconds(skewSeconds), 4242);
    // The holder renews each time the candidate looks again (every 5 s: the default renew period).
    candidate.whileWaiting = held::renew;

    assertThatThrownBy(() -> candidate.acquire("candidate", Duration.ofMinutes(2)))
        .isInstanceOf(LockUnavailableException.class).hasMessageContaining("holder");

    // Four lease durations of waiting, each renewal seen, none missed.
    assertThat(candidate.waitedSeconds()).isEqualTo(120);
    assertThat(held.lost()).isEmpty();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("holder");
    assertThat(lease().getSpec().getLeaseTransitions()).isZero();
    assertThat(lease().getSpec().getAcquireTime().toInstant()).isEqualTo(TRUE_START);
  }

  @Test
  void renewingRestartsTheCandidatesWatchAndItTakesOverALeaseDurationAfterTheLastRenewal() {
    Applier holder = new Applier(Duration.ZERO, 0);
    LeaseApplyLock.Hold held = holder.acquire("holder", Duration.ZERO);
    Applier candidate = new Applier(Duration.ofSeconds(-31), 99);
    int[] looks = {0};
    // Renews at the first four looks (5, 10, 15, 20 s), then dies.
    candidate.whileWaiting = () -> {
      if (++looks[0] <= 4) {
        held.renew();
      }
    };

    try (ApplyLock.Held taken = candidate.acquire("candidate", Duration.ofMinutes(5))) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("candidate");
      assertThat(candidate.waitedSeconds()).isEqualTo(20 + 30);
    }
  }

  // ------------------------------------------------------------------------------------------------- renew deadline

  @Test
  void aHolderThatCannotRenewStopsAtItsRenewDeadlineBeforeAnyCandidateCanTakeOverAndNeverWritesAgain() {
    Applier holder = new Applier(Duration.ZERO, 0);
    LeaseApplyLock.Hold held = holder.acquire("holder", Duration.ZERO);
    LeaseFaults.Fault down = faults.add("PUT", LEASE, When.BEFORE_STORE, 503, 1000);
    MockRequests.drain(server);

    for (int second = 5; second < 20; second += 5) {
      pass(Duration.ofSeconds(5));
      held.renew();
      assertThat(held.lost()).as("%d s after the last renewal", second).isEmpty();
    }
    pass(Duration.ofSeconds(4));
    assertThat(held.lost()).as("19 s after the last renewal").isEmpty();
    pass(Duration.ofSeconds(1));

    assertThat(held.lost()).hasValueSatisfying(why -> assertThat(why)
        .contains("could not renew Lease kube-system/hybridcni-apply within its renew deadline of 20 s")
        .contains("last renewed 20 s ago").contains("503"));
    assertThat(down.fired()).isEqualTo(3);
    faults.clear();
    held.renew();
    assertThat(leaseWrites()).as("writes after the deadline").extracting(MockRequests.Recorded::method)
        .containsExactly("PUT", "PUT", "PUT");

    // A candidate that starts watching now can take over only 30 s later, long after the holder stopped.
    Applier candidate = new Applier(Duration.ofHours(-1), 0);
    try (ApplyLock.Held taken = candidate.acquire("candidate", Duration.ofMinutes(2))) {
      assertThat(candidate.waitedSeconds()).isEqualTo(30);
    }
    assertThat(held.lost()).isPresent();
  }

  @Test
  void aHolderWhoseLeaseWasTakenOverLearnsItAtItsNextRenewalAndLeavesTheNewHoldersLeaseAlone() {
    Applier holder = new Applier(Duration.ZERO, 0);
    LeaseApplyLock.Hold held = holder.acquire("paused", Duration.ZERO);
    // Someone judging by the wall clock (fabric8's LeaderElector does) with a clock 31 s ahead took it over.
    Applier other = new Applier(Duration.ofSeconds(31), 7);
    other.client.leases().inNamespace("kube-system").withName("hybridcni-apply").edit(l -> {
      l.getSpec().setHolderIdentity("other");
      return l;
    });
    pass(Duration.ofSeconds(5));

    held.renew();

    assertThat(held.lost()).contains("Lease kube-system/hybridcni-apply is now held by other");
    held.close();
    assertThat(lease()).isNotNull();
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("other");
  }

  // ------------------------------------------------------------------------------------------------- lost answers

  @Test
  void aCreateWhoseAnswerWasLostAfterItCommittedIsHeld() {
    LeaseFaults.Fault lost = faults.add("POST", LEASES, When.AFTER_COMMIT, 504, 1);
    Applier apply = new Applier(Duration.ZERO, 0);

    try (ApplyLock.Held held = apply.acquire("apply", Duration.ZERO)) {
      assertThat(lost.fired()).isEqualTo(1);
      assertThat(held.lost()).isEmpty();
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("apply");
    }
    assertThat(lease()).isNull();
  }

  @Test
  void aCreateTheClientRetriedAfterItsAnswerWasLostIsRecognisedAsOursDespiteThe409() {
    LeaseFaults.Fault lost = faults.add("POST", LEASES, When.AFTER_COMMIT, 500, 1);
    Applier apply = new Applier(Duration.ZERO, 0, 2);

    try (ApplyLock.Held held = apply.acquire("apply", Duration.ZERO)) {
      assertThat(lost.fired()).isEqualTo(1);
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("apply");
    }
    // The client's own retry met the Lease its first, committed, POST had made.
    assertThat(MockRequests.drain(server).stream().filter(r -> r.method().equals("POST"))).hasSize(2);
  }

  @Test
  void aCreateThatFailedBeforeTheStoreIsNeverTakenAsHeld() {
    LeaseFaults.Fault failed = faults.add("POST", LEASES, When.BEFORE_STORE, 503, 1);
    Applier apply = new Applier(Duration.ZERO, 0);

    assertThatThrownBy(() -> apply.acquire("apply", Duration.ZERO)).isInstanceOf(HybridCniException.class)
        .isNotInstanceOf(LockUnavailableException.class)
        .hasMessageContaining("Could not create Lease kube-system/hybridcni-apply")
        .hasMessageContaining("503").hasMessageContaining("did not happen");
    assertThat(failed.fired()).isEqualTo(1);
    assertThat(lease()).isNull();

    // Told to wait, it tries again after a poll.
    faults.add("POST", LEASES, When.BEFORE_STORE, 503, 1);
    try (ApplyLock.Held held = apply.acquire("apply", Duration.ofSeconds(10))) {
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("apply");
      assertThat(apply.waits).containsExactly(Duration.ofSeconds(5));
    }
  }

  @Test
  void aTakeOverWhoseAnswerWasLostAfterItCommittedIsHeld() {
    new Applier(Duration.ZERO, 0).acquire("crashed", Duration.ZERO);
    LeaseFaults.Fault lost = faults.add("PUT", LEASE, When.AFTER_COMMIT, 504, 1);
    Applier next = new Applier(Duration.ZERO, 0);

    try (ApplyLock.Held held = next.acquire("next", Duration.ofMinutes(1))) {
      assertThat(lost.fired()).isEqualTo(1);
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("next");
      assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
    }
  }

  @Test
  void aRenewWhoseAnswerWasLostAfterItCommittedCountsAsARenewal() {
    Applier holder = new Applier(Duration.ZERO, 0);
    LeaseApplyLock.Hold held = holder.acquire("holder", Duration.ZERO);
    LeaseFaults.Fault lost = faults.add("PUT", LEASE, When.AFTER_COMMIT, 504, 1);

    pass(Duration.ofSeconds(15));
    held.renew();
    pass(Duration.ofSeconds(15));

    assertThat(lost.fired()).isEqualTo(1);
    // 30 s after acquiring, but 15 s after the renewal that did happen.
    assertThat(held.lost()).isEmpty();
    assertThat(lease().getSpec().getRenewTime().toInstant()).isEqualTo(TRUE_START.plusSeconds(15));
  }

  @Test
  void aRenewThatFailedBeforeTheStoreIsNotCountedAsARenewal() {
    Applier holder = new Applier(Duration.ZERO, 0);
    LeaseApplyLock.Hold held = holder.acquire("holder", Duration.ZERO);
    LeaseFaults.Fault failed = faults.add("PUT", LEASE, When.BEFORE_STORE, 500, 1);

    pass(Duration.ofSeconds(15));
    held.renew();
    pass(Duration.ofSeconds(5));

    assertThat(failed.fired()).isEqualTo(1);
    assertThat(held.lost()).hasValueSatisfying(why -> assertThat(why).contains("500"));
    assertThat(lease().getSpec().getRenewTime().toInstant()).isEqualTo(TRUE_START);
  }

  @Test
  void aReleaseWhoseAnswerWasLostAfterItCommittedLeavesNoLeaseAndNoError() {
    Applier apply = new Applier(Duration.ZERO, 0);
    ApplyLock.Held held = apply.acquire("apply", Duration.ZERO);
    LeaseFaults.Fault lost = faults.add("DELETE", LEASE, When.AFTER_COMMIT, 504, 1);

    held.close();

    assertThat(lost.fired()).isEqualTo(1);
    assertThat(lease()).isNull();
  }

  @Test
  void aReleaseThatFailedBeforeTheStoreLeavesTheLeaseToExpire() {
    Applier apply = new Applier(Duration.ZERO, 0);
    ApplyLock.Held held = apply.acquire("apply", Duration.ZERO);
    LeaseFaults.Fault failed = faults.add("DELETE", LEASE, When.BEFORE_STORE, 503, 1);

    held.close();

    assertThat(failed.fired()).isEqualTo(1);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("apply");
    // And it expires: the next apply takes it over a lease duration later.
    Applier next = new Applier(Duration.ZERO, 0);
    try (ApplyLock.Held taken = next.acquire("next", Duration.ofMinutes(1))) {
      assertThat(next.waitedSeconds()).isEqualTo(30);
    }
  }

  // ------------------------------------------------------------------------------------------------- LeaderElector

  @Test
  void fabric8sLeaseLockReadsTheRecordThisLockWritesAndItsRecordBlocksAnApply() {
    Applier apply = new Applier(Duration.ZERO, 0);
    try (ApplyLock.Held held = apply.acquire("apply", Duration.ZERO)) {
      LeaderElectionRecord record = new LeaseLock("kube-system", "hybridcni-apply", "controller").get(apply.client);
      assertThat(record.getHolderIdentity()).isEqualTo("apply");
      assertThat(record.getLeaseDuration()).isEqualTo(Duration.ofSeconds(30));
      assertThat(record.getRenewTime().toInstant()).isEqualTo(TRUE_START);
      assertThat(record.getAcquireTime().toInstant()).isEqualTo(TRUE_START);
      assertThat(record.getLeaderTransitions()).isZero();
    }

    Applier controller = new Applier(Duration.ZERO, 0);
    ZonedDateTime now = ZonedDateTime.ofInstant(TRUE_START, ZoneOffset.UTC);
    new LeaseLock("kube-system", "hybridcni-apply", "controller").create(controller.client,
        new LeaderElectionRecord("controller", Duration.ofSeconds(15), now, now, 0));
    assertThatThrownBy(() -> apply.acquire("apply", Duration.ZERO)).isInstanceOf(LockUnavailableException.class)
        .hasMessageContaining("holder controller").hasMessageContaining("expired in 15 s");
  }
}
