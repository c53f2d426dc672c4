package io.hybridcni.cli;

import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The command run in process against one simulation (the fabric8 mock cluster of a sample and the fake Aliyun),
 * with the minimal spec file of that simulation's cluster written to a test's directory. Close it after the test.
 */
final class SimulatedCli implements AutoCloseable {

  final Simulation simulation;
  final Environment.Factory environments;
  final Path spec;

  private SimulatedCli(Simulation simulation, Path spec) {
    this.simulation = simulation;
    this.environments = new Environment.Factory() {
      @Override
      public Environment open(io.hybridcni.spec.HybridNetworkSpec s, TargetOptions target) {
        return simulation.environment(Duration.ofSeconds(30));
      }

      @Override
      public io.fabric8.kubernetes.client.KubernetesClient cluster(TargetOptions target) {
        return simulation.kubernetesServer().createClient();
      }
    };
    this.spec = spec;
  }

  /** A simulation of {@code sample} without added latency, and {@code dir/spec.yaml} naming its cluster. */
  static SimulatedCli start(KubeSampleCluster sample, Path dir) throws IOException {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + Simulation.CLUSTER_ID + "\n  region: " + Simulation.REGION + "\n");
    return new SimulatedCli(Simulation.start(sample, Duration.ZERO), spec);
  }

  /** Runs {@code hybridcni args...} on no terminal with empty standard input. */
  CliRun run(String... args) {
    return CliRun.run(environments, false, "", args);
  }

  @Override
  public void close() {
    simulation.close();
  }
}
