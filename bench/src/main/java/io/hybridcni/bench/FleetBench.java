package io.hybridcni.bench;

import io.hybridcni.aliyun.AckApi;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunCallLimiter;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunExecutors;
import io.hybridcni.aliyun.AliyunObserver;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.kube.KubeExecutors;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.port.SecretStore;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.PolicyDocument;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.aliyun.Journal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 3: one reconciler, a fleet of registered clusters in one Alibaba Cloud account, a bounded number of
 * clusters reconciled at once and the account's one {@link AliyunCallLimiter} (resilience4j's rate limiter and
 * bulkhead) under every attempt of every RAM and CS call, as a fleet controller shares it. Most clusters are
 * converged; every {@code driftEvery}-th one has lost its policy attachment, which the reconciler restores. Measures
 * clusters per second, the peak of requests in flight at the fake (which must never exceed the limit), the busiest
 * second at the fake, and memory per cluster.
 */
public final class FleetBench {

  static final String REGION = "cn-hangzhou";
  private static final String CALLER_ID = "LTAI5tFleetBenchCaller";
  private static final String CALLER_SECRET = "FleetBenchCallerSecret0123456789";
  private static final String THREADS = "fleet-";

  /**
   * @param clusters registered clusters in the fleet
   * @param concurrency clusters reconciled at once
   * @param qps the global Aliyun rate limit, calls per second
   * @param burst calls the rate limit lets through at once after a quiet spell
   * @param maxInFlight the global limit of Aliyun calls in flight at once
   * @param latency added to every answer of the fake Aliyun
   * @param kubernetesObserveTime how long each in-memory Kubernetes observation takes
   * @param driftEvery every n-th cluster has lost its policy attachment (0: none)
   */
  record Params(int clusters, int concurrency, double qps, int burst, int maxInFlight, Duration latency,
      Duration kubernetesObserveTime, int driftEvery) {

    static Params defaults() {
      // 350 ms: the chain of about 7 dependent GETs the Kubernetes observer makes at 50 ms (see noop-reconcile).
      return new Params(1000, 32, 200, 20, 16, Duration.ofMillis(50), Duration.ofMillis(350), 20);
    }

    static Params smoke() {
      return new Params(20, 4, 200, 10, 4, Duration.ofMillis(5), Duration.ofMillis(10), 10);
    }
  }

  private FleetBench() {}

  public static void main(String[] args) {
    Quiet.logs();
    HarnessArgs harness = HarnessArgs.parse(args);
    harness.write(run(harness.smoke() ? Params.smoke() : Params.defaults()));
  }

