package io.hybridcni.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.aliyun.AckApi;
import io.hybridcni.aliyun.AliyunConnection;
import io.hybridcni.aliyun.AliyunObserver;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.aliyun.Retrier;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.cli.Simulation;
import io.hybridcni.kube.KubernetesObserver;

/**
 * A read-only reconciler on a {@link Simulation} whose every remote call is timed into a {@link CallLog}: either
 * wired as the CLI wires it (cluster and cloud observed in parallel, the cloud's reads in parallel, the Kubernetes
 * observer's default parallelism) or as the sequential baseline (every observation on the calling thread, the
 * Kubernetes observer with parallelism 1). It has no executors: it is for reconciles with nothing to do.
 */
final class SimulatedWiring implements AutoCloseable {

  /** How observations run. */
  enum Mode {
    PARALLEL("parallel"), SEQUENTIAL("sequential");

    final String key;

    Mode(String key) {
      this.key = key;
    }
  }

  private final KubernetesClient client;
  private final KubernetesObserver observer;
  private final Reconciler reconciler;

  SimulatedWiring(Simulation simulation, Mode mode, CallLog log) {
    this.client = timedClient(simulation, log);
    boolean parallel = mode == Mode.PARALLEL;
    this.observer = KubernetesObserver.builder(client)
        .parallelism(parallel ? KubernetesObserver.DEFAULT_PARALLELISM : 1).build();
    AliyunConnection connection = simulation.aliyunConnection();
    Retrier retrier = Retrier.defaults();
    RamApi ram = new GatedRamApi(connection.ram(retrier), CallGate.timing(log));
    AckApi ack = new GatedAckApi(connection.ack(retrier), CallGate.timing(log));
    Reconciler.Builder builder = Reconciler.builder().planOnly().cluster(observer)
        .cloud(parallel ? new AliyunObserver(ram, ack) : new AliyunObserver(ram, ack, Runnable::run));
    if (!parallel) {
      builder.observeExecutor(Runnable::run);
    }
    this.reconciler = builder.build();
  }

  /** A client of the simulation's mock API server that times its requests into {@code log}. */
  static KubernetesClient timedClient(Simulation simulation, CallLog log) {
    return timedClient(simulation, new KubeCallTimer(log));
  }

  /** A client of the simulation's mock API server with {@code timer} installed. */
  static KubernetesClient timedClient(Simulation simulation, KubeCallTimer timer) {
    return simulation.kubernetesServer().createClient(builder -> builder.withHttpClientBuilderConsumer(
        http -> http.addOrReplaceInterceptor(KubeCallTimer.NAME, timer)));
  }

  Reconciler reconciler() {
    return reconciler;
  }

  @Override
  public void close() {
    observer.close();
    client.close();
  }
}
