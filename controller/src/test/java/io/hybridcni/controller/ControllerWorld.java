package io.hybridcni.controller;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.aliyun.AckApi;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunExecutors;
import io.hybridcni.aliyun.AliyunObserver;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.aliyun.RetryPolicy;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.apply.StepResult;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.kube.DryRunMode;
import io.hybridcni.kube.KubeExecutors;
import io.hybridcni.kube.KubernetesObserver;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.kube.KubernetesStatusObserver;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.port.SecretValue;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import io.hybridcni.testkit.aliyun.FakeAliyunOptions;
import io.hybridcni.testkit.kube.CalicoManifest;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockWatches;
import io.hybridcni.testkit.kube.TigeraOperator;
import io.hybridcni.testkit.kube.WatchEnds;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A registered cluster in Calico BGP mode on the fabric8 mock (CRUD mode: it serves watches) and a fresh Alibaba
 * Cloud account on the fake, wired to reconcilers as the CLI's live environment wires a real cluster and account
 * (fabric8 observer and executors, the Aliyun SDK against the fake, the Lease lock). The mock runs no controllers, so
 * the world plays them after every action: ACK's addon manager creates Terway's DaemonSet, the DaemonSet controller
 * places pods. Nothing waits for real: executors' pauses only let those controllers take a step.
 */
final class ControllerWorld implements AutoCloseable {

  static final String CALLER_ID = "LTAI5tControllerCaller01";
  static final String CALLER_SECRET = "ControllerCallerSecret0123456789";
  static final String NAMESPACE = "kube-system";
  static final String CALICO = "calico-node";

  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  final KubernetesMockServer server;
  final KubernetesClient client;
  final FakeAliyun aliyun;
  private final MockWatches watches;
  private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