  static BenchResult run(Params p) {
    Quiet.logs();
    BenchResult.Started start = BenchResult.Started.now();
    long heapEmpty = Memory.usedHeapAfterGc();
    // Replayed nonces are not tracked: the fake would otherwise keep one entry per call, which is its memory, not
    // the reconciler's.
    FakeAliyunOptions options = FakeAliyunOptions.defaults().withLatency(p.latency()).withAddonPollsBeforeSettled(0)
        .withRejectReplayedNonces(false);
    ExecutorService workers = pool("reconcile", p.concurrency());
    ExecutorService observations = pool("observe", 0);
    ExecutorService reads = pool("aliyun-read", 0);
    try (FakeAliyun fake = FakeAliyun.start(options)) {
      fake.addAccessKey(CALLER_ID, CALLER_SECRET);
      FleetClusters kubernetes = new FleetClusters(p.kubernetesObserveTime());
      List<HybridNetworkSpec> specs = seed(fake, kubernetes, p);
      long heapSeeded = Memory.usedHeapAfterGc();

      // The waits are long enough never to refuse here: the fleet measures the rate the limit allows, and a refusal
      // would fail a cluster's reconcile (the run checks that none was refused).
      AliyunCallLimiter limiter = AliyunCallLimiter.forAccount("fleet").callsPerSecond(p.qps()).burst(p.burst())
          .maxConcurrentCalls(p.maxInFlight()).permitWait(Duration.ofMinutes(5)).slotWait(Duration.ofMinutes(5))
          .build();
      AliyunConnection connection = AliyunConnection.forRegion(REGION).endpoint(fake.endpoint()).protocol("HTTP")
          .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).callLimiter(limiter).build();
      Retrier retrier = Retrier.defaults();
      RamApi ram = connection.ram(retrier);
      AckApi ack = connection.ack(retrier);
      Reconciler reconciler = Reconciler.builder()
          .cluster(kubernetes)
          .cloud(new AliyunObserver(ram, ack, reads))
          .observeExecutor(observations)
          // The fleet measures the cloud side: its clusters need no exclusion and keep their Secret unwritten.
          .runs(PlanKind.APPLY)
          .unwired(KubeExecutors.KINDS)
          .executors(AliyunExecutors.create(ram, ack, NO_SECRET_WRITES, retrier,
              new AddonWaitOptions(p.latency(), p.latency().multipliedBy(10), Duration.ofMinutes(1)),
              Clock.systemUTC()))
          .build();
      fake.clearJournal();
      fake.resetPeakRequestsInFlight();

      long started = System.nanoTime();
      List<Future<ReconcileResult>> futures = new ArrayList<>();
      for (HybridNetworkSpec spec : specs) {
        futures.add(workers.submit(() -> reconciler.reconcile(spec, ApplyOptions.defaults())));
      }
      List<ReconcileResult> results = new ArrayList<>();
      for (Future<ReconcileResult> future : futures) {
        results.add(await(future));
      }
      double wallSeconds = (System.nanoTime() - started) / 1e9;
      long allocated = Memory.allocatedByThreads(THREADS);

      Journal journal = fake.journal();
      int journaled = journal.size();
      int peakAtFake = fake.peakRequestsInFlight();
      int busiestSecond = journal.mostReceivedWithin(Duration.ofSeconds(1));
      long notOk = journal.stream().filter(entry -> !entry.succeeded()).count();
      journal = null;
      AliyunCallLimiter.Stats stats = limiter.stats();
      int drifted = check(results, p);
      NoOpReconcileBench.require(peakAtFake <= p.maxInFlight(),
          "the fake saw " + peakAtFake + " requests in flight, over the limit of " + p.maxInFlight());
      NoOpReconcileBench.require(stats.callsStarted() == journaled,
          "the limiter passed " + stats.callsStarted() + " calls but the fake received " + journaled);
      NoOpReconcileBench.require(stats.refused() == 0, "the limiter refused " + stats.refused() + " calls");
      int busiestSecondBound = busiestSecondBound(p);
      NoOpReconcileBench.require(busiestSecond <= busiestSecondBound, "the fake received " + busiestSecond
          + " calls within one second, over the " + busiestSecondBound + " the rate limit of " + p.qps()
          + " per second in bursts of " + p.burst() + " and " + p.maxInFlight() + " calls in flight allow");

      fake.clearJournal();
      long heapWithResults = Memory.usedHeapAfterGc();
      BenchResult result = result(p, start, wallSeconds, journaled, notOk, peakAtFake, stats, busiestSecond, drifted,
          heapSeeded - heapEmpty, heapWithResults - heapSeeded, allocated);
      // Keep the results reachable until the heap was measured with them.
      NoOpReconcileBench.require(results.size() == p.clusters(), "lost results");
      return result;
    } finally {
      workers.shutdownNow();
      observations.shutdownNow();
      reads.shutdownNow();
    }
  }

  /** Registers the fleet in the fake and in memory; answers each cluster's spec. */
  private static List<HybridNetworkSpec> seed(FakeAliyun fake, FleetClusters kubernetes, Params p) {
    KubernetesFacts converged = SampleClusters.convergedBgp().kubernetes();
    List<HybridNetworkSpec> specs = new ArrayList<>();
    boolean policySeeded = false;
    for (int i = 0; i < p.clusters(); i++) {
      HybridNetworkSpec spec = HybridNetworkSpec.builder().clusterId(clusterId(i)).regionId(REGION).build();
      if (!policySeeded) {
        fake.seedPolicy(spec.ramPolicyName(), PolicyDocument.TERWAY_ENIIP_TEXT);
        policySeeded = true;
      }
      fake.addCluster(spec.clusterId(), FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", REGION)
          .seedAddon(spec.clusterId(), spec.addonName(), FakeAliyun.DEFAULT_ADDON_VERSION, "active")
          .seedUser(spec.ramUserName());
      if (!drifted(i, p)) {
        fake.seedAttachment(spec.ramUserName(), spec.ramPolicyName());
      }
      String keyId = fake.seedAccessKey(spec.ramUserName());
      SecretFacts secret = new SecretFacts(spec.secretNamespace(), spec.secretName(), true, "Opaque", "1",
          Map.of("access-key-id", ValueHash.of(keyId), "access-key-secret", ValueHash.of("secret-of-" + keyId)),
          Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE));
      // Each cluster of the fleet carries its own id: on its cloud nodes' ack.aliyun.com label and in ACK's agent.
      List<NodeInfo> nodes = converged.nodes().stream().map(n -> relabelled(n, spec.clusterId())).toList();
      kubernetes.add(spec.clusterId(), new KubernetesFacts(nodes, converged.cni(), converged.terway(), secret,
          SampleClusters.identity(spec.clusterId(), nodes), converged.secretNamespace()));
      specs.add(spec);
    }
    return specs;
  }

  private static NodeInfo relabelled(NodeInfo node, String clusterId) {
    if (!node.labels().containsKey(ClusterIdentity.NODE_LABEL)) {
      return node;
    }
    Map<String, String> labels = new java.util.TreeMap<>(node.labels());
    labels.put(ClusterIdentity.NODE_LABEL, clusterId);
    return new NodeInfo(node.name(), labels, node.providerId(), node.runsCalico(), node.runsTerway());
  }

  /** {@code c} and 32 hex digits, the first 9 of them distinct, since the RAM user name keeps the first 10. */
  static String clusterId(int i) {
    return String.format(Locale.ROOT, "c%09x%s", i, "f".repeat(23));
  }

  private static boolean drifted(int i, Params p) {
    return p.driftEvery() > 0 && i % p.driftEvery() == p.driftEvery() - 1;
  }

  /** Every cluster converged; the drifted ones by re-attaching their policy, the others with nothing to do. */
  private static int check(List<ReconcileResult> results, Params p) {
    int drifted = 0;
    for (int i = 0; i < results.size(); i++) {
      ReconcileResult r = results.get(i);
      NoOpReconcileBench.require(r.converged(), "cluster " + clusterId(i) + " did not converge: " + r.why());
      if (drifted(i, p)) {
        drifted++;
        NoOpReconcileBench.require(r.plan().actions().size() == 1
            && r.plan().actions().get(0).kind() == ActionKind.ATTACH_RAM_POLICY,
            "drifted cluster " + clusterId(i) + " planned " + r.plan().actions());
      } else {
        NoOpReconcileBench.require(r.plan().isEmpty(), "converged cluster " + clusterId(i) + " planned "
            + r.plan().actions());
      }
    }
    return drifted;
  }

  /**
   * The most calls the fake may receive within one second: the rate limiter grants {@code burst} permits per refresh
   * period of {@code burst / qps}, so at most {@code burst * (ceil(1 s / period) + 1)} start within any second
   * ({@code qps + burst} when the period divides the second); and every call that started before the second but
   * arrives within it holds one of the {@code maxInFlight} slots meanwhile.
   */
  static int busiestSecondBound(Params p) {
    long periods = (long) Math.ceil(p.qps() / p.burst() - 1e-9);
    return (int) (p.burst() * (periods + 1) + p.maxInFlight());
  }

  private static BenchResult result(Params p, BenchResult.Started started, double wallSeconds, int calls,
      long notOk, int peakAtFake, AliyunCallLimiter.Stats stats, int busiestSecond, int drifted, long seededBytes, long resultBytes, long allocatedBytes) {
    double rateFloor = Math.max(0, calls - p.burst()) / p.qps();
    BenchResult result = new BenchResult("fleet", "Reconcile of a fleet of simulated registered clusters through "
        + "one reconciler, with bounded concurrency and the account's one Aliyun call limiter (rate and calls in "
        + "flight, resilience4j) under every attempt of every RAM and CS call. One fake Aliyun account holds every cluster; the Kubernetes halves are in memory.", started)
        .parameter("clusters", p.clusters())
        .parameter("concurrency", p.concurrency())
        .parameter("aliyunQpsLimit", p.qps())
        .parameter("aliyunBurst", p.burst())
        .parameter("aliyunMaxInFlight", p.maxInFlight())
        .parameter("aliyunLatencyMs", p.latency().toMillis())
        .parameter("kubernetesObserveTimeMs", p.kubernetesObserveTime().toMillis())
        .parameter("driftedClusters", drifted)
        .metric("wallTime", wallSeconds, "s", "time to reconcile the whole fleet")
        .metric("clustersPerSecond", p.clusters() / wallSeconds, "clusters/s", "fleet throughput")
        .metric("aliyunCalls", calls, "calls", "Aliyun calls the fake received (equal to the limiter's count)")
        .metric("aliyunAnswers.notOk", notOk, "calls", "answers other than 2xx the fake sent (a throttled or "
            + "failed call the retrier repeated is counted in aliyunCalls each time)")
        .metric("aliyunCallsPerCluster", (double) calls / p.clusters(), "calls", "per cluster, drifted included")
        .metric("aliyunCallsPerSecond", calls / wallSeconds, "calls/s", "achieved Aliyun rate")
        .metric("rateLimitFloor", rateFloor, "s", "(calls - burst) / qps: the least time the rate limit allows")
        .metric("peakInFlight.atFake", peakAtFake, "requests", "most requests the fake served at once; must not "
            + "exceed aliyunMaxInFlight")
        .metric("peakInFlight.atClient", stats.peakInFlight(), "requests",
            "most calls in flight as the limiter saw them")
        .metric("limiter.permitsWaited", stats.permitsWaited(), "calls", "calls that waited for their rate permit")
        .metric("limiter.permitWait.mean", stats.permitsWaited() == 0 ? 0
            : stats.permitWaitTotal().toNanos() / 1e6 / stats.permitsWaited(), "ms", "mean wait of those")
        .metric("limiter.refused", stats.refused(), "calls", "calls the limiter refused; must be 0")
        .metric("aliyunCallTime.mean", calls == 0 ? 0 : stats.callTimeTotal().toNanos() / 1e6 / calls, "ms", "mean time of one Aliyun call once started "
            + "(injected latency + signing, HTTP, the fake's work); maxInFlight / this is the most calls per "
            + "second the in-flight limit allows")
        .metric("busiestSecond", busiestSecond, "calls", "most calls the fake received within any 1 s window, by its "
            + "own clock; must not exceed busiestSecondBound")
        .metric("busiestSecondBound", busiestSecondBound(p), "calls", "burst * (ceil(1 s / period) + 1) + "
            + "aliyunMaxInFlight: what the limiter lets start within a second, plus the calls in transit into it")
        .metric("memory.simulationStatePerCluster", seededBytes / 1024.0 / p.clusters(), "KiB",
            "heap after GC held by the simulated fleet (fake Aliyun records, in-memory Kubernetes facts): the "
                + "benchmark's, not hybridcni's")
        .metric("memory.retainedResultPerCluster", resultBytes / 1024.0 / p.clusters(), "KiB", "heap after GC "
            + "added by keeping every cluster's ReconcileResult (plans and outcomes), as a fleet controller would; "
            + "includes the SDK clients' and JIT's one-off growth spread over the fleet")
        .check("everyClusterConverged", true)
        .check("peakInFlightAtFakeWithinLimit", true)
        .check("busiestSecondWithinRateLimit", true)
        .check("everyAliyunCallPassedTheLimiter", true)
        .check("noCallRefusedByTheLimiter", true)
        .note("Kubernetes side: an in-memory ClusterObserver per cluster id, holding the converged Calico BGP "
            + "sample's facts and waiting kubernetesObserveTimeMs per observation. Not 1,000 fabric8 mock servers: "
            + "each starts its own Vert.x event loops and client, which on 2 cores would measure the mocks; and each "
            + "registered cluster has its own API server, so that side has no shared limit to measure.")
        .note("The limiter is io.hybridcni.aliyun.AliyunCallLimiter, given to the connection and so below the SDK's "
            + "retrier: every attempt, each retry included, takes a permit and a slot. A call takes its slot first "
            + "and its permit second, so it starts when its permit allows. Peak in flight is counted by the fake itself, from the moment its HTTP "
            + "server hands a request over until the answer has been sent (it drops just before the answer's last byte "
            + "goes out, so a call the client has finished is never still counted).")
        .note("Which limit binds: the rate limit allows aliyunQpsLimit calls/s; the in-flight limit allows "
            + "aliyunMaxInFlight / aliyunCallTime.mean calls/s. When calls take longer than the injected latency "
            + "(a busy machine), the in-flight limit is the tighter one and peakInFlight reaches it.")
        .note("Observation executors are unbounded cached pools; the workers pool bounds the fleet to "
            + p.concurrency() + " clusters at once, and the limiter bounds Aliyun calls.");
    if (rateFloor > 0) {
      result.metric("wallOverRateLimitFloor", wallSeconds / rateFloor, "ratio",
          "1 means the rate limit was the only brake");
    }
    if (allocatedBytes >= 0) {
      result.metric("memory.allocatedPerCluster", allocatedBytes / 1024.0 / p.clusters(), "KiB",
          "bytes allocated by the benchmark's threads (reconciler, planner, SDK) per cluster reconcile");
    }
    return result;
  }

  private static ReconcileResult await(Future<ReconcileResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reconciling the fleet", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a cluster's reconcile failed: " + e.getCause(), e.getCause());
    }
  }

  /** A pool of named daemon threads: {@code size} fixed, or 0 for as many as needed, kept alive for the run. */
  private static ExecutorService pool(String name, int size) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = task -> {
      Thread thread = new Thread(task, THREADS + name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    return size > 0
        ? new ThreadPoolExecutor(size, size, 10, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), threads)
        : new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.MINUTES, new SynchronousQueue<>(), threads);
  }

  /** The fleet's Secrets are never written: no cluster in it lacks its AccessKey. */
  private static final SecretStore NO_SECRET_WRITES = (namespace, name, credential) -> {
    throw new IllegalStateException("the fleet benchmark writes no Secret, yet " + namespace + "/" + name
        + " was to be written");
  };
}
