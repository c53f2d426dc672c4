package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.CiliumFacts;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.FlannelFacts;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NamespaceFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Kubernetes half of the observed state through fabric8: nodes, the on-premises CNI (Calico, Flannel,
 * Cilium), Terway, the AccessKey Secret and its namespace, and which ACK cluster the cluster says it is (the
 * nodes' {@code ack.aliyun.com} label and ACK's cluster profile ConfigMap, see {@link ClusterIdentity}). Read-only;
 * independent reads run in parallel on a small executor the observer owns ({@link #close()} stops it).
 *
 * <p>Nodes and pods are listed in pages ({@code limit}/{@code continue}), so a large cluster is never held as API
 * objects; of each node only its name, {@code spec.providerID} and the labels the planner can look at are kept:
 * the cloud-node label, {@code ack.aliyun.com}, {@code kubernetes.io/os}, {@code kubernetes.io/hostname} and every
 * key that an observed CNI or Terway placement refers to. A missing CRD or namespace reads as absent; a refused
 * permission (403) is a {@link HybridCniException} naming the verb, resource and namespace. Secret values are
 * hashed ({@link io.hybridcni.observe.ValueHash}) inside the observer and never leave it.
 */
public final class KubernetesObserver implements ClusterObserver, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesObserver.class);

  /** Default {@code limit} of one page of nodes or pods. */
  public static final int DEFAULT_PAGE_SIZE = 500;
  /** Default number of reads in flight at once. */
  public static final int DEFAULT_PARALLELISM = 4;

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final ExecutorService executor;
  private final NodeReader nodes;
  private final DaemonSets daemonSets;
  private final CalicoReader calico;

  private KubernetesObserver(Builder b) {
    this.client = b.client;
    this.ownsClient = b.ownsClient;
    this.executor = Executors.newFixedThreadPool(b.parallelism, new ObserverThreads());
    this.nodes = new NodeReader(client, b.pageSize);
    this.daemonSets = new DaemonSets(client);
    this.calico = new CalicoReader(client);
  }

  /** An observer over {@code client}; the caller keeps ownership of the client. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), false);
  }

  /**
   * An observer that connects with {@code context} of {@code kubeconfig} (see {@link KubeconfigClients#create})
   * and closes that connection in {@link #close()}.
   */
  public static KubernetesObserver fromKubeconfig(Path kubeconfig, String context) {
    return new Builder(KubeconfigClients.create(kubeconfig, context), true).build();
  }

  @Override
  public KubernetesFacts observe(HybridNetworkSpec spec) {
    Future<CalicoReader.Observation> calicoFuture = submit(() -> calico.read(spec.onPremisesCni()));
    Future<FlannelFacts> flannelFuture = submit(() -> new FlannelReader(daemonSets).read());
    Future<CiliumFacts> ciliumFuture = submit(() -> new CiliumReader(daemonSets).read());
    Future<DaemonSet> terwayFuture = submit(() -> new TerwayReader(daemonSets).read());
    Future<SecretFacts> secretFuture =
        submit(() -> new SecretReader(client).read(spec.secretNamespace(), spec.secretName()));
    Future<NamespaceFacts> namespaceFuture = submit(() -> new NamespaceReader(client).read(spec.secretNamespace()));
    Future<ConfigMap> profileFuture = submit(() -> new ClusterIdentityReader(client).profile());

    CalicoReader.Observation calicoSeen = await(calicoFuture);
    FlannelFacts flannel = await(flannelFuture);
    CiliumFacts cilium = await(ciliumFuture);
    DaemonSet terwayDs = await(terwayFuture);
    SecretFacts secret = await(secretFuture);
    NamespaceFacts secretNamespace = await(namespaceFuture);
    ConfigMap profile = await(profileFuture);
    Workload terway = DaemonSets.workload(terwayDs);
    CniFacts cni = new CniFacts(calicoSeen.facts(), flannel, cilium);

    Set<String> labelKeys = labelKeys(spec, cni, terway);
    Future<List<NodeReader.SeenNode>> nodesFuture = submit(() -> nodes.nodes(labelKeys));
    List<Future<Set<String>>> calicoPods = new ArrayList<>();
    for (DaemonSet ds : calicoSeen.daemonSets()) {
      calicoPods.add(submit(() -> nodes.nodesRunning(NodeReader.PodSource.of(ds))));
    }
    Future<Set<String>> terwayPods = terwayDs == null ? null
        : submit(() -> nodes.nodesRunning(NodeReader.PodSource.of(terwayDs)));

    Set<String> calicoNodes = new TreeSet<>();
    for (Future<Set<String>> f : calicoPods) {
      calicoNodes.addAll(await(f));
    }
    Set<String> terwayNodes = terwayPods == null ? Set.of() : await(terwayPods);
    List<NodeInfo> nodeInfos = NodeReader.join(await(nodesFuture), calicoNodes, terwayNodes);
    LOG.debug("observed {} node(s); Calico on {}, Terway on {}; CNI signals: calico={}, flannel={}, cilium={}",
        nodeInfos.size(), calicoNodes.size(), terwayNodes.size(), cni.calico() != null, flannel != null,
        cilium != null);
    ClusterIdentity identity = ClusterIdentityReader.identity(profile, nodeInfos);
    return new KubernetesFacts(nodeInfos, cni, TerwayReader.facts(terwayDs), secret, identity,
        secretNamespace);
  }

  /**
   * Reads again only what {@code scope} names: the spec's Secret and Terway's DaemonSet with one GET each, and
   * Calico's workload and the nodes with Calico's own reads plus the node and calico-node pod lists, all in
   * parallel; that is what apply re-checks before the Secret, AccessKey, Terway restart and Calico exclusion
   * actions. Which nodes run Terway and the Flannel and Cilium facts are kept from {@code previous}: no fact about
   * Calico's placement or the nodes is computed from them. Anything else (another CNI's workload, a scope on a
   * cluster where {@code previous} saw no Calico) is read by a whole {@link #observe}.
   */
  @Override
  public KubernetesFacts refresh(HybridNetworkSpec spec, KubernetesFacts previous, FactScope scope) {
    if (!scope.touchesKubernetes()) {
      return previous;
    }
    String specSecret = spec.secretNamespace() + "/" + spec.secretName();
    Set<WorkloadRef> calicoRefs = new java.util.HashSet<>();
    CalicoFacts calicoBefore = previous.cni().calico();
    if (calicoBefore != null && calicoBefore.daemonSet() != null) {
      calicoRefs.add(calicoBefore.daemonSet().ref());
    }
    if (calicoBefore != null && calicoBefore.installation() != null) {
      calicoRefs.add(WorkloadRef.tigeraInstallation(calicoBefore.installation().name()));
    }
    WorkloadRef terwayRef = previous.terway() == null ? null : previous.terway().daemonSet().ref();
    boolean readTerway = terwayRef != null && scope.workloads().contains(terwayRef);
    boolean readCalico = scope.nodes() || scope.workloads().stream().anyMatch(calicoRefs::contains);
    boolean known = scope.workloads().stream().allMatch(w -> w.equals(terwayRef) || calicoRefs.contains(w))
        && (!scope.nodes() || calicoBefore != null);
    if (!known || (!scope.secrets().isEmpty() && !scope.secrets().equals(Set.of(specSecret)))) {
      return observe(spec);
    }
    Future<SecretFacts> secretFuture = scope.secrets().isEmpty() ? null
        : submit(() -> new SecretReader(client).read(spec.secretNamespace(), spec.secretName()));
    Future<DaemonSet> terwayFuture = !readTerway ? null : submit(() -> new TerwayReader(daemonSets).read());
    Future<CalicoReader.Observation> calicoFuture = !readCalico ? null
        : submit(() -> calico.read(spec.onPremisesCni()));
    SecretFacts secret = secretFuture == null ? previous.secret() : await(secretFuture);
    TerwayFacts terway = terwayFuture == null ? previous.terway() : TerwayReader.facts(await(terwayFuture));
    if (calicoFuture == null) {
      return new KubernetesFacts(previous.nodes(), previous.cni(), terway, secret, previous.identity(),
          previous.secretNamespace());
    }
    CalicoReader.Observation calicoSeen = await(calicoFuture);
    CniFacts cni = new CniFacts(calicoSeen.facts(), previous.cni().flannel(), previous.cni().cilium());
    List<NodeInfo> nodeInfos = previous.nodes();
    if (scope.nodes()) {
      Set<String> labelKeys = labelKeys(spec, cni, terway == null ? null : terway.daemonSet());
      Future<List<NodeReader.SeenNode>> nodesFuture = submit(() -> nodes.nodes(labelKeys));
      List<Future<Set<String>>> calicoPods = new ArrayList<>();
      for (DaemonSet ds : calicoSeen.daemonSets()) {
        calicoPods.add(submit(() -> nodes.nodesRunning(NodeReader.PodSource.of(ds))));
      }
      Set<String> calicoNodes = new TreeSet<>();
      for (Future<Set<String>> f : calicoPods) {
        calicoNodes.addAll(await(f));
      }
      Set<String> terwayNodes = new TreeSet<>();
      previous.nodes().stream().filter(NodeInfo::runsTerway).forEach(n -> terwayNodes.add(n.name()));
      nodeInfos = NodeReader.join(await(nodesFuture), calicoNodes, terwayNodes);
    }
    return new KubernetesFacts(nodeInfos, cni, terway, secret, previous.identity(), previous.secretNamespace());
  }

  /** The node label keys any placement observed here (or the Terway addon's default) can look at. */
  private static Set<String> labelKeys(HybridNetworkSpec spec, CniFacts cni, Workload terway) {
    Set<String> keys = new TreeSet<>();
    keys.add(spec.cloudNodeLabel().key());
    keys.add(Planner.TERWAY_ADDON_NODE_SELECTOR.key());
    keys.add(ClusterIdentity.NODE_LABEL);
    List<Placement> placements = new ArrayList<>();
    if (cni.calico() != null) {
      if (cni.calico().daemonSet() != null) {
        placements.add(cni.calico().daemonSet().placement());
      }
      if (cni.calico().installation() != null) {
        placements.add(cni.calico().installation().calicoNodePlacement());
      }
    }
    if (cni.flannel() != null && cni.flannel().daemonSet() != null) {
      placements.add(cni.flannel().daemonSet().placement());
    }
    if (cni.cilium() != null && cni.cilium().daemonSet() != null) {
      placements.add(cni.cilium().daemonSet().placement());
    }
    if (terway != null) {
      placements.add(terway.placement());
    }
    placements.forEach(p -> keys.addAll(Placements.labelKeys(p)));
    return keys;
  }

  private <T> Future<T> submit(Callable<T> task) {
    return executor.submit(task);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("Interrupted while observing the cluster", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new HybridCniException("Observing the cluster failed: " + cause, cause);
    }
  }

  /** Stops the observer's threads, and closes the client when the observer created it. */
  @Override
  public void close() {
    executor.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }

  /** Builds a {@link KubernetesObserver}; every setting has a default. */
  public static final class Builder {
    private final KubernetesClient client;
    private final boolean ownsClient;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private int parallelism = DEFAULT_PARALLELISM;

    private Builder(KubernetesClient client, boolean ownsClient) {
      this.client = client;
      this.ownsClient = ownsClient;
    }

    /**
     * The {@code limit} of one page when listing nodes and pods. Default
     * {@value KubernetesObserver#DEFAULT_PAGE_SIZE}; at least 1.
     */
    public Builder pageSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("pageSize must be at least 1, found " + value);
      }
      this.pageSize = value;
      return this;
    }

    /** How many reads run at once. Default {@value KubernetesObserver#DEFAULT_PARALLELISM}; at least 1. */
    public Builder parallelism(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, found " + value);
      }
      this.parallelism = value;
      return this;
    }

    /** The configured observer. */
    public KubernetesObserver build() {
      return new KubernetesObserver(this);
    }
  }

  private static final class ObserverThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "hybridcni-observer-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
