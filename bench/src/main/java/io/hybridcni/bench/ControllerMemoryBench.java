package io.hybridcni.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.cli.ControllerRuntime;
import io.hybridcni.cli.Simulation;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Issue 13's memory per cluster: in one JVM, K simulated Calico BGP clusters of N nodes each (calico-node on every
 * node), then one {@link ControllerRuntime} per cluster (its own client, caches, controller, Lease leadership), all
 * converged and idle. The mock API servers and fake clouds live in the same JVM, so they are all started and seeded
 * first and measured; the difference after the runtimes start, divided by K, is the client side's retained heap per
 * cluster. Threads per cluster are counted the same way, and named by what starts them.
 */
public final class ControllerMemoryBench {

  /**
   * @param clusters how many clusters (each with its own mock API server and fake Aliyun)
   * @param nodes nodes per cluster, the sample's own included
   * @param checkTargets whether issue 13's target is a check of this run (not for a smoke run of a few nodes)
   */
  record Params(int clusters, int nodes, boolean checkTargets) {

    static Params defaults() {
      return new Params(20, 100, true);
    }

    static Params smoke() {
      return new Params(2, 10, false);
    }
  }

  /** Issue 13: retained heap per 100-node cluster. */
  static final long TARGET_BYTES_PER_CLUSTER = 2L * 1024 * 1024;
  static final String CHECK_MEMORY = "retainedHeapPerClusterAtMost2MiB";
  private static final Duration WAIT = Duration.ofSeconds(120);
  /**
   * With {@code -Dhybridcni.bench.histogram=true}, the JVM's class histogram (a full GC each) is taken at both
   * readings and the largest growths are noted: what drives the memory per cluster.
   */
  private static final boolean HISTOGRAM = Boolean.getBoolean("hybridcni.bench.histogram");
  /**
   * With {@code -Dhybridcni.bench.sharedClientParts=true}, every runtime's client is built on one
   * {@code KubernetesSerialization} (fabric8 8 gives each client its own Jackson mapper and so its own introspection
   * caches) and one Vert.x HTTP client factory on one {@code Vertx} (each client otherwise starts its own Vert.x and
   * its event loops), both as fabric8's {@code KubernetesClientBuilder} takes them; the result is
   * {@code controller-memory-shared}. What a fleet of 1,000 clusters in one process would do.
   */
  private static final boolean SHARED = Boolean.getBoolean("hybridcni.bench.sharedClientParts");

  private ControllerMemoryBench() {}

  public static void main(String[] args) {
    Quiet.logs();
    HarnessArgs harness = HarnessArgs.parse(args);
    BenchResult result = run(harness.smoke() ? Params.smoke() : Params.defaults());
    harness.write(result);
    NoOpReconcileBench.require(harness.smoke()
        || result.value("retainedHeapPerCluster") <= TARGET_BYTES_PER_CLUSTER / 1024.0,
        "controller-memory missed its target: " + result.value("retainedHeapPerCluster") + " KiB per cluster");
  }

