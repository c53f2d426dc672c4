package io.hybridcni.detect;

import io.hybridcni.observe.CniFacts;
import java.util.List;
import java.util.Optional;

/**
 * One CNI as a unit: the Kubernetes objects whose presence and content tell it apart, the workloads it owns, how
 * its facts are built from those objects, and its part of the scenario. {@link CniDetectors} lists every one; {@link ScenarioDetector} walks that list, and an
 * observer reads the union of {@link #reads()} at once. Pure: no I/O.
 */
public interface CniDetector {

  /** The name findings and the detection use, e.g. {@code calico}, {@code canal}. */
  String name();

  /** Every object this CNI may leave in a cluster that its reading looks at; a missing one is a fact, not a failure. */
  List<KubeObject> reads();

  /** The workloads that run this CNI, where its released manifests put them. */
  List<OwnedWorkload> workloads();

  /**
   * The facts this CNI's reading looks at, when they are not Calico's (which {@link CniFacts} holds typed and the
   * observer reads itself): their key, record and how they are built from the objects of {@link #reads()}.
   */
  default Optional<CniFactsKind<?>> facts() {
    return Optional.empty();
  }

  /**
   * This CNI's reading of the facts, adding what it looked at to {@code evidence}; empty when the facts show no
   * trace of it, or show that it carries no pod traffic (Calico policy-only, which still adds its evidence).
   */
  Optional<CniReading> read(CniFacts cni, List<String> evidence);
}
