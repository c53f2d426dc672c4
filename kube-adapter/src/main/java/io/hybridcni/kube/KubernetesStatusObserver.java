package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.port.NetworkStatusObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.Cni;
import io.hybridcni.status.CniPod;
import io.hybridcni.status.DaemonSetRollout;
import io.hybridcni.status.NetworkObservation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the running network through fabric8: for each CNI DaemonSet the cluster observation found (calico-node,
 * every other CNI's that its detector owns, Terway), one GET of the DaemonSet for its status and one paged list of its pods by its
 * selector. Of a pod only its node, phase, Ready condition, restart count and the reason (and image) of a waiting
 * container are kept. Read-only.
 */
public final class KubernetesStatusObserver implements NetworkStatusObserver {

  private final KubernetesClient client;
  private final DaemonSets daemonSets;
  private final int pageSize;

  public KubernetesStatusObserver(KubernetesClient client) {
    this(client, KubernetesObserver.DEFAULT_PAGE_SIZE);
  }

  public KubernetesStatusObserver(KubernetesClient client, int pageSize) {
    this.client = Objects.requireNonNull(client, "client");
    this.daemonSets = new DaemonSets(client);
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, found " + pageSize);
    }
    this.pageSize = pageSize;
  }

  @Override
  public NetworkObservation observe(HybridNetworkSpec spec, KubernetesFacts facts) {
    Map<WorkloadRef, Cni> cnis = cniDaemonSets(facts);
    List<DaemonSetRollout> rollouts = new ArrayList<>();
    List<CniPod> pods = new ArrayList<>();
    cnis.forEach((ref, cni) -> {
      DaemonSet ds = daemonSets.get(ref.namespace(), ref.name());
      if (ds == null) {
        return; // gone since the observation: nothing runs from it
      }
      rollouts.add(rollout(ds, cni));
      if (ds.getSpec() == null || ds.getSpec().getSelector() == null) {
        return;
      }
      Pager.forEach(KubeOperation.list("", "pods", ref.namespace()), pageSize,
          options -> client.pods().inNamespace(ref.namespace()).withLabelSelector(ds.getSpec().getSelector())
              .list(options),
          (Pod pod) -> pods.add(pod(pod, ref, cni)), () -> pods.removeIf(p -> p.daemonSet().equals(ref)));
    });
    return new NetworkObservation(facts.nodes(), rollouts, pods);
  }

  /**
   * The CNI DaemonSets the observation found, each once: the on-premises CNIs' as core names them
   * ({@link Cni#daemonSets}, from the CNI registry; Canal's runs both Calico and Flannel), then Terway's.
   */
  static Map<WorkloadRef, Cni> cniDaemonSets(KubernetesFacts facts) {
    Map<WorkloadRef, Cni> found = new LinkedHashMap<>(Cni.daemonSets(facts.cni()));
    if (facts.terway() != null && facts.terway().daemonSet() != null) {
      found.putIfAbsent(facts.terway().daemonSet().ref(), Cni.TERWAY);
    }
    return found;
  }

  static DaemonSetRollout rollout(DaemonSet ds, Cni cni) {
    DaemonSetStatus status = ds.getStatus();
    String strategy = ds.getSpec() == null || ds.getSpec().getUpdateStrategy() == null
        || ds.getSpec().getUpdateStrategy().getType() == null ? "RollingUpdate"
        : ds.getSpec().getUpdateStrategy().getType();
    String maxUnavailable = ds.getSpec() == null || ds.getSpec().getUpdateStrategy() == null
        || ds.getSpec().getUpdateStrategy().getRollingUpdate() == null
        || ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable() == null ? null
        : ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().toString();
    long generation = ds.getMetadata().getGeneration() == null ? 0 : ds.getMetadata().getGeneration();
    return new DaemonSetRollout(WorkloadRef.daemonSet(ds.getMetadata().getNamespace(), ds.getMetadata().getName()),
        cni, strategy, "OnDelete".equals(strategy) ? null : maxUnavailable, generation,
        status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration(),
        count(status == null ? null : status.getDesiredNumberScheduled()),
        count(status == null ? null : status.getUpdatedNumberScheduled()),
        count(status == null ? null : status.getNumberReady()),
        count(status == null ? null : status.getNumberUnavailable()));
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }

  static CniPod pod(Pod pod, WorkloadRef ds, Cni cni) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    boolean ready = false;
    int restarts = 0;
    String waiting = null;
    String waitingImage = null;
    if (pod.getStatus() != null) {
      List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of()
          : pod.getStatus().getConditions();
      ready = conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      List<ContainerStatus> statuses = new ArrayList<>();
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
      for (ContainerStatus c : statuses) {
        restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
        if (waiting == null && c.getState() != null && c.getState().getWaiting() != null
            && c.getState().getWaiting().getReason() != null) {
          waiting = c.getState().getWaiting().getReason();
          waitingImage = c.getImage();
        }
      }
    }
    return new CniPod(pod.getMetadata().getName(), ds, cni, node == null || node.isEmpty() ? null : node, phase,
        ready, restarts, waiting, waitingImage);
  }
}
