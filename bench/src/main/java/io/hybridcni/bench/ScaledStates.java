package io.hybridcni.bench;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.ObservedState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The sample Calico BGP states of {@link SampleClusters} with many nodes: four in five on premises, one in five an
 * ECS instance carrying the cloud label. The nodes are in name order, as the cluster observer hands them to the
 * planner (kube-adapter's {@code NodeReader} sorts them by name), so the cloud ones ({@code cn-hangzhou.*}) come first.
 */
final class ScaledStates {

  /** Which sample to scale. */
  enum Kind {
    /** Everything in place: the plan is empty. */
    CONVERGED,
    /** Nothing of RAM, Secret, exclusion or Terway yet: Calico runs on every node, the cloud ones too. */
    FRESH
  }

  private ScaledStates() {}

  static ObservedState of(Kind kind, int nodes) {
    int cloud = nodes / 5;
    boolean converged = kind == Kind.CONVERGED;
    List<NodeInfo> list = new ArrayList<>(nodes);
    for (int i = 0; i < nodes - cloud; i++) {
      list.add(SampleClusters.onPremNode(String.format(Locale.ROOT, "onprem-%05d", i), true));
    }
    for (int i = 0; i < cloud; i++) {
      list.add(SampleClusters.cloudNode(String.format(Locale.ROOT, "cn-hangzhou.i-bp1cloud%05d", i), !converged,
          converged));
    }
    list.sort(Comparator.comparing(NodeInfo::name));
    ObservedState sample = converged ? SampleClusters.convergedBgp() : SampleClusters.freshBgp();
    return sample.toBuilder().nodes(list).build();
  }
}
