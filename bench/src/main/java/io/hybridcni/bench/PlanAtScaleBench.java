package io.hybridcni.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.hybridcni.cli.Simulation;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.PagingDispatcher;
import io.hybridcni.testkit.kube.WatchEnds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code hybridcni plan} against a large cluster, under a small heap: the mock API server (paged, as a real API
 * server pages lists) is seeded in this JVM with N nodes and one calico-node pod per node on top of the Calico BGP
 * sample, and the shipped command runs in a child JVM with {@code -Xmx} given, over loopback, so that the heap limit
 * applies to hybridcni alone and not to the mock holding the objects. Reports, per run, the child's wall time (JVM
 * start included), whether it succeeded, its exit code, the last line it wrote to stderr and its peak RSS.
 *
 * <pre>
 * java -cp bench/target/hybridcni-bench.jar io.hybridcni.bench.PlanAtScaleBench [--large] [--unpaged-mock]
 *     [--xmx SIZE] [--report-only] [--out DIR] [--smoke] [--note TEXT]
 * </pre>
 * {@code --report-only} writes the result even when a target is missed (the checks say which). {@code --xmx}
 * gives every run that heap instead (e.g. 64m, to see how a too-small heap fails). A child that does
 * not finish in time is killed after its threads are dumped to {@code plan-at-scale-<run>-threads.txt} in the
 * temporary directory, whose path is printed.
 * {@code --large} adds the 50,000-node run (minutes on two cores: seeding the mock dominates);
 * {@code --unpaged-mock} answers lists whole, as fabric8's CRUD mock does, to compare.
 */
public final class PlanAtScaleBench {

  /** One run: this many nodes (and as many calico-node pods), the child's {@code -Xmx}, its targets. */
  record Run(int nodes, String xmx, double targetSeconds, Duration timeout) {
    String label() {
      return nodes + "nodes.xmx" + xmx;
    }
  }

  /**
   * @param runs the runs, in order
   * @param pagedMock whether the mock pages lists (a real API server does); {@code false} answers every list whole
   * @param enforce whether a missed target fails the benchmark (after printing it); off when measuring a failure on
   *     purpose ({@code --unpaged-mock}, {@code --xmx})
   */
  record Params(List<Run> runs, boolean pagedMock, boolean enforce) {
    static Params defaults(boolean large, boolean pagedMock) {
      // The sample alone first: the same command, its JVM start and class loading, without the scale.
      List<Run> runs = new ArrayList<>(List.of(new Run(0, "128m", 0, Duration.ofMinutes(2)),
          new Run(5_000, "128m", 3.0, Duration.ofMinutes(3))));
      if (large) {
        runs.add(new Run(50_000, "256m", 0, Duration.ofMinutes(10)));
      }
      return new Params(List.copyOf(runs), pagedMock, pagedMock);
    }

    static Params smoke() {
      return new Params(List.of(new Run(200, "128m", 0, Duration.ofMinutes(2))), true, true);
    }
  }

  private PlanAtScaleBench() {}

