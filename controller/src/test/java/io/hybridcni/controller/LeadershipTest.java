package io.hybridcni.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.Plan;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one mock, on the leadership Lease and the apply Lease: one writes at a time whatever their wall
 * clocks say, a dead leader is replaced within the lease duration, and a CLI apply waits for the controller's repair.
 * Leases here last 2 s (renewed every 300 ms, lost after 1.2 s without a renewal) so that a takeover costs seconds.
 */
class LeadershipTest {

  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration WITHIN = Duration.ofSeconds(30);

  /** One write: who made it, and when it started and ended on this JVM's monotonic clock. */
  record Write(String holder, String kind, long start, long end) {}

  private ControllerWorld world;
  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private final List<HybridNetworkController> controllers = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startWorld() {
    world = ControllerWorld.start();
    assertThat(world.converge().converged()).isTrue();
  }

  @AfterEach
  void stop() {
    controllers.forEach(HybridNetworkController::close);
    world.close();
  }

  private LeaseApplyLock.Builder lease(KubernetesClient client, String name, Clock clock) {
    return LeaseApplyLock.builder(client).name(name).clock(clock).leaseDuration(LEASE)
        .renewDeadline(Duration.ofMillis(1200)).renewPeriod(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(50));
  }

  /** Records every write with its holder, then runs the real executor. */
  private UnaryOperator<ActionExecutor<?>> recording(String holder, UnaryOperator<ActionExecutor<?>> inner) {
    return e -> inner.apply(e).around((action, context, step) -> {
      long start = System.nanoTime();
      try {
        return step.get();
      } finally {
        writes.add(new Write(holder, action.kind().name(), start, System.nanoTime()));
      }
    });
  }

  private HybridNetworkController replica(String identity, KubernetesClient client, Clock clock, Recorder recorder,
      UnaryOperator<ActionExecutor<?>> around) {
    LeaseLeadership leadership = new LeaseLeadership(lease(client, "hybridcni-controller", clock).build(), identity,
        "Lease kube-system/hybridcni-controller", Duration.ofMillis(50), Duration.ofMillis(100));
    HybridNetworkController c = HybridNetworkController.builder()
        .spec(ControllerWorld.spec())
        .writer(lease(client, "hybridcni-apply", clock).build(),
            lock -> world.reconciler(client, lock, recording(identity, around)))
        .planning(world.observer(client), world.cloud(client))
        .changes(Watches.daemonSetsAndSecrets(client))
        .debounce(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(100), Duration.ofMillis(400))
        .applyOptions(ApplyOptions.defaults().withStatusTimeout(Duration.ZERO).withWaitForLock(Duration.ofSeconds(10)))
        .identity(identity)
        .leadership(leadership)
        .listener(recorder)
        .build();
    controllers.add(c);
    c.start();
    return c;
  }

  private static Clock skewed(Duration by) {
    return Clock.offset(Clock.systemUTC(), by);
  }

  private static boolean leads(Recorder.Call c) {
    return c.name().equals("leadership") && Boolean.TRUE.equals(c.leading());
  }

  @Test
  void twoReplicasWhoseClocksDifferByTwoHoursNeverBothWriteAndTheOneAheadWaitsForTheOneBehind()
      throws Exception {
    Recorder behind = new Recorder();
    KubernetesClient behindClient = world.newClient();
    replica("behind", behindClient, skewed(Duration.ofHours(-1)), behind, UnaryOperator.identity());
    behind.await(0, WITHIN, LeadershipTest::leads);

    // Judged by wall clocks, as fabric8's LeaderElector judges, the one an hour ahead would find the Lease renewed
    // an hour ago by the one behind, take it at once, and both would write.
    Recorder ahead = new Recorder();
    HybridNetworkController aheadController = replica("ahead", world.newClient(), skewed(Duration.ofHours(1)), ahead,
        UnaryOperator.identity());
    ahead.await(0, WITHIN, c -> c.name().equals("planned"));
    for (int i = 0; i < 3; i++) {
      int mark = behind.size();
      world.overwriteCalicoAffinity();
      Recorder.Call repaired = behind.await(mark, WITHIN, c -> c.name().equals("reconciled"));
      assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    }
    Thread.sleep(LEASE.multipliedBy(2).toMillis());
    assertThat(ahead.calls()).noneMatch(LeadershipTest::leads);
    assertThat(aheadController.leading()).isFalse();
    assertThat(writes).extracting(Write::holder).containsOnly("behind").hasSize(3);

    // The one behind dies without giving the lead up (its client closed: no renewal, no release). The one ahead,
    // judged by its own clock, would wait an hour under fabric8's rule; it takes over within the lease duration.
    long killedAt = System.nanoTime();
    behindClient.close();
    ahead.await(0, WITHIN, LeadershipTest::leads);
    Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
    System.out.println("takeover " + takeover.toMillis() + " ms after the leader died (lease " + LEASE.toMillis()
        + " ms)");
    assertThat(takeover).isLessThan(LEASE.multipliedBy(3));

    int mark = ahead.size();
    world.overwriteCalicoAffinity();
    Recorder.Call repaired = ahead.await(mark, WITHIN, c -> c.name().equals("reconciled"));
    assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    assertThat(world.calicoExcludesCloudNodes()).isTrue();
    assertAtMostOneWriterAtATime();
  }

