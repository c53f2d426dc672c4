package io.hybridcni.status;

import io.hybridcni.observe.Frozen;
import io.hybridcni.observe.NodeInfo;
import java.util.List;

/** What the network that runs looks like: the nodes, the CNI DaemonSets and their pods. */
public record NetworkObservation(List<NodeInfo> nodes, List<DaemonSetRollout> daemonSets, List<CniPod> pods) {

  public NetworkObservation {
    nodes = Frozen.list(nodes);
    daemonSets = Frozen.list(daemonSets);
    pods = Frozen.list(pods);
  }
}