  public static void main(String[] args) {
    Quiet.logs();
    boolean large = false;
    boolean paged = true;
    String xmx = null;
    boolean reportOnly = false;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--large" -> large = true;
        case "--unpaged-mock" -> paged = false;
        case "--report-only" -> reportOnly = true;
        case "--xmx" -> {
          if (i + 1 >= args.length || !args[i + 1].matches("[0-9]+[kmgKMG]?")) {
            throw new IllegalArgumentException("--xmx needs a heap size such as 64m");
          }
          xmx = args[++i];
        }
        default -> rest.add(args[i]);
      }
    }
    HarnessArgs harness = HarnessArgs.parse(rest.toArray(String[]::new));
    Params params = harness.smoke() ? Params.smoke() : Params.defaults(large, paged);
    if (xmx != null) {
      String heap = xmx;
      params = new Params(params.runs().stream().map(r -> new Run(r.nodes(), heap, r.targetSeconds(), r.timeout()))
          .toList(), params.pagedMock(), false);
    }
    if (reportOnly) {
      params = new Params(params.runs(), params.pagedMock(), false);
    }
    harness.write(run(params));
  }

  /** What one child run did. */
  record Outcome(double wallSeconds, boolean finished, int exitCode, String lastErrorLine, long peakRssKiB,
      double seedSeconds, double loadAverage, double cpuSeconds) {
    boolean succeeded() {
      return finished && (exitCode == 0 || exitCode == 2);
    }
  }

  static BenchResult run(Params params) {
    Quiet.logs();
    BenchResult.Started started = BenchResult.Started.now();
    BenchResult result = new BenchResult("plan-at-scale", "hybridcni plan in a child JVM with a small -Xmx against "
        + "a mock API server holding N nodes and N calico-node pods (Calico BGP sample), over loopback", started)
        .parameter("pagedMock", params.pagedMock())
        .parameter("runs", params.runs().stream().map(Run::label).toList());
    boolean allHeld = true;
    double baseline = -1;
    for (Run run : params.runs()) {
      Outcome outcome = measure(run, params.pagedMock());
      String key = run.label();
      if (run.nodes() == 0 && outcome.succeeded()) {
        baseline = outcome.wallSeconds();
      } else if (baseline >= 0) {
        result.metric(key + ".overBaseline", outcome.wallSeconds() - baseline, "s", "wall time minus the run of the "
            + "sample alone (0 added nodes): what the nodes and pods themselves cost, JVM start excluded");
      }
      result.metric(key + ".wallTime", outcome.wallSeconds(), "s", "child JVM start to exit, JVM start included")
          .metric(key + ".succeeded", outcome.succeeded() ? 1 : 0, "bool", "plan finished with exit code 0 or 2")
          .metric(key + ".exitCode", outcome.finished() ? outcome.exitCode() : -1, "code",
              "-1: did not finish within " + run.timeout().toSeconds() + " s and was killed")
          .metric(key + ".peakRss", outcome.peakRssKiB() / 1024.0, "MiB", "the child's VmHWM, sampled every 50 ms")
          .metric(key + ".cpuTime", outcome.cpuSeconds(), "s", "the child's user + system CPU time (/proc stat), "
              + "last sampled up to 50 ms before it exited: unlike wall time, hardly moved by other processes' load")
          .metric(key + ".seedTime", outcome.seedSeconds(), "s", "seeding the mock (not part of the plan)")
          .metric(key + ".loadAverage1m", outcome.loadAverage(), "load", "one-minute load average when the plan ran");
      result.note(key + ": " + (outcome.succeeded() ? "plan succeeded" : outcome.finished()
          ? "plan failed (exit " + outcome.exitCode() + "): " + outcome.lastErrorLine()
          : "plan hung: killed after " + run.timeout().toSeconds() + " s"));
      // The time target is for what the nodes cost, over the sample alone when that was measured: a child JVM's start
      // on a loaded 2-core machine alone takes longer than 3 s.
      double measured = baseline >= 0 && run.nodes() > 0 ? outcome.wallSeconds() - baseline : outcome.wallSeconds();
      boolean held = outcome.succeeded() && (run.targetSeconds() == 0 || measured <= run.targetSeconds());
      result.check(key + ".succeeded" + (run.targetSeconds() > 0 ? "Within" + (int) run.targetSeconds() + "s" : ""),
          held);
      System.out.printf(Locale.ROOT, "plan-at-scale %s: %s in %.1f s (CPU %.1f s), peak RSS %d MiB, load %.1f%s%n",
          key, outcome.succeeded() ? "ok" : "FAILED", outcome.wallSeconds(), outcome.cpuSeconds(),
          outcome.peakRssKiB() / 1024,
          outcome.loadAverage(), held ? "" : " -- target: succeed" + (run.targetSeconds() > 0
              ? " within " + run.targetSeconds() + " s" : "") + "; " + outcome.lastErrorLine());
      allHeld &= held;
    }
    result.note("The mock server and the fake Aliyun run in the benchmark's JVM; only the child's heap is limited. "
        + "Wall time includes the child JVM's start (about a second of class loading on a quiet machine).");
    if (!allHeld) {
      result.note("At least one run missed its target: see the checks.");
    }
    NoOpReconcileBench.require(allHeld || !params.enforce(), "plan-at-scale missed a target: "
        + result.metricKeys().stream().filter(k -> k.endsWith(".wallTime") || k.endsWith(".succeeded"))
            .map(k -> k + "=" + result.value(k)).toList() + " (target: succeed, and 5,000 nodes within 3 s)");
    return result;
  }

  private static Outcome measure(Run run, boolean paged) {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    Dispatcher store = paged ? PagingDispatcher.wrap(crud) : crud;
    // GET /version as a real API server answers it. A bare CRUD dispatcher takes /version for a list of everything
    // and answers the whole store (35 MB at 5,000 nodes and pods), which a small heap cannot read: hybridcni's
    // reachability probe would measure the mock, not the cluster. (fabric8's mixed dispatcher serves /version from
    // an expectation, but then the store is not reachable for seeding.)
    Dispatcher dispatcher = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if ("GET".equals(request.getMethod()) && "/version".equals(request.getPath())) {
          return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
              .setBody("{\"major\":\"1\",\"minor\":\"28\",\"gitVersion\":\"v1.28.3\",\"platform\":\"linux/amd64\"}");
        }
        return store.dispatch(request);
      }
    };
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        WatchEnds.wrap(dispatcher), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = server.createClient();
        FakeAliyun aliyun = FakeAliyun.start(FakeAliyunOptions.defaults())) {
      long seeding = System.nanoTime();
      KubeSampleCluster.CALICO_BGP.seed(client, Simulation.CLUSTER_ID);
      seed(crud, run.nodes());
      double seedSeconds = (System.nanoTime() - seeding) / 1e9;
      aliyun.addAccessKey(CALLER_ID, CALLER_SECRET)
          .addCluster(Simulation.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Simulation.REGION);
      Path dir = Files.createTempDirectory("hybridcni-plan-at-scale");
      try {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: mock
              cluster:
                server: %s
            users:
            - name: bench
              user:
                token: bench-token
            contexts:
            - name: mock
              context:
                cluster: mock
                user: bench
            current-context: mock
            """.formatted(server.url("/").replaceAll("/$", "")));
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, "cluster:\n  id: " + Simulation.CLUSTER_ID + "\n  region: " + Simulation.REGION
            + "\n");
        System.gc();
        return child(run, kubeconfig, spec, aliyun.endpoint(), dir, seedSeconds);
      } finally {
        try (var files = Files.list(dir)) {
          files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      server.destroy();
    }
  }

  private static final String CALLER_ID = "LTAI5tPlanAtScaleCaller";
  private static final String CALLER_SECRET = "PlanAtScaleCallerSecret012345";

  private static Outcome child(Run run, Path kubeconfig, Path spec, String aliyunEndpoint, Path dir,
      double seedSeconds) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = List.of(java, "-Xmx" + run.xmx(), "-cp", classpath, "io.hybridcni.cli.Main", "plan",
        "-f", spec.toString(), "--detailed-exitcode", "--kubeconfig", kubeconfig.toString(),
        "--aliyun-endpoint", aliyunEndpoint, "--aliyun-protocol", "HTTP");
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("ALIBABA_CLOUD_") || k.equals("KUBECONFIG"));
    env.put("ALIBABA_CLOUD_ACCESS_KEY_ID", CALLER_ID);
    env.put("ALIBABA_CLOUD_ACCESS_KEY_SECRET", CALLER_SECRET);
    double load = HostFacts.loadAverage();
    long started = System.nanoTime();
    Process process = builder.start();
    long peak = 0;
    double cpu = 0;
    boolean finished = false;
    long deadline = started + run.timeout().toNanos();
    try {
      while (System.nanoTime() < deadline) {
        peak = Math.max(peak, highWaterMarkKiB(process.pid()));
        cpu = Math.max(cpu, cpuSeconds(process.pid()));
        if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
          finished = true;
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double wall = (System.nanoTime() - started) / 1e9;
    if (!finished) {
      Path dump = Path.of(System.getProperty("java.io.tmpdir"), "plan-at-scale-" + run.label() + "-threads.txt");
      try {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(process.pid()), "Thread.print").redirectOutput(dump.toFile())
            .redirectErrorStream(true).start();
        jcmd.waitFor(30, TimeUnit.SECONDS);
        System.out.println("plan-at-scale " + run.label() + ": did not finish; its threads are in " + dump);
      } catch (IOException | InterruptedException e) {
        System.out.println("plan-at-scale " + run.label() + ": did not finish; no thread dump: " + e);
      }
      process.destroyForcibly();
    }
    // Kept for reading after the run (the directory is removed): what the command printed on stderr.
    Files.copy(err, Path.of(System.getProperty("java.io.tmpdir"), "plan-at-scale-" + run.label() + "-stderr.txt"),
        StandardCopyOption.REPLACE_EXISTING);
    List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank()).toList();
    String last = errLines.isEmpty() ? "" : errLines.get(errLines.size() - 1);
    return new Outcome(wall, finished, finished ? process.exitValue() : -1, last, peak, seedSeconds, load, cpu);
  }

  /**
   * The process's user + system CPU time so far, in seconds: fields 14 and 15 of {@code /proc/<pid>/stat}, in clock
   * ticks of 1/100 s (USER_HZ, 100 on Linux x86 and arm); 0 where /proc is not there or the process is gone.
   */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0; // gone, or not Linux
    }
  }

  /** The process's peak resident set (VmHWM), in KiB; 0 where /proc is not there or the process is gone. */
  private static long highWaterMarkKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return 0;
  }

  // ------------------------------------------------------------------------------------------------ seeding

  /**
   * Seeds {@code nodes} nodes and one calico-node pod per node straight into the CRUD store's map, every fifth node
   * a cloud node. Objects are about the size real ones are without their managedFields: a node with its status,
   * conditions and images, a pod with its containers, env and volumes. Each goes in under the key the store's own
   * POST would file it under (the path's and the object's attributes, merged), with the metadata a POST would add
   * already written: a POST through the dispatcher costs 6 to 12 ms on a busy 2-core machine, minutes for 10,000
   * objects and hours for 100,000.
   */
  static void seed(KubernetesCrudDispatcher crud, int nodes) {
    for (int i = 0; i < nodes; i++) {
      put(crud, "/api/v1/nodes/" + nodeName(i), node(i));
      put(crud, "/api/v1/namespaces/kube-system/pods/" + podName(i), pod(i));
    }
  }

  private static void put(KubernetesCrudDispatcher crud, String objectPath, String json) {
    AttributeSet key = AttributeSet.merge(crud.getAttributeExtractor().fromPath(objectPath),
        crud.getAttributeExtractor().fromResource(json));
    crud.getMap().put(key, json);
  }

  /** The metadata the store's POST adds: uid, resourceVersion, creationTimestamp. */
  private static String stored(int i, int kind) {
    return "\"uid\":\"" + String.format(Locale.ROOT, "00000000-0000-0000-%04d-%012d", kind, i)
        + "\",\"resourceVersion\":\"" + (1_000_000L + 2L * i + kind) + "\",\"creationTimestamp\":"
        + "\"2026-11-01T00:00:00Z\",";
  }

  static String podName(int i) {
    return "calico-node-" + String.format(Locale.ROOT, "%06d", i);
  }

  static String nodeName(int i) {
    return i % 5 == 0 ? String.format(Locale.ROOT, "cn-hangzhou.i-bp1scale%06d", i)
        : String.format(Locale.ROOT, "onprem-scale-%06d", i);
  }

  static String node(int i) {
    boolean cloud = i % 5 == 0;
    String name = nodeName(i);
    String ip = "10." + (i / 65536 % 256) + "." + (i / 256 % 256) + "." + (i % 256);
    StringBuilder images = new StringBuilder();
    for (int k = 0; k < 10; k++) {
      images.append(k == 0 ? "" : ",").append("{\"names\":[\"registry.example.com/team/app-").append(k)
          .append("@sha256:").append("0123456789abcdef".repeat(4)).append("\",\"registry.example.com/team/app-")
          .append(k).append(":v1.").append(k).append("\"],\"sizeBytes\":").append(10_000_000 + k).append('}');
    }
    return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{" + stored(i, 0) + "\"name\":\"" + name
        + "\",\"labels\":{\"beta.kubernetes.io/arch\":\"amd64\",\"beta.kubernetes.io/os\":\"linux\","
        + "\"kubernetes.io/arch\":\"amd64\","
        + "\"kubernetes.io/hostname\":\"" + name + "\",\"kubernetes.io/os\":\"linux\","
        + "\"node.kubernetes.io/instance-type\":\"ecs.g7.xlarge\",\"topology.kubernetes.io/zone\":\"zone-"
        + (i % 3) + "\""
        + (cloud ? ",\"alibabacloud.com/external\":\"true\",\"ack.aliyun.com\":\"" + Simulation.CLUSTER_ID
            + "\",\"alibabacloud.com/nodepool-id\":\"np-scale\"" : "")
        + "},\"annotations\":{\"node.alpha.kubernetes.io/ttl\":\"0\",\"volumes.kubernetes.io/controller-managed-"
        + "attach-detach\":\"true\"}},"
        + "\"spec\":{\"podCIDR\":\"10.244." + (i % 256) + ".0/24\""
        + (cloud ? ",\"providerID\":\"cn-hangzhou.i-bp1scale" + String.format(Locale.ROOT, "%06d", i) + "\"" : "")
        + "},\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"16000000Ki\",\"pods\":\"110\"},"
        + "\"allocatable\":{\"cpu\":\"3900m\",\"memory\":\"15000000Ki\",\"pods\":\"110\"},"
        + "\"conditions\":["
        + condition("MemoryPressure", "False", "KubeletHasSufficientMemory") + ","
        + condition("DiskPressure", "False", "KubeletHasNoDiskPressure") + ","
        + condition("PIDPressure", "False", "KubeletHasSufficientPID") + ","
        + condition("Ready", "True", "KubeletReady") + "],"
        + "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"" + ip + "\"},{\"type\":\"Hostname\",\"address\":\""
        + name + "\"}],"
        + "\"nodeInfo\":{\"architecture\":\"amd64\",\"containerRuntimeVersion\":\"containerd://1.7.13\","
        + "\"kubeletVersion\":\"v1.28.3\",\"kubeProxyVersion\":\"v1.28.3\",\"operatingSystem\":\"linux\","
        + "\"osImage\":\"Alibaba Cloud Linux 3\",\"kernelVersion\":\"5.10.134-16.al8.x86_64\","
        + "\"machineID\":\"" + "0123456789abcdef".repeat(2) + "\",\"systemUUID\":\"" + "89abcdef".repeat(4) + "\","
        + "\"bootID\":\"" + "fedcba98".repeat(4) + "\"},"
        + "\"images\":[" + images + "]}}";
  }

  private static String condition(String type, String status, String reason) {
    return "{\"type\":\"" + type + "\",\"status\":\"" + status + "\",\"lastHeartbeatTime\":\"2026-12-01T00:00:00Z\","
        + "\"lastTransitionTime\":\"2026-11-01T00:00:00Z\",\"reason\":\"" + reason + "\",\"message\":\"kubelet "
        + "reports " + reason + "\"}";
  }

  static String pod(int i) {
    String node = nodeName(i);
    StringBuilder env = new StringBuilder();
    String[][] vars = {{"DATASTORE_TYPE", "kubernetes"}, {"WAIT_FOR_DATASTORE", "true"},
        {"CALICO_NETWORKING_BACKEND", "bird"}, {"CLUSTER_TYPE", "k8s,bgp"}, {"IP", "autodetect"},
        {"CALICO_IPV4POOL_IPIP", "Never"}, {"CALICO_IPV4POOL_VXLAN", "Never"}, {"FELIX_IPINIPMTU", "1440"},
        {"CALICO_DISABLE_FILE_LOGGING", "true"}, {"FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"},
        {"FELIX_IPV6SUPPORT", "false"}, {"FELIX_HEALTHENABLED", "true"}};
    for (int k = 0; k < vars.length; k++) {
      env.append(k == 0 ? "" : ",").append("{\"name\":\"").append(vars[k][0]).append("\",\"value\":\"")
          .append(vars[k][1]).append("\"}");
    }
    StringBuilder volumes = new StringBuilder();
    StringBuilder mounts = new StringBuilder();
    String[] paths = {"/lib/modules", "/run/xtables.lock", "/var/run/calico", "/var/lib/calico", "/opt/cni/bin",
        "/etc/cni/net.d", "/var/log/calico/cni", "/sys/fs/bpf"};
    for (int k = 0; k < paths.length; k++) {
      String v = "vol-" + k;
      volumes.append(k == 0 ? "" : ",").append("{\"name\":\"").append(v).append("\",\"hostPath\":{\"path\":\"")
          .append(paths[k]).append("\",\"type\":\"\"}}");
      mounts.append(k == 0 ? "" : ",").append("{\"name\":\"").append(v).append("\",\"mountPath\":\"")
          .append(paths[k]).append("\"}");
    }
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{" + stored(i, 1) + "\"name\":\""
        + podName(i) + "\",\"namespace\":\"kube-system\",\"labels\":{\"k8s-app\":"
        + "\"calico-node\",\"controller-revision-hash\":\"6d4b8c7f9\",\"pod-template-generation\":\"1\"},"
        + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"name\":\"calico-node\","
        + "\"uid\":\"5c3f7a52-9f6e-4b1f-8d5e-2b1e6f0c9a11\",\"controller\":true,\"blockOwnerDeletion\":true}]},"
        + "\"spec\":{\"nodeName\":\"" + node + "\",\"hostNetwork\":true,\"serviceAccountName\":\"calico-node\","
        + "\"priorityClassName\":\"system-node-critical\",\"tolerations\":[{\"operator\":\"Exists\","
        + "\"effect\":\"NoSchedule\"},{\"operator\":\"Exists\",\"effect\":\"NoExecute\"}],"
        + "\"initContainers\":[{\"name\":\"install-cni\",\"image\":\"docker.io/calico/cni:v3.27.0\","
        + "\"command\":[\"/opt/cni/bin/install\"],\"volumeMounts\":[" + mounts + "]}],"
        + "\"containers\":[{\"name\":\"calico-node\",\"image\":\"docker.io/calico/node:v3.27.0\",\"env\":[" + env
        + "],\"resources\":{\"requests\":{\"cpu\":\"250m\"}},\"livenessProbe\":{\"exec\":{\"command\":["
        + "\"/bin/calico-node\",\"-felix-live\",\"-bird-live\"]},\"periodSeconds\":10},\"readinessProbe\":{\"exec\":"
        + "{\"command\":[\"/bin/calico-node\",\"-felix-ready\",\"-bird-ready\"]},\"periodSeconds\":10},"
        + "\"securityContext\":{\"privileged\":true},\"volumeMounts\":[" + mounts + "]}],"
        + "\"volumes\":[" + volumes + "]},"
        + "\"status\":{\"phase\":\"Running\",\"hostIP\":\"10.0.0." + (i % 256) + "\",\"podIP\":\"10.0.0." + (i % 256)
        + "\",\"startTime\":\"2026-11-01T00:00:00Z\",\"qosClass\":\"Burstable\",\"conditions\":["
        + "{\"type\":\"Initialized\",\"status\":\"True\"},{\"type\":\"Ready\",\"status\":\"True\"},"
        + "{\"type\":\"ContainersReady\",\"status\":\"True\"},{\"type\":\"PodScheduled\",\"status\":\"True\"}],"
        + "\"initContainerStatuses\":[{\"name\":\"install-cni\",\"ready\":true,\"restartCount\":0,\"image\":"
        + "\"docker.io/calico/cni:v3.27.0\",\"imageID\":\"docker.io/calico/cni@sha256:" + "ab".repeat(32)
        + "\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}],"
        + "\"containerStatuses\":[{\"name\":\"calico-node\",\"ready\":true,\"restartCount\":0,\"image\":"
        + "\"docker.io/calico/node:v3.27.0\",\"imageID\":\"docker.io/calico/node@sha256:" + "cd".repeat(32)
        + "\",\"containerID\":\"containerd://" + "ef".repeat(32) + "\",\"started\":true,\"state\":{\"running\":"
        + "{\"startedAt\":\"2026-11-01T00:01:00Z\"}}}]}}";
  }
}
