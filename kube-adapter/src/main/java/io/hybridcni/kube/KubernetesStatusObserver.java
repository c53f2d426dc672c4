package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
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
 * Reads the running network: for each CNI DaemonSet the cluster observation found (calico-node, every other CNI's
 * that its detector owns, Terway), the DaemonSet for its status and its pods by its selector. Of a pod only its node,
 * phase and health ({@link HealthStatus}: Ready condition, restart count, the reason and image of a waiting
 * container) are kept. Read-only.
 *
 * <p>One judgement over two ways of reading ({@link Reads}): built on a client, it reads the API server, one GET of
 * each DaemonSet and one paged list of its pods; {@link ClusterCache#statusObserver()} reads the cache's stores
 * instead, and makes no request once synced.
 */
public final class KubernetesStatusObserver implements NetworkStatusObserver {

  /**
   * Where the status reads a DaemonSet and its pods from: the API server ({@link #live}) or a cache's stores.
   */
  interface Reads {

    /** The DaemonSet, or {@code null} when it (or its namespace) does not exist. */
    DaemonSet daemonSet(String namespace, String name);

    /** The pods of {@code namespace} that {@code selector} selects, each judged as {@link #pod} judges it. */
    List<CniPod> pods(String namespace, LabelSelector selector, WorkloadRef ds, Cni cni);

    /** Reads through {@code client}, pods in pages of {@code pageSize}. */
    static Reads live(KubernetesClient client, int pageSize) {
      DaemonSets daemonSets = new DaemonSets(client);
      return new Reads() {
        @Override
        public DaemonSet daemonSet(String namespace, String name) {
          return daemonSets.get(namespace, name);
        }

        @Override
        public List<CniPod> pods(String namespace, LabelSelector selector, WorkloadRef ds, Cni cni) {
          List<CniPod> pods = new ArrayList<>();
          Pager.forEach(KubeOperation.list("", "pods", namespace), pageSize,
              options -> client.pods().inNamespace(namespace).withLabelSelector(selector).list(options),
              (Pod pod) -> pods.add(pod(pod, ds, cni)), pods::clear);
          return pods;
        }
      };
    }
  }

  private final Reads reads;

  /** Reads the API server through {@code client}, pods in pages of {@value KubernetesObserver#DEFAULT_PAGE_SIZE}. */
  public KubernetesStatusObserver(KubernetesClient client) {
    this(client, KubernetesObserver.DEFAULT_PAGE_SIZE);
  }

  /** Reads the API server through {@code client}, pods in pages of {@code pageSize} (at least 1). */
  public KubernetesStatusObserver(KubernetesClient client, int pageSize) {
    Objects.requireNonNull(client, "client");
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, found " + pageSize);
    }
    this.reads = Reads.live(client, pageSize);
  }

  /** A status observer over {@code reads} (a cache's stores). */
  KubernetesStatusObserver(Reads reads) {
    this.reads = Objects.requireNonNull(reads, "reads");
  }

  @Override
  public NetworkObservation observe(HybridNetworkSpec spec, KubernetesFacts facts) {
    Map<WorkloadRef, Cni> cnis = cniDaemonSets(facts);
    List<DaemonSetRollout> rollouts = new ArrayList<>();
    List<CniPod> pods = new ArrayList<>();
    cnis.forEach((ref, cni) -> {
      DaemonSet ds = reads.daemonSet(ref.namespace(), ref.name());
      if (ds == null) {
        return; // gone since the observation: nothing runs from it
      }
      rollouts.add(rollout(ds, cni));
      if (ds.getSpec() == null || ds.getSpec().getSelector() == null) {
        return;
      }
      pods.addAll(reads.pods(ref.namespace(), ds.getSpec().getSelector(), ref, cni));
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
    return pod(pod.getMetadata().getName(), pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        pod.getStatus() == null ? null : pod.getStatus().getPhase(), HealthStatus.of(pod), ds, cni);
  }

  /** A pod of {@code ds} by its name, node ({@code null} or empty while unbound), phase and health. */
  static CniPod pod(String name, String node, String phase, HealthStatus health, WorkloadRef ds, Cni cni) {
    return new CniPod(name, ds, cni, node == null || node.isEmpty() ? null : node, phase, health.ready(),
        health.restarts(), health.waitingReason(), health.waitingImage());
  }
}
