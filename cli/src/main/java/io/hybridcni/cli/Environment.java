package io.hybridcni.cli;

import io.hybridcni.apply.Reconciler;

/** A cluster and a cloud to work on: the live ones, or a simulation. Closing frees what it opened. */
interface Environment extends AutoCloseable {

  /** The reconciler wired to this environment's observers, executors and apply lock. */
  Reconciler reconciler();

  /** One line saying what this environment is, for the user. */
  String describe();

  @Override
  void close();

  /** Opens environments for a spec and the command's target options. */
  @FunctionalInterface
  interface Factory {
    Environment open(io.hybridcni.spec.HybridNetworkSpec spec, TargetOptions target);
  }
}
