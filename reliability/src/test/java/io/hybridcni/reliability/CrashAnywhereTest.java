package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.LockUnavailableException;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.kube.CniExclusionExecutor;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash anywhere: a fresh BGP apply is killed after each number of actions (0 to 6 of its 7), and once inside each
 * action that makes two writes: the AccessKey created and the Secret not yet written, and the Secret or calico-node
 * written and the Event about it not yet recorded. The crashed process leaves its Lease behind: a run right away
 * fails fast naming it, having written nothing; a run after the lease expired takes it over and must converge with
 * exactly one AccessKey referenced by the Secret, any other key reported as an orphan, calico-node's original terms
 * intact (each with the exclusion added), one policy version and the addon active.
 */
class CrashAnywhereTest {

  /** The fresh BGP plan, in order; {@link #theFreshBgpPlanIsTheOneTheCrashPointsWalk} keeps this list honest. */
  static final List<String> FRESH_BGP_ACTIONS = List.of("ram-user", "ram-policy", "ram-policy-attachment",
      "access-key-secret", "cni-exclusion", "addon-install", "addon-wait");

  private static World world;

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  static Stream<Crash.Point> crashPoints() {
    List<Crash.Point> points = new ArrayList<>();
    for (int k = 0; k < FRESH_BGP_ACTIONS.size(); k++) {
      points.add(Crash.Point.beforeAction(k, FRESH_BGP_ACTIONS.get(k)));
    }
    points.add(Crash.Point.betweenKeyAndSecret());
    points.add(Crash.Point.betweenWriteAndEvent("access-key-secret", "the Secret",
        KubernetesSecretStore.EVENT_REASON));
    points.add(Crash.Point.betweenWriteAndEvent("cni-exclusion", "calico-node", CniExclusionExecutor.EVENT_REASON));
    return points.stream();
  }

  private static ApplyOptions as(String holder) {
    return ApplyOptions.defaults().withHolder(holder);
  }

  @Test
  void theFreshBgpPlanIsTheOneTheCrashPointsWalk() {
    world.reset();

    Plan plan = world.reconciler().plan(World.spec());

    assertThat(plan.actions()).extracting(Action::id).containsExactlyElementsOf(FRESH_BGP_ACTIONS);
  }

  @ParameterizedTest(name = "crash {0}")
  @MethodSource("crashPoints")
  void theNextRunFinishesWhatACrashedApplyLeftAndConverges(Crash.Point point) {
    ReconcileResult result = crashThenRecover(point, World.spec());

    assertThat(result.converged()).as("crash %s: %s", point, result.why()).isTrue();
    assertThat(Invariants.converged(world, result.verification())).as("crash %s", point).isEmpty();
    // Released by the next run, or, when that run found nothing to do and took no lock, left to expire.
    assertThat(world.lease()).as("crash %s", point)
        .satisfiesAnyOf(lease -> assertThat(lease).isEmpty(),
            lease -> assertThat(lease.get().getSpec().getHolderIdentity()).isEqualTo("crashed-run"));
    if (point.insideAccessKey()) {
      // The crashed run's key never reached the Secret: its secret is lost, so it is an orphan, and reported.
      assertThat(world.accessKeys()).hasSize(2);
      assertThat(result.verification().findings()).extracting(Finding::code).contains("ORPHAN_ACCESS_KEYS");
    } else {
      assertThat(world.accessKeys()).as("crash %s", point).hasSize(1);
    }
  }

  @Test
  void aKeyLeftBetweenCreationAndTheSecretIsDeletedWhenTheSpecAllowsIt() {
    HybridNetworkSpec deleteOrphans = io.hybridcni.fixtures.Specs.builder().deleteOrphanAccessKeys(true).build();

    ReconcileResult result = crashThenRecover(Crash.Point.betweenKeyAndSecret(), deleteOrphans);

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(result.plan().actions()).extracting(Action::kind).first()
        .isEqualTo(io.hybridcni.plan.ActionKind.DELETE_ORPHAN_ACCESS_KEY);
    assertThat(Invariants.converged(world, result.verification())).isEmpty();
    assertThat(world.accessKeys()).hasSize(1);
  }

  private static ReconcileResult crashThenRecover(Crash.Point point, HybridNetworkSpec spec) {
    world.reset();
    Crash crash = new Crash(world, point);
    Reconciler crashing = world.reconciler(new World.Wiring().executors(crash::around).secrets(crash::around)
        .lock(crash::around));

    Throwable died = catchThrowable(() -> crashing.reconcile(spec, as("crashed-run")));
    assertThat(died).as("crash %s", point).isInstanceOf(Crash.SimulatedCrash.class);
    assertThat(crash.crashed()).isTrue();
    // The cluster and ACK go on without hybridcni: pods are placed, the addon's DaemonSet appears.
    world.runControllers();
    assertThat(Invariants.noLostData(world, java.util.Map.of())).as("right after the crash %s", point).isEmpty();

    // Right away, the dead run's Lease still stands: the next apply fails fast and names it, having written nothing.
    int callsBefore = world.aliyun().journal().size();
    Throwable locked = catchThrowable(() -> world.reconciler().reconcile(spec, as("impatient-run")));
    assertThat(locked).as("crash %s", point).isInstanceOf(LockUnavailableException.class)
        .hasMessageContaining("crashed-run");
    assertThat(world.aliyun().journal().subList(callsBefore, world.aliyun().journal().size()))
        .as("calls of the run that found the Lease held").allSatisfy(call ->
            assertThat(call.operation()).matches("(Get|List|Describe).*"));

    // The next run takes the Lease over once it has itself watched it unchanged for its lease duration (30 s): no
    // sooner because its own clock runs an hour ahead, and no later. Each look again comes a second later.
    AtomicLong ticker = new AtomicLong(System.nanoTime());
    Reconciler next = world.reconciler(new World.Wiring()
        .lockClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
        .lockTicker(ticker::get).lockSleeper(d -> ticker.addAndGet(Duration.ofSeconds(1).toNanos())));
    long watchedFrom = ticker.get();
    ReconcileResult recovered = next.reconcile(spec, as("next-run").withWaitForLock(Duration.ofMinutes(2)));
    if (!recovered.plan().actions().isEmpty()) {
      assertThat(Duration.ofNanos(ticker.get() - watchedFrom)).as("crash %s", point).isEqualTo(Duration.ofSeconds(30));
    }
    return recovered;
  }
}
