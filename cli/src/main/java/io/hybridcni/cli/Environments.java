package io.hybridcni.cli;

import io.hybridcni.apply.Reconciler;

/** The environments the command opens by default: the live cluster and account, or a fresh simulation. */
final class Environments {

  private Environments() {}

  static Environment.Factory standard() {
    return (spec, target) -> {
      target.validate();
      if (target.simulate == null) {
        return LiveEnvironment.open(spec, target);
      }
      Simulation simulation = Simulation.start(target.simulate);
      Environment inner = simulation.environment(target.addonTimeout, target.rolloutTimeout);
      return new Environment() {
        @Override
        public Reconciler reconciler() {
          return inner.reconciler();
        }

        @Override
        public ControllerWiring controllerWiring() {
          return inner.controllerWiring();
        }

        @Override
        public String describe() {
          return inner.describe();
        }

        @Override
        public void close() {
          inner.close();
          simulation.close();
        }
      };
    };
  }
}
