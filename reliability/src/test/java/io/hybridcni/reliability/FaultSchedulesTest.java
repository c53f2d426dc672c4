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
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault schedules: {@value #DEFAULT_SCHEDULES} seeded random {@link FaultSchedule}s, each faulting one run of a
 * {@link FaultSchedule.Scenario}: a fresh BGP apply, a fresh apply on the Tigera operator's Calico (one seed in ten)
 * or the destroy of a converged cluster (one in ten). Faults of the fake Aliyun (throttling, 503, 500, 403, delays,
 * answers lost after commit), of the mock cluster (writes committed and then answered 5xx or not at all, 409, 5xx
 * before the store, 401/403/422 on the Secret, calico-node, the Installation and the Events, lists), of the Lease
 * (creation, renewals during the apply, a renewal that fails while a step outlasts the renew deadline, the release),
 * and a Secret changed by another writer between two actions. Each run must converge, or stop with a clear error
 * ({@link ClearErrors}) about work that is really left undone (a change that failed with a definite answer must
 * still be in the next plan); either way nothing may be lost ({@link Invariants#noLostData}), no DeleteAccessKey may
 * name the key the Secret holds, and once the Lease is lost no write may follow; and once the faults stop, the next
 * run must converge ({@link Invariants#converged}, {@link Invariants#destroyed}).
 *
 * <p>Every fault a schedule queues must fire: the schedule draws them from a fault-free run's requests
 * ({@link RequestTrace}), and a fault that cannot fire is a defect of the schedule, failing its seed.
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

  /** The fault families that must each have fired in a full run: the operator's and destroy's writes, the Lease's. */
  static final List<String> REQUIRED_FAMILIES = List.of("Installation update", "UnInstallClusterAddons",
      "destroy: calico-node update", "destroy: Secret delete", "DeleteAccessKey", "DetachPolicyFromUser",
      "DeletePolicy", "DeleteUser", "Lease create", "Lease renew", "Lease lost", "Lease release");

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
   * Across the schedules: how many faults were queued and fired, per kind (and how often after the run's first
   * write) and per family, and how many schedules reached apply; printed to the test log. With the full default
   * run, every kind (the Lease's creation aside, which precedes every write) must have fired after a first write,
   * every {@link #REQUIRED_FAMILIES required family} must have fired, and at least {@value #MIN_APPLY_EXERCISING}
   * schedules must have reached apply. (That every queued fault fired is asserted per schedule.)
   */
  @AfterAll
  static void everyFaultKindFiresAfterAFirstWriteAndMostSchedulesReachApply() {
    Map<FaultSchedule.Kind, Integer> firedAfterWrite = new EnumMap<>(FaultSchedule.Kind.class);
    Map<FaultSchedule.Kind, Integer> queued = new EnumMap<>(FaultSchedule.Kind.class);
    for (FaultSchedule.Kind kind : FaultSchedule.Kind.values()) {
      firedAfterWrite.put(kind, 0);
      queued.put(kind, 0);
    }
    Map<String, int[]> families = new TreeMap<>();
    Map<FaultSchedule.Scenario, Integer> scenarios = new EnumMap<>(FaultSchedule.Scenario.class);
    int total = 0;
    int fired = 0;
    for (FaultSchedule schedule : ran) {
      scenarios.merge(schedule.scenario, 1, Integer::sum);
      for (FaultSchedule.Fault f : schedule.faults) {
        total++;
        queued.merge(f.kind, 1, Integer::sum);
        int[] family = families.computeIfAbsent(f.family, k -> new int[2]);
        family[0]++;
        if (f.fired.get() > 0) {
          fired++;
          family[1]++;
        } else {
          System.out.println("  never fired: seed " + schedule.seed + ": " + f);
        }
        if (f.firedAfterFirstWrite.get()) {
          firedAfterWrite.merge(f.kind, 1, Integer::sum);
        }
      }
    }
    long applying = ran.stream().filter(s -> s.wrote.get()).count();
    System.out.println("Fault schedules: " + ran.size() + " run " + scenarios + ", " + applying
        + " reached apply (made a write); " + total + " faults queued, " + fired + " fired");
    firedAfterWrite.forEach((kind, n) -> System.out.println("  " + kind + ": queued " + queued.get(kind)
        + ", fired after the run's first write in " + n));
    families.forEach((family, n) -> System.out.println("  family " + family + ": queued " + n[0] + ", fired "
        + n[1]));
    if (ran.size() < DEFAULT_SCHEDULES) {
      return;
    }
    assertThat(fired).as("faults that fired, of %d queued", total).isEqualTo(total);
    List<FaultSchedule.Kind> silent = firedAfterWrite.entrySet().stream()
        .filter(e -> e.getValue() == 0 && e.getKey() != FaultSchedule.Kind.KUBE_LEASE_5XX).map(Map.Entry::getKey)
        .toList();
    assertThat(silent).as("fault kinds that never fired after a run's first write").isEmpty();
    assertThat(REQUIRED_FAMILIES.stream().filter(f -> !families.containsKey(f) || families.get(f)[1] == 0))
        .as("fault families that never fired").isEmpty();
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
  void everyScheduleConvergesOrStopsClearlyLosesNothingAndFiresEveryFault(long seed) {
    FaultSchedule.Scenario scenario = FaultSchedule.Scenario.of(seed);
    RequestTrace trace = RequestTrace.of(world, scenario);
    scenario.prepare(world);
    FaultSchedule schedule = new FaultSchedule(seed, trace);
    schedule.inject(world);
    Crash watch = new Crash(world, Crash.Point.none());
    World.Wiring wiring = new World.Wiring().executors(e -> schedule.around(world, e)).ram(watch::around)
        .lockTicker(schedule.ticker());
    if (schedule.renewPeriod() != null) {
      wiring.lockRenewPeriod(schedule.renewPeriod());
    }
    Reconciler faulted = world.reconciler(wiring);
    List<String> problems = new ArrayList<>();
    String outcome;
    List<String> failed = new ArrayList<>();

    try {
      ReconcileResult result = scenario.run(faulted, "faulted-run", Duration.ZERO);
      outcome = result.converged() ? "converged" : "stopped: " + result.why() + "; " + result.apply().outcomes()
          .stream().filter(o -> !o.succeeded()).map(o -> o.actionId() + " " + o.status() + ": " + o.message())
          .toList();
      if (!result.converged()) {
        problems.addAll(ClearErrors.of(result));
      }
      result.apply().withStatus(OutcomeStatus.FAILED).stream().filter(o -> definite(result, o))
          .forEach(o -> failed.add(o.actionId()));
      if (schedule.leaseLostAfter != null) {
        problems.addAll(skippedOnceTheLeaseIsLost(result, schedule.leaseLostAfter));
      }
    } catch (RuntimeException e) {
      outcome = "stopped: " + e;
      problems.addAll(ClearErrors.of(e));
    }
    ran.add(schedule);
    // One line per schedule in the test's output file, for reading the suite's spread of outcomes.
    System.out.println(schedule + " -> " + outcome + "; fired: " + schedule.firedFaults()
        + (schedule.wrote.get() ? "" : "; stopped before any write"));
    schedule.faults.stream().filter(f -> f.fired.get() == 0)
        .forEach(f -> problems.add("a queued fault never fired: " + f));
    problems.addAll(schedule.machinery);
    problems.addAll(watch.violations());
    world.healAll();
    world.runControllers();
    problems.addAll(Invariants.noLostData(world, schedule.thirdPartyData));
    if (world.lease().isPresent() && !schedule.leaseLeftBehind()) {
      problems.add("the faulted run left its Lease behind");
    }

    try {
      // A Lease left behind (its release refused) is taken over once this run watched it unchanged for its
      // duration, on its own ticker, moved a second per look so that nothing sleeps for real.
      AtomicLong ticker = new AtomicLong(System.nanoTime());
      Crash healedWatch = new Crash(world, Crash.Point.none());
      ReconcileResult healed = scenario.run(world.reconciler(new World.Wiring().ram(healedWatch::around)
          .lockTicker(ticker::get).lockSleeper(d -> ticker.addAndGet(Duration.ofSeconds(1).toNanos()))),
          "healed-run", Duration.ofMinutes(2));
      // A definite failure is true only if its work is still to do: else the change went through, misreported.
      failed.stream().filter(id -> healed.plan().actions().stream().noneMatch(a -> a.id().equals(id)))
          .forEach(id -> problems.add(id + " was reported failed, yet the next plan finds it done"));
      if (healed.converged()) {
        problems.addAll(scenario.destroy ? Invariants.destroyed(world, healed.verification())
            : Invariants.converged(world, World.spec(), healed.verification()));
        problems.addAll(Invariants.noLostData(world, schedule.thirdPartyData));
      } else {
        problems.add("once the faults stopped, the next run did not converge: " + healed.why() + " "
            + healed.apply().outcomes());
      }
      problems.addAll(healedWatch.violations());
    } catch (RuntimeException e) {
      problems.add("once the faults stopped, the next run threw " + e);
    }

    assertThat(problems).as("%s (replay with -D%s=%d); the faulted run %s", schedule, SEED, seed, outcome)
        .isEmpty();
  }

  /**
   * Once the Lease is lost (after action {@code after}), every later action is skipped, saying so: this holder
   * wrote nothing more.
   */
  private static List<String> skippedOnceTheLeaseIsLost(ReconcileResult result, String after) {
    List<String> problems = new ArrayList<>();
    boolean later = false;
    for (ActionOutcome o : result.apply().outcomes()) {
      if (later && (o.status() != OutcomeStatus.SKIPPED || !o.message().contains("lost the apply Lease"))) {
        problems.add(o.actionId() + " ran or stopped otherwise after the Lease was lost: " + o.status() + " "
            + o.message());
      }
      later |= o.actionId().equals(after);
    }
    if (result.apply().stopped() == null || !result.apply().stopped().contains("lost the apply Lease")) {
      problems.add("the run does not say that it lost the Lease: " + result.why());
    }
    return problems;
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