  private ControllerWorld() {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(List.of());
    watches = MockWatches.of(crud);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), WatchEnds.wrap(crud), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = newClient();
    aliyun = FakeAliyun.start(FakeAliyunOptions.defaults().withAddonPollsBeforeSettled(1))
        .addAccessKey(CALLER_ID, CALLER_SECRET)
        .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", Specs.REGION);
    KubeSampleCluster.CALICO_BGP.seed(client);
    DaemonSetController.reconcile(client);
  }

  static ControllerWorld start() {
    return new ControllerWorld();
  }

  /** The spec the controller keeps: the sample cluster, mode AUTO (detected as BGP), the vendor's defaults. */
  static HybridNetworkSpec spec() {
    return Specs.auto();
  }

  /** A client of its own, as another process would have; closed with the world unless the caller closes it. */
  KubernetesClient newClient() {
    KubernetesClient base = server.createClient();
    KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
        .withRequestRetryBackoffInterval(1).withRequestRetryBackoffLimit(1).withRequestTimeout(5000).build()).build();
    base.close();
    opened.add(own);
    return own;
  }

  AliyunConnection connection() {
    return AliyunConnection.forRegion(Specs.REGION).endpoint(aliyun.endpoint()).protocol("HTTP")
        .accessKey(CALLER_ID, SecretValue.of(CALLER_SECRET)).build();
  }

  /** The live Kubernetes observer on {@code via}. */
  KubernetesObserver observer(KubernetesClient via) {
    KubernetesObserver observer = KubernetesObserver.builder(via).build();
    opened.add(observer::close);
    return observer;
  }

  AliyunObserver cloud(KubernetesClient via) {
    Retrier retrier = retrier();
    AliyunConnection connection = connection();
    return new AliyunObserver(connection.ram(retrier), connection.ack(retrier))
        .withSecretKeyOwners(KubernetesSecretStore.builder(via).build(), connection.credentialOwners(retrier));
  }

  private static Retrier retrier() {
    return new Retrier(RetryPolicy.defaults(), d -> { }, () -> 0.5);
  }

  /** The apply Lease as {@code hybridcni apply} takes it, through {@code via}, polling every 10 ms. */
  LeaseApplyLock.Builder applyLease(KubernetesClient via) {
    return LeaseApplyLock.builder(via).pollInterval(Duration.ofMillis(10));
  }

  /**
   * A reconciler wired as the CLI's live environment wires one, writing through {@code via} under {@code lock},
   * every executor wrapped by {@code around} (outside the controllers the world plays).
   */
  Reconciler reconciler(KubernetesClient via, ApplyLock lock, UnaryOperator<ActionExecutor<?>> around) {
    Retrier retrier = retrier();
    AliyunConnection connection = connection();
    RamApi ram = connection.ram(retrier);
    AckApi ack = connection.ack(retrier);
    KubernetesSecretStore secrets = KubernetesSecretStore.builder(via).sleeper(d -> { }).build();
    List<ActionExecutor<?>> executors = new ArrayList<>(AliyunExecutors.create(ram, ack, secrets, retrier,
        new AddonWaitOptions(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(30)),
        Clock.systemUTC()));
    Sleeper controllersRun = d -> DaemonSetController.reconcile(client);
    executors.addAll(KubeExecutors.create(via, DryRunMode.AUTO, Clock.systemUTC(), controllersRun, null));
    executors.replaceAll(e -> around.apply(withControllers(e)));
    return Reconciler.builder()
        .cluster(observer(via))
        .cloud(new AliyunObserver(ram, ack).withSecretKeyOwners(secrets, connection.credentialOwners(retrier)))
        .executors(executors)
        .lock(lock)
        .status(new KubernetesStatusObserver(via))
        .sleeper(controllersRun)
        .build();
  }

  private ActionExecutor<?> withControllers(ActionExecutor<?> executor) {
    return executor.around((action, context, step) -> {
      StepResult result = step.get();
      if (!context.dryRun()) {
        if (action.kind() == ActionKind.INSTALL_ADDON
            && client.apps().daemonSets().inNamespace(NAMESPACE).withName("terway-eniip").get() == null) {
          KubeSampleCluster.installTerwayAddon(client);
        }
        TigeraOperator.render(client);
        DaemonSetController.reconcile(client);
      }
      return result;
    });
  }

  /** Applies the spec as {@code hybridcni apply --auto-approve} would, so that a test starts from a converged world. */
  ReconcileResult converge() {
    Reconciler reconciler = reconciler(client, applyLease(client).build(), UnaryOperator.identity());
    return reconciler.reconcile(spec(), ApplyOptions.defaults().withHolder("test-setup")
        .withStatusTimeout(Duration.ZERO));
  }

  DaemonSet calico() {
    return client.apps().daemonSets().inNamespace(NAMESPACE).withName(CALICO).get();
  }

  /**
   * What a {@code helm upgrade} or a re-applied {@code calico.yaml} does: calico-node's whole
   * {@code nodeSelectorTerms} list replaced by the chart's, without the exclusion.
   */
  void overwriteCalicoAffinity() {
    CalicoManifest.reapply(client);
    DaemonSetController.reconcile(client);
  }

  /** Whether every required term of calico-node keeps cloud nodes out. */
  boolean calicoExcludesCloudNodes() {
    var affinity = calico().getSpec().getTemplate().getSpec().getAffinity();
    if (affinity == null || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return false;
    }
    var terms = affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
    return !terms.isEmpty() && terms.stream().allMatch(t -> t.getMatchExpressions().stream().anyMatch(e ->
        e.getKey().equals("alibabacloud.com/external") && e.getOperator().equals("NotIn")
            && e.getValues().contains("true")));
  }

  @Override
  public void close() {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception e) {
        // A client another test closed already (a leader killed on purpose): nothing is left to free.
        System.err.println("closing " + c + ": " + e);
      }
    }
    client.close();
    try {
      watches.awaitEnded(); // see MockWatches: destroy() while a watch is ending can fail after 10 s
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.destroy();
    aliyun.close();
  }
}
