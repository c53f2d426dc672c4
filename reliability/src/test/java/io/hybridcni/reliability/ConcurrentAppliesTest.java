package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.LockUnavailableException;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.testkit.aliyun.RamPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two applies started at once on the same fresh cluster, by two threads with two reconcilers (each with its own
 * observers, executors and Lease lock, as two processes would have). The Lease lets one apply; the other fails fast
 * naming it, or, when told to wait, waits and then refuses its plan as stale (everything it planned is done). The end
 * state has exactly one AccessKey, one policy version and one addon, and every write was made once. Repeated, since
 * which thread wins and how the two interleave differ from round to round.
 */
class ConcurrentAppliesTest {

  private static final int ROUNDS = 4;

  private static World world;

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /** What one of the two runs did: its result, or what it threw. */
  private record Run(String holder, ReconcileResult result, Throwable thrown) {
    boolean applied() {
      return result != null && result.apply().refused() == null
          && result.apply().outcomes().stream().anyMatch(o -> o.status() == OutcomeStatus.APPLIED);
    }

    @Override
    public String toString() {
      return holder + ": " + (thrown != null ? "threw " + thrown
          : (applied() ? "applied, " : "did not apply, ") + result.why());
    }
  }

  @ParameterizedTest(name = "the loser waits up to {0} s")
  @ValueSource(ints = {0, 30})
  void oneAppliesTheOtherFailsFastOrWaitsAndTheCloudHoldsOneOfEverything(int waitSeconds) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        world.reset();
        List<Run> runs = race(threads, Duration.ofSeconds(waitSeconds));
        String context = "round " + round + ", wait " + waitSeconds + " s: " + runs;
        System.out.println(context);

        assertThat(runs.stream().filter(Run::applied)).as(context).hasSize(1);
        Run winner = runs.stream().filter(Run::applied).findFirst().orElseThrow();
        Run loser = runs.stream().filter(r -> r != winner).findFirst().orElseThrow();
        assertThat(winner.result().converged()).as(context).isTrue();
        if (loser.thrown() != null) {
          // Only a run that does not wait may give up, and only because the other holds the Lease.
          assertThat(waitSeconds).as(context).isZero();
          assertThat(loser.thrown()).as(context).isInstanceOf(LockUnavailableException.class)
              .hasMessageContaining(winner.holder());
        } else {
          // It got the Lease after the winner (or planned after it): nothing of its plan was left to do.
          assertThat(loser.result().converged()).as(context).isTrue();
          if (!loser.result().plan().actions().isEmpty()) {
            assertThat(loser.result().apply().refused()).as(context).startsWith("the plan is stale");
          }
        }
        assertThat(world.accessKeys()).as(context).hasSize(1);
        assertThat(world.policy().map(RamPolicy::versionIds).orElseThrow()).as(context).hasSize(1);
        assertThat(world.aliyun().addons(io.hybridcni.fixtures.Specs.CLUSTER_ID)).as(context).hasSize(1);
        for (String write : List.of("CreateUser", "CreatePolicy", "AttachPolicyToUser", "CreateAccessKey",
            "InstallClusterAddons")) {
          assertThat(world.aliyun().journal().count(write)).as(context + ": " + write).isEqualTo(1);
        }
        assertThat(Invariants.converged(world, world.reconciler().plan(World.spec()))).as(context).isEmpty();
        assertThat(world.lease()).as(context).isEmpty();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Starts both applies at the same instant and waits for both. */
  private static List<Run> race(ExecutorService threads, Duration wait) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    List<Future<Run>> futures = new ArrayList<>();
    for (String holder : List.of("apply-a", "apply-b")) {
      Reconciler reconciler = world.reconciler();
      futures.add(threads.submit(() -> {
        start.await();
        try {
          return new Run(holder, reconciler.reconcile(World.spec(),
              ApplyOptions.defaults().withHolder(holder).withWaitForLock(wait)), null);
        } catch (RuntimeException e) {
          return new Run(holder, null, e);
        }
      }));
    }
    List<Run> runs = new ArrayList<>();
    for (Future<Run> f : futures) {
      runs.add(f.get(2, TimeUnit.MINUTES));
    }
    return runs;
  }
}
