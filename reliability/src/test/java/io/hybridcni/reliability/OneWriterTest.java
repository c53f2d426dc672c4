package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.LockUnavailableException;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two applies as two processes would run them, with their clocks an hour apart each way: each has its own Kubernetes
 * client (with its own user agent, so that the mock's journal tells them apart), its own Aliyun SDK clients, its own
 * wall clock for the Lease (one an hour ahead of true time, the other an hour behind) and its own monotonic ticker
 * with its own origin, as {@code System.nanoTime()} has in each JVM. The second starts while the first holds the
 * Lease, just before the first's first write, so the interleaving is the same every time: with the Lease judged by
 * the holder's renewTime, the second, an hour or two "later" by its clock, would take the Lease over at once.
 *
 * <p>Exactly one writes: every RAM and addon write once in the fake Aliyun's journal, the Secret and calico-node
 * written once each in the mock's journal, all by the first; the second writes nothing but, when it waits, the Lease.
 *
 * <p>And a holder that cannot renew the Lease before its own renew deadline stops before its next action.
 */
class OneWriterTest {

  private static final String SECRETS = "/api/v1/namespaces/kube-system/secrets";
  private static final String CALICO = "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node";
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";

  private static World world;

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /** One recorded Kubernetes request, with who sent it. */
  private record Request(String userAgent, String method, String path) {
    String pathOnly() {
      int q = path.indexOf('?');
      return q < 0 ? path : path.substring(0, q);
    }

    boolean write() {
      return !method.equals("GET") && !path.contains("dryRun=");
    }
  }

  private static List<Request> journal() throws InterruptedException {
    List<Request> requests = new ArrayList<>();
    RecordedRequest r;
    while ((r = world.server().takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
      requests.add(new Request(String.valueOf(r.getHeader("User-Agent")), r.getMethod(), r.getPath()));
    }
    return requests;
  }

  /** The wiring of one process: its own client, skewed wall clock, ticker origin; real 10 ms polls. */
  private static World.Wiring process(String name, int clockHours, long tickerOrigin, CountDownLatch waiting) {
    Sleeper sleeper = d -> {
      waiting.countDown();
      Sleeper.REAL.sleep(d);
    };
    return new World.Wiring().client(world.newClient(name))
        .lockClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(clockHours)))
        .lockTicker(() -> System.nanoTime() + tickerOrigin).lockSleeper(sleeper);
  }

  @ParameterizedTest(name = "first at {0} h, second at {1} h, the second waits {2} s")
  @CsvSource({"-1, 1, 0", "1, -1, 0", "-1, 1, 30", "1, -1, 30"})
  void whateverTheClocksSayExactlyOneApplyWrites(int firstHours, int secondHours, int waitSeconds)
      throws Exception {
    world.reset();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch secondWaits = new CountDownLatch(1);
      Reconciler second = world.reconciler(process("second", secondHours, -7_200_000_000_000L, secondWaits));
      AtomicReference<Future<Object>> secondRun = new AtomicReference<>();
      AtomicBoolean started = new AtomicBoolean();
      Reconciler first = world.reconciler(process("first", firstHours, 3_600_000_000_000L, new CountDownLatch(1))
          .executors(executor -> executor.around((action, context, step) -> {
            if (started.compareAndSet(false, true)) {
              secondRun.set(thread.submit(() -> {
                try {
                  return second.reconcile(World.spec(), ApplyOptions.defaults().withHolder("second")
                      .withWaitForLock(Duration.ofSeconds(waitSeconds)));
                } catch (RuntimeException e) {
                  return e;
                }
              }));
              awaitSecond(secondRun.get(), secondWaits, waitSeconds);
            }
            return step.get();
          })));

      ReconcileResult firstResult = first.reconcile(World.spec(), ApplyOptions.defaults().withHolder("first"));
      Object secondOutcome = secondRun.get().get(2, TimeUnit.MINUTES);
      List<Request> kube = journal();
      String context = "first at " + firstHours + " h: " + firstResult.why() + "; second at " + secondHours + " h: "
          + (secondOutcome instanceof ReconcileResult r ? r.why() : secondOutcome) + "; Kubernetes writes: "
          + kube.stream().filter(Request::write).toList();

      assertThat(firstResult.converged()).as(context).isTrue();
      assertThat(firstResult.apply().outcomes()).as(context).extracting(ActionOutcome::status)
          .containsOnly(OutcomeStatus.APPLIED);
      if (waitSeconds == 0) {
        assertThat(secondOutcome).as(context).isInstanceOf(LockUnavailableException.class);
        assertThat(((LockUnavailableException) secondOutcome).getMessage()).contains("holder first")
            .contains("expired in 30 s");
      } else {
        ReconcileResult r = (ReconcileResult) secondOutcome;
        assertThat(r.apply().refused()).as(context).startsWith("the plan is stale");
        assertThat(r.converged()).as(context).isTrue();
      }
      for (String write : List.of("CreateUser", "CreatePolicy", "AttachPolicyToUser", "CreateAccessKey",
          "InstallClusterAddons")) {
        assertThat(world.aliyun().journal().count(write)).as(context + ": " + write).isEqualTo(1);
      }
      assertThat(world.accessKeys()).as(context).hasSize(1);
      assertThat(kube.stream().filter(r -> r.write() && r.pathOnly().startsWith(SECRETS)))
          .as(context).extracting(Request::userAgent).containsExactly("first");
      assertThat(kube.stream().filter(r -> r.write() && r.pathOnly().equals(CALICO)))
          .as(context).extracting(Request::userAgent).containsExactly("first");
      assertThat(kube.stream().filter(r -> r.write() && r.userAgent().equals("second")
          && !r.pathOnly().startsWith(LEASES))).as(context).isEmpty();
      assertThat(world.lease()).as(context).isEmpty();
    } finally {
      thread.shutdownNow();
    }
  }

  /**
   * The apply's process stalls for 21 s of its own clock after its first action (a long GC pause, a suspended VM),
   * and the API server refuses every renewal meanwhile: past its 20 s renew deadline it takes the Lease as lost and
   * runs nothing more, while a candidate that watched the Lease from the start could take it over only at 30 s.
   */
  @Test
  void aHolderThatCouldNotRenewWithinItsDeadlineStopsBeforeItsNextWrite() throws Exception {
    world.reset();
    AtomicLong ticker = new AtomicLong(System.nanoTime());
    AtomicBoolean stalled = new AtomicBoolean();
    Reconciler apply = world.reconciler(new World.Wiring().client(world.newClient("stalling")).lockTicker(ticker::get)
        .executors(executor -> executor.around((action, context, step) -> {
          StepResult result = step.get();
          if (stalled.compareAndSet(false, true)) {
            world.failKube("PUT", LEASES + "/" + World.LEASE, 503, "ServiceUnavailable", 1000);
            ticker.addAndGet(Duration.ofSeconds(21).toNanos());
          }
          return result;
        })));

    ReconcileResult result = apply.reconcile(World.spec(), ApplyOptions.defaults().withHolder("stalling"));
    List<Request> kube = journal();
    String context = result.why() + "; Kubernetes writes: " + kube.stream().filter(Request::write).toList();

    assertThat(result.apply().stopped()).as(context)
        .startsWith("lost the apply Lease: could not renew Lease kube-system/hybridcni-apply within its renew "
            + "deadline of 20 s");
    assertThat(result.apply().outcomes()).as(context).extracting(ActionOutcome::status)
        .containsExactly(OutcomeStatus.APPLIED, OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED,
            OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED);
    assertThat(result.why()).as(context).startsWith("apply stopped: lost the apply Lease");
    assertThat(world.aliyun().journal().operations()).as(context)
        .filteredOn(op -> !op.startsWith("Get") && !op.startsWith("List") && !op.startsWith("Describe"))
        .containsExactly("CreateUser");
    assertThat(kube.stream().filter(r -> r.write() && !r.pathOnly().startsWith(LEASES))).as(context).isEmpty();
    // Nobody else wrote it since, so the stopped holder's release still removes it.
    assertThat(world.lease()).as(context).isEmpty();
    world.healAll();
  }

  /**
   * Lets the first go on once the second has found the Lease held and is waiting, or has given up (or, with a lock
   * that judged by the holder's renewTime, has taken it over and applied everything itself).
   */
  private static void awaitSecond(Future<Object> run, CountDownLatch waiting, int waitSeconds) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try {
      while (!run.isDone() && (waitSeconds == 0 || waiting.getCount() > 0) && System.nanoTime() < deadline) {
        waiting.await(5, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