  static BenchResult run(Params params) {
    Quiet.logs();
    BenchResult.Started started = BenchResult.Started.now();
    List<Simulation> simulations = new ArrayList<>();
    List<KubernetesClient> clients = new ArrayList<>();
    List<ControllerRuntime> runtimes = new ArrayList<>();
    SharedClientParts shared = SHARED ? new SharedClientParts() : null;
    try {
      int sampleNodes = 0;
      // One more cluster than measured: its runtime starts before the first reading, so that what the first runtime
      // of a JVM pays once (classes' static caches, the JIT's, shared pools) is not divided among the clusters.
      for (int c = 0; c <= params.clusters(); c++) {
        Simulation simulation = Simulation.start(KubeSampleCluster.CALICO_BGP,
            FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(0), Duration.ZERO);
        simulations.add(simulation);
        ReconcileResult setup = simulation.reconciler(Duration.ofMinutes(2))
            .reconcile(simulation.demoSpec(), ApplyOptions.defaults().withHolder("bench-setup"));
        NoOpReconcileBench.require(setup.converged(), "cluster " + c + " did not converge: " + setup.why());
        KubernetesClient cluster = simulation.kubernetesClient();
        sampleNodes = cluster.nodes().list().getItems().size();
        seedOnPremNodes(cluster, params.nodes() - sampleNodes);
        DaemonSetController.reconcile(cluster); // calico-node on every new node, as the DaemonSet controller does
      }
      startRuntime(simulations.get(0), shared, clients, runtimes);
      awaitReady(runtimes.get(0));
      sleep(Duration.ofSeconds(2));
      long heapBefore = Memory.usedHeapAfterGc();
      Map<String, Long> histogramBefore = HISTOGRAM ? classHistogram() : Map.of();
      Map<String, Long> threadsBefore = threadsByKind();
      long threadCountBefore = threadsBefore.values().stream().mapToLong(Long::longValue).sum();

      for (Simulation simulation : simulations.subList(1, simulations.size())) {
        startRuntime(simulation, shared, clients, runtimes);
      }
      runtimes.subList(1, runtimes.size()).forEach(ControllerRuntime::start);
      runtimes.forEach(ControllerMemoryBench::awaitReady);
      // Idle: the first rounds (one per cluster after its caches listed) are done well within this.
      sleep(Duration.ofSeconds(3));
      long heapAfter = Memory.usedHeapAfterGc();
      Map<String, Long> histogramAfter = HISTOGRAM ? classHistogram() : Map.of();
      Map<String, Long> threadsAfter = threadsByKind();
      Map<String, String> examples = threadExamples();
      long threadCountAfter = threadsAfter.values().stream().mapToLong(Long::longValue).sum();

      Map<String, Long> added = new TreeMap<>();
      threadsAfter.forEach((kind, n) -> {
        long more = n - threadsBefore.getOrDefault(kind, 0L);
        if (more != 0) {
          added.put(kind, more);
        }
      });
      double perClusterKiB = (heapAfter - heapBefore) / 1024.0 / params.clusters();
      double threadsPerCluster = (double) (threadCountAfter - threadCountBefore) / params.clusters();
      BenchResult result = new BenchResult(SHARED ? "controller-memory-shared" : "controller-memory", "Retained heap "
          + "and threads per cluster of the "
          + "single-cluster controller (ControllerRuntime: its own fabric8 client, the informer caches, the "
          + "controller, Lease leadership, metrics), K clusters in one JVM, each on its own simulated API server "
          + "and cloud, converged and idle.", started)
          .parameter("clusters", params.clusters())
          .parameter("nodesPerCluster", params.nodes())
          .parameter("clientParts", SHARED ? "one KubernetesSerialization and one Vert.x HTTP client factory on one "
              + "Vertx for every client" : "fabric8's defaults: each client its own serialization and Vert.x")
          .parameter("warmUpClusters", "1, its runtime started before the first reading and not counted")
          .parameter("podsPerCluster", "calico-node on every node (DaemonSetController), plus the sample's own pods")
          .parameter("target", "retained heap <= 2 MiB per 100-node cluster (issue 13)")
          .metric("heapBefore", heapBefore / 1024.0 / 1024.0, "MiB",
              "heap in use after GC with every mock server, fake cloud and store started and seeded")
          .metric("heapAfter", heapAfter / 1024.0 / 1024.0, "MiB",
              "the same after every controller runtime started, converged and idle")
          .metric("retainedHeapPerCluster", perClusterKiB, "KiB", "(heapAfter - heapBefore) / clusters")
          .metric("threadsPerCluster", threadsPerCluster, "threads",
              "(live threads after - before) / clusters");
      added.forEach((kind, n) -> result.metric("threadsAdded." + kind, n, "threads",
          "threads of this kind the runtimes added, all clusters together"));
      if (params.checkTargets()) {
        result.check(CHECK_MEMORY, perClusterKiB * 1024 <= TARGET_BYTES_PER_CLUSTER);
      }
      result.note("Heap by MemoryMXBean after System.gc() repeated until it settles (Memory.usedHeapAfterGc); "
          + "the servers' side is in heapBefore and not counted per cluster; what the controllers' requests make the "
          + "servers allocate and keep (e.g. watch connections) is, and so is the simulation's environment each "
          + "runtime opens (its reconciler for repairs).");
      result.note("The seeded nodes are on-premises nodes as PlanAtScaleBench seeds them (status, images, "
          + "addresses); the calico-node pods are the DaemonSetController's, smaller than a real kubelet-reported "
          + "pod. The caches keep a small record per node and pod, not the object, so the pod size matters little.");
      result.note("Threads added, by kind (the name with its numbers replaced by #): " + added + "; a name of each: "
          + examples.entrySet().stream().filter(e -> added.containsKey(e.getKey())).map(Map.Entry::getValue)
              .toList() + ". The warm-up cluster's runtime is in neither reading's difference.");
      if (HISTOGRAM) {
        result.note("Retained bytes per cluster by class, the largest growths (GC.class_histogram after minus "
            + "before, divided by the clusters): " + histogramGrowth(histogramBefore, histogramAfter,
            params.clusters()) + ".");
      }
      System.out.printf(Locale.ROOT, "controller-memory: %.0f KiB and %.1f threads per cluster; threads added %s%n",
          perClusterKiB, threadsPerCluster, added);
      return result;
    } finally {
      runtimes.forEach(ControllerRuntime::close);
      clients.forEach(KubernetesClient::close);
      simulations.forEach(Simulation::close);
      if (shared != null) {
        shared.close();
      }
    }
  }