  private void assertAtMostOneWriterAtATime() {
    for (Write a : writes) {
      for (Write b : writes) {
        if (!a.holder().equals(b.holder())) {
          assertThat(a.end() <= b.start() || b.end() <= a.start())
              .as("%s and %s wrote at the same time", a, b).isTrue();
        }
      }
    }
  }

  @Test
  void aLeaderKilledMidRepairIsReplacedWithinTheLeaseDurationAndTheRepairConverges() throws Exception {
    Recorder first = new Recorder();
    KubernetesClient firstClient = world.newClient();
    AtomicLong killedAt = new AtomicLong();
    replica("first", firstClient, Clock.systemUTC(), first, e -> e.around((action, context, step) -> {
      if (action.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI && killedAt.get() == 0) {
        // Killed mid-repair, holding both Leases: nothing is renewed or released from now on.
        killedAt.set(System.nanoTime());
        firstClient.close();
      }
      return step.get();
    }));
    first.await(0, WITHIN, LeadershipTest::leads);
    Recorder second = new Recorder();
    replica("second", world.newClient(), Clock.systemUTC(), second, UnaryOperator.identity());
    second.await(0, WITHIN, c -> c.name().equals("planned"));

    world.overwriteCalicoAffinity();

    second.await(0, WITHIN, LeadershipTest::leads);
    Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt.get());
    Recorder.Call repaired = second.await(0, WITHIN, c -> c.name().equals("reconciled") && c.result().converged());
    System.out.println("killed leader replaced after " + takeover.toMillis() + " ms (lease " + LEASE.toMillis()
        + " ms)");
    assertThat(killedAt.get()).isNotZero();
    assertThat(takeover).isLessThan(LEASE.multipliedBy(3));
    assertThat(repaired.result().plan().actions()).extracting(a -> a.kind())
        .containsExactly(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI);
    assertThat(world.calicoExcludesCloudNodes()).isTrue();
    assertThat(first.calls("reconciled")).noneMatch(c -> c.result().converged());
    assertAtMostOneWriterAtATime();
  }

  @Test
  void aCliApplyStartedDuringARepairWaitsForTheApplyLeaseAndThenFindsNothingLeftToDo() throws Exception {
    KubernetesClient cliClient = world.newClient();
    CountDownLatch cliWaits = new CountDownLatch(1);
    AtomicLong cliGotLease = new AtomicLong();
    // As ApplyCommand builds it: the live environment's reconciler, the apply Lease, --wait-for-lock.
    ApplyLock cliLease = lease(cliClient, "hybridcni-apply", Clock.systemUTC()).sleeper(d -> {
      cliWaits.countDown();
      Thread.sleep(d.toMillis());
    }).build();
    ApplyLock timedCliLease = (holder, wait) -> {
      ApplyLock.Held held = cliLease.acquire(holder, wait);
      cliGotLease.set(System.nanoTime());
      return held;
    };
    Reconciler cli = world.reconciler(cliClient, timedCliLease, recording("cli", UnaryOperator.identity()));
    AtomicBoolean started = new AtomicBoolean();
    CompletableFuture<ReconcileResult> cliRun = new CompletableFuture<>();
    List<Plan> cliPlans = new CopyOnWriteArrayList<>();

    Recorder controller = new Recorder();
    replica("controller-0", world.newClient(), Clock.systemUTC(), controller, e -> e.around((action, ctx, step) -> {
      if (action.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI && started.compareAndSet(false, true)) {
        Thread t = new Thread(() -> {
          try {
            Plan plan = cli.plan(ControllerWorld.spec());
            cliPlans.add(plan);
            ApplyOptions options = ApplyOptions.defaults().withHolder("cli").withWaitForLock(Duration.ofSeconds(20))
                .withStatusTimeout(Duration.ZERO);
            ApplyResult applied = cli.apply(ControllerWorld.spec(), plan, options);
            cliRun.complete(cli.verify(ControllerWorld.spec(), plan, applied, options));
          } catch (RuntimeException ex) {
            cliRun.completeExceptionally(ex);
          }
        });
        t.start();
        try {
          assertThat(cliWaits.await(20, TimeUnit.SECONDS)).as("the CLI apply waits for the apply Lease").isTrue();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }
      return step.get();
    }));
    controller.await(0, WITHIN, LeadershipTest::leads);
    controller.await(0, WITHIN, c -> c.name().equals("planned"));

    world.overwriteCalicoAffinity();

    Recorder.Call repaired = controller.await(0, WITHIN, c -> c.name().equals("reconciled"));
    ReconcileResult cliResult = cliRun.get(30, TimeUnit.SECONDS);
    assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    // The CLI planned while the exclusion was missing; once it held the Lease, its plan's facts had changed: it wrote
    // nothing, and the plan made afterwards is empty.
    assertThat(cliPlans.get(0).actions()).extracting(a -> a.kind()).contains(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI);
    assertThat(cliResult.converged()).as(cliResult.why()).isTrue();
    assertThat(cliResult.verification().actions()).isEmpty();
    assertThat(writes).extracting(Write::holder).containsOnly("controller-0");
    Write repair = writes.get(0);
    assertThat(cliGotLease.get()).as("the CLI took the apply Lease after the repair's write ended")
        .isGreaterThan(repair.end());
  }
}
