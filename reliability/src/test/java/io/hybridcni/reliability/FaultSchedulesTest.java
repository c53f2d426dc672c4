package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.aliyun.AliyunCallException;
import io.hybridcni.error.RemoteCallException;
import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.plan.ActionKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault schedules: a fresh BGP apply under {@value #DEFAULT_SCHEDULES} seeded random {@link FaultSchedule}s of the
 * fake Aliyun (throttling, 503, 500, 403, delays, answers lost after commit) and the mock cluster (409 on calico-node
 * and the Secret, 5xx on the Secret, calico-node and the Lease, a Secret changed by another writer between two
 * actions). Each run must
 * converge, or stop with a clear error ({@link ClearErrors}) about work that is really left undone (a change that
 * failed with a definite answer must still be in the next plan); either way nothing may be lost ({@link
 * Invariants#noLostData});
 * and once the faults stop, the next run must converge ({@link Invariants#converged}).
 *
 * <p>A failure names its seed and schedule. Replay one schedule with
 * {@code ./mvnw -pl reliability verify -Dtest=FaultSchedulesTest -Dhybridcni.reliability.seed=SEED}; run seeds
 * 1 to N with {@code -Dhybridcni.reliability.schedules=N}.
 */
class FaultSchedulesTest {

  /** System property: run only this seed. */
  static final String SEED = "hybridcni.reliability.seed";
  /** System property: run seeds 1 to this many. */
  static final String SCHEDULES = "hybridcni.reliability.schedules";
  static final int DEFAULT_SCHEDULES = 200;

  /** Of the default 200 schedules, at least this many must reach apply (make a write), not stop at a first read. */
  static final int MIN_APPLY_EXERCISING = 150;

  private static World world;
  private static final List<FaultSchedule> ran = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /**
   * Across the schedules: how often each fault kind fired after its run's first write, how many schedules reached
   * apply, and which queued faults never fired; printed to the test log. With the full default run, every kind
   * (the Lease's creation aside, which precedes every write) must have fired after a first write, and at least
   * {@value #MIN_APPLY_EXERCISING} schedules must have reached apply.
   */
  @AfterAll
  static void everyFaultKindFiresAfterAFirstWriteAndMostSchedulesReachApply() {
    Map<FaultSchedule.Kind, Integer> firedAfterWrite = new EnumMap<>(FaultSchedule.Kind.class);
    Map<FaultSchedule.Kind, Integer> queued = new EnumMap<>(FaultSchedule.Kind.class);
    for (FaultSchedule.Kind kind : FaultSchedule.Kind.values()) {
      firedAfterWrite.put(kind, 0);
      queued.put(kind, 0);
    }
    int total = 0;
    int neverFired = 0;
    for (FaultSchedule schedule : ran) {
      for (FaultSchedule.Fault f : schedule.faults) {
        total++;
        queued.merge(f.kind, 1, Integer::sum);
        if (f.fired.get() == 0) {
          neverFired++;
          System.out.println("  never fired: seed " + schedule.seed + ": " + f);
        }
        if (f.firedAfterFirstWrite.get()) {
          firedAfterWrite.merge(f.kind, 1, Integer::sum);
        }
      }
    }
    long applying = ran.stream().filter(s -> s.wrote.get()).count();
    System.out.println("Fault schedules: " + ran.size() + " run, " + applying + " reached apply (made a write); "
        + total + " faults queued, " + neverFired + " never fired");
    firedAfterWrite.forEach((kind, n) -> System.out.println("  " + kind + ": queued " + queued.get(kind)
        + ", fired after the run's first write in " + n));
    if (ran.size() < DEFAULT_SCHEDULES) {
      return;
    }
    List<FaultSchedule.Kind> silent = firedAfterWrite.entrySet().stream()
        .filter(e -> e.getValue() == 0 && e.getKey() != FaultSchedule.Kind.KUBE_LEASE_5XX).map(Map.Entry::getKey)
        .toList();
    assertThat(silent).as("fault kinds that never fired after a run's first write").isEmpty();
    assertThat(applying).as("schedules that reached apply").isGreaterThanOrEqualTo(MIN_APPLY_EXERCISING);
  }

  static LongStream seeds() {
    String one = System.getProperty(SEED);
    if (one != null && !one.isBlank()) {
      return LongStream.of(Long.parseLong(one.trim()));
    }
    return LongStream.rangeClosed(1, Integer.getInteger(SCHEDULES, DEFAULT_SCHEDULES));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyScheduleConvergesOrStopsClearlyAndLosesNothing(long seed) {
    world.reset();
    FaultSchedule schedule = new FaultSchedule(seed);
    schedule.inject(world);
    Reconciler faulted = world.reconciler(new World.Wiring().executors(e -> schedule.around(world, e)));
    List<String> problems = new ArrayList<>();
    String outcome;
    List<String> failed = new ArrayList<>();

    try {
      ReconcileResult result = faulted.reconcile(World.spec(), ApplyOptions.defaults().withHolder("faulted-run"));
      outcome = result.converged() ? "converged" : "stopped: " + result.why() + "; " + result.apply().outcomes()
          .stream().filter(o -> !o.succeeded()).map(o -> o.actionId() + " " + o.status() + ": " + o.message())
          .toList();
      if (!result.converged()) {
        problems.addAll(ClearErrors.of(result));
      }
      result.apply().withStatus(OutcomeStatus.FAILED).stream().filter(o -> definite(result, o))
          .forEach(o -> failed.add(o.actionId()));
    } catch (RuntimeException e) {
      outcome = "stopped: " + e;
      problems.addAll(ClearErrors.of(e));
    }
    ran.add(schedule);
    // One line per schedule in the test's output file, for reading the suite's spread of outcomes.
    System.out.println(schedule + " -> " + outcome + "; fired: " + schedule.firedFaults()
        + (schedule.wrote.get() ? "" : "; stopped before any write"));
    world.healAll();
    world.runControllers();
    problems.addAll(Invariants.noLostData(world, schedule.thirdPartyData));
    if (world.lease().isPresent()) {
      problems.add("the faulted run left its Lease behind");
    }

    try {
      ReconcileResult healed = world.reconciler().reconcile(World.spec(),
          ApplyOptions.defaults().withHolder("healed-run"));
      // A definite failure is true only if its work is still to do: else the change went through, misreported.
      failed.stream().filter(id -> healed.plan().actions().stream().noneMatch(a -> a.id().equals(id)))
          .forEach(id -> problems.add(id + " was reported failed, yet the next plan finds it done"));
      if (healed.converged()) {
        problems.addAll(Invariants.converged(world, healed.verification()));
        problems.addAll(Invariants.noLostData(world, schedule.thirdPartyData));
      } else {
        problems.add("once the faults stopped, the next run did not converge: " + healed.why() + " "
            + healed.apply().outcomes());
      }
    } catch (RuntimeException e) {
      problems.add("once the faults stopped, the next run threw " + e);
    }

    assertThat(problems).as("%s (replay with -D%s=%d); the faulted run %s", schedule, SEED, seed, outcome)
        .isEmpty();
  }

  /**
   * Whether a failed action's outcome is definite: a change (a wait's goal can be reached without it) that failed
   * with an answer, not by running out of retries on transient errors, after which an earlier attempt may have gone
   * through unseen.
   */
  private static boolean definite(ReconcileResult result, ActionOutcome failed) {
    if (result.plan().action(failed.actionId()).kind() == ActionKind.WAIT_FOR_ADDON) {
      return false;
    }
    for (Throwable t = failed.cause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if ((t instanceof AliyunCallException e && e.isTransient())
          || (t instanceof RemoteCallException r && r.outcomeUnknown())
          || String.valueOf(t.getMessage()).contains("Gave up after")) {
        return false;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (suppressed instanceof RemoteCallException r && r.outcomeUnknown()) {
          return false;
        }
      }
    }
    return true;
  }
}