  /** Builds a runtime on its own client of {@code simulation}'s server; the first is started here, the rest later. */
  private static void startRuntime(Simulation simulation, SharedClientParts shared, List<KubernetesClient> clients,
      List<ControllerRuntime> runtimes) {
    KubernetesClient own = shared == null ? simulation.kubernetesServer().createClient()
        : shared.client(simulation.kubernetesServer());
    clients.add(own);
    ControllerRuntime runtime = ControllerRuntime.builder(simulation.demoSpec()).simulation(simulation, own)
        .identity("bench-controller").debounce(Duration.ofMillis(200)).resync(Duration.ofHours(1)).build();
    runtimes.add(runtime);
    if (runtimes.size() == 1) {
      runtime.start();
    }
  }

  private static void awaitReady(ControllerRuntime runtime) {
    await(() -> runtime.controller().leading() && runtime.controller().ready());
  }

  /** {@code count} on-premises nodes (PlanAtScaleBench's, every fifth of which, a cloud node, is skipped). */
  private static void seedOnPremNodes(KubernetesClient client, int count) {
    int seeded = 0;
    for (int i = 1; seeded < count; i++) {
      if (i % 5 == 0) {
        continue;
      }
      Node node = client.getKubernetesSerialization().unmarshal(PlanAtScaleBench.node(i), Node.class);
      node.getMetadata().setResourceVersion(null);
      node.getMetadata().setUid(null);
      client.nodes().resource(node).create();
      seeded++;
    }
  }

  /** Live threads by name with digits removed, e.g. {@code vert.x-eventloop-thread-}. */
  private static Map<String, Long> threadsByKind() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[0-9]+", "#"), TreeMap::new,
            Collectors.counting()));
  }

  /** Bytes per class name of the live heap, as {@code jcmd <pid> GC.class_histogram} prints it. */
  private static Map<String, Long> classHistogram() {
    try {
      Object text = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      Map<String, Long> bytes = new TreeMap<>();
      for (String line : text.toString().split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
        }
      }
      return bytes;
    } catch (javax.management.JMException e) {
      throw new IllegalStateException("the class histogram could not be taken: " + e.getMessage(), e);
    }
  }

  private static String histogramGrowth(Map<String, Long> before, Map<String, Long> after, int clusters) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / clusters))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(15)
        .map(e -> e.getKey() + " " + e.getValue() / 1024 + " KiB")
        .collect(Collectors.joining(", "));
  }

  /** One live thread's full name per kind, to say which pool a kind is. */
  private static Map<String, String> threadExamples() {
    Map<String, String> examples = new TreeMap<>();
    Thread.getAllStackTraces().keySet().forEach(t -> examples.putIfAbsent(t.getName().replaceAll("[0-9]+", "#"),
        t.getName() + " (" + t.getThreadGroup() + ")"));
    return examples;
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + WAIT.toSeconds() + " s waiting for the controllers "
            + "to lead and be ready");
      }
      sleep(Duration.ofMillis(20));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
