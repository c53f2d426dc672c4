package io.hybridcni.cli;

import io.hybridcni.apply.Reconciler;

/** A cluster and a cloud to work on: the live ones, or a simulation. Closing frees what it opened. */
interface Environment extends AutoCloseable {

  /** The reconciler wired to this environment's observers, executors and apply lock. */
  Reconciler reconciler();

  /**
   * The parts {@code hybridcni controller} is wired from: the same cluster, observers and executors as
   * {@link #reconciler()}, with the writer's lock left to the controller (it guards the apply Lease with its lead).
   *
   * @throws io.hybridcni.error.HybridCniException when this environment cannot run a controller
   */
  default ControllerWiring controllerWiring() {
    throw new io.hybridcni.error.HybridCniException("this environment (" + describe() + ") cannot run a controller");
  }

  /** One line saying what this environment is, for the user. */
  String describe();

  @Override
  void close();

  /** Opens environments for a spec and the command's target options. */
  @FunctionalInterface
  interface Factory {
    Environment open(io.hybridcni.spec.HybridNetworkSpec spec, TargetOptions target);

    /**
     * A client of the target cluster alone, for what must be read before there is a spec (the HybridNetwork a
     * controller keeps); the caller closes it.
     */
    default io.fabric8.kubernetes.client.KubernetesClient cluster(TargetOptions target) {
      target.validate();
      if (target.simulate != null) {
        throw new io.hybridcni.error.HybridCniException("--simulate starts its cluster from a spec file: use -f "
            + "SPEC with it, not --resource");
      }
      return io.hybridcni.kube.KubeconfigClients.create(target.kubeconfig, target.context);
    }
  }
}
