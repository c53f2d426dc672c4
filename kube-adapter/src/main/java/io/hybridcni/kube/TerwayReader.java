package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;

/** Finds Terway's DaemonSet in {@code kube-system}: {@code terway-eniip} (the ACK addon) or {@code terway}. */
final class TerwayReader {

  static final String NAMESPACE = "kube-system";
  private static final String[] NAMES = {"terway-eniip", "terway"};

  private final DaemonSets daemonSets;

  TerwayReader(DaemonSets daemonSets) {
    this.daemonSets = daemonSets;
  }

  /** The DaemonSet, or {@code null} when Terway is not installed. */
  DaemonSet read() {
    return daemonSets.first(NAMESPACE, NAMES);
  }
}
