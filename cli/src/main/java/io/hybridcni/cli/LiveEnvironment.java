package io.hybridcni.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.aliyun.AckApi;
import io.hybridcni.aliyun.AddonWaitOptions;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunExecutors;
import io.hybridcni.aliyun.AliyunObserver;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.apply.Sleeper;
import io.hybridcni.kube.DryRunMode;
import io.hybridcni.kube.KubeExecutors;
import io.hybridcni.kube.KubeconfigClients;
import io.hybridcni.kube.KubernetesObserver;
import io.hybridcni.kube.KubernetesStatusObserver;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.kube.LeaseApplyLock;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The real cluster (kubeconfig) and the real Alibaba Cloud account (the standard credential chain), wired into a
 * reconciler. Also used for any cluster and cloud reachable the same way, such as a simulation's loopback ones.
 */
final class LiveEnvironment implements Environment {

  private final KubernetesClient client;
  private final KubernetesClient target;
  private final KubernetesObserver observer;
  private final AliyunObserver cloud;
  private final List<ActionExecutor<?>> executors;
  private final KubernetesStatusObserver statusObserver;
  private final Sleeper statusSleeper;
  private final Reconciler reconciler;
  private final String description;

  LiveEnvironment(KubernetesClient client, AliyunConnection connection, Duration addonTimeout, String description,
      boolean closeClient, UnaryOperator<ActionExecutor<?>> decorate) {
    this(client, connection, addonTimeout, null, Sleeper.REAL, description, closeClient, decorate, Sleeper.REAL);
  }

  /**
   * @param rolloutTimeout for the rollouts the Kubernetes executors follow; {@code null}: their defaults
   * @param sleeper how the Kubernetes executors wait (a simulation lets its controllers run in it)
   * @param statusSleeper how the closing status check waits between its polls of the running network
   */
  LiveEnvironment(KubernetesClient client, AliyunConnection connection, Duration addonTimeout,
      Duration rolloutTimeout, Sleeper sleeper, String description, boolean closeClient,
      UnaryOperator<ActionExecutor<?>> decorate, Sleeper statusSleeper) {
    this.client = closeClient ? client : null;
    this.target = client;
    this.observer = KubernetesObserver.builder(client).build();
    Retrier retrier = Retrier.defaults();
    RamApi ram = connection.ram(retrier);
    AckApi ack = connection.ack(retrier);
    KubernetesSecretStore secrets = KubernetesSecretStore.builder(client).build();
    List<ActionExecutor<?>> executors = new ArrayList<>(AliyunExecutors.create(ram, ack, secrets, retrier,
        new AddonWaitOptions(Duration.ofSeconds(2), Duration.ofSeconds(15), addonTimeout), Clock.systemUTC()));
    executors.addAll(KubeExecutors.create(client, DryRunMode.AUTO, Clock.systemUTC(), sleeper, rolloutTimeout));
    executors.replaceAll(decorate);
    this.executors = List.copyOf(executors);
    this.cloud = new AliyunObserver(ram, ack).withSecretKeyOwners(secrets, connection.credentialOwners(retrier));
    this.statusObserver = new KubernetesStatusObserver(client);
    this.statusSleeper = statusSleeper;
    this.reconciler = reconciler(LeaseApplyLock.builder(client).build());
    this.description = description;
  }

  /** A reconciler wired as {@link #reconciler()}, writing under {@code lock}. */
  private Reconciler reconciler(io.hybridcni.apply.ApplyLock lock) {
    return Reconciler.builder()
        .cluster(observer)
        .cloud(cloud)
        .executors(executors)
        .lock(lock)
        .status(statusObserver)
        .sleeper(statusSleeper)
        .build();
  }

  @Override
  public ControllerWiring controllerWiring() {
    return new ControllerWiring(target, observer, cloud, statusObserver, this::reconciler);
  }

  /**
   * Connects to the kubeconfig's cluster and the account of the standard credential chain. Before anything is
   * observed, in this order: the kubeconfig is read (nothing sent), the Alibaba Cloud credentials are resolved (a
   * missing one names the chain that was tried), and the API server must answer {@code /version} within seconds.
   */
  static LiveEnvironment open(HybridNetworkSpec spec, TargetOptions target) {
    KubernetesClient client = KubeconfigClients.create(target.kubeconfig, target.context);
    try {
      AliyunConnection aliyun = target.aliyunConnection(spec.regionId()).build();
      aliyun.requireCredentials();
      KubeconfigClients.requireReachable(client, KubeconfigClients.describe(target.kubeconfig));
      return new LiveEnvironment(client, aliyun, target.addonTimeout, target.rolloutTimeout, Sleeper.REAL,
          "cluster " + client.getMasterUrl() + ", Alibaba Cloud region " + spec.regionId(), true,
          UnaryOperator.identity(), Sleeper.REAL);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  @Override
  public Reconciler reconciler() {
    return reconciler;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    observer.close();
    if (client != null) {
      client.close();
    }
  }
}
