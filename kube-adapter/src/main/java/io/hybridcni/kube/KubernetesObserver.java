package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.detect.CniDetectors;
import io.hybridcni.detect.KubeObject;
import io.hybridcni.detect.OwnedWorkload;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.CniPart;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NamespaceFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.CheckedReads;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Kubernetes half of the observed state through fabric8: nodes, the on-premises CNI (Calico, and every
 * other CNI of {@link CniDetectors#ALL}, whose detector builds its facts from the objects read), Terway, the AccessKey Secret and its namespace, and which ACK cluster the cluster says it is (the
 * nodes' {@code ack.aliyun.com} label and ACK's cluster profile ConfigMap, see {@link ClusterIdentity}). Read-only.
 * Every independent read starts at once on a fixed executor the observer owns ({@link #close()} stops it): every
 * object a CNI detector names ({@link CniDetectors#reads()}), Terway's DaemonSets, the Secret, its namespace, the
 * profile, the pods of each workload where its manifests put it, and the nodes; the readers then decide from the
 * answers ({@link SpeculativeReads}). A 404 is a fact; a failed read fails the observation only when a decision
 * looks at it, with the message it always had; an observation returns only once all its reads have answered.
 *
 * <p>Nodes and pods are listed in pages ({@code limit}/{@code continue}), so a large cluster is never held as API
 * objects; of each node only its name, {@code spec.providerID} and the labels the planner can look at are kept:
 * the cloud-node label, {@code ack.aliyun.com}, {@code kubernetes.io/os}, {@code kubernetes.io/hostname} and every
 * key that an observed CNI or Terway placement refers to. A missing CRD or namespace reads as absent; a refused
 * permission (403) is a {@link HybridCniException} naming the verb, resource and namespace. Secret values are
 * hashed ({@link io.hybridcni.observe.ValueHash}) inside the observer and never leave it.
 *
 * <p>Every read goes through one {@link ClusterReads}: the API server by default, or {@link ClusterCache}'s
 * informer stores, so that the facts a cached observation gives are built by this same code.
 */
public final class KubernetesObserver implements ClusterObserver, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesObserver.class);

  /** Default {@code limit} of one page of nodes or pods. */
  public static final int DEFAULT_PAGE_SIZE = 500;
  /**
   * Default number of reads in flight at once: enough for every independent read of one observation (about 30: the
   * CNI candidates of {@link CniDetectors#reads()}, Terway, the Secret, its namespace, ACK's profile, pods and
   * nodes) to be in flight together, so that a no-op reconcile costs about one round trip.
   */
  public static final int DEFAULT_PARALLELISM = 32;

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final ExecutorService executor;
  private final ClusterReads cluster;
  /** The API server's reads, or {@code null} when the observer reads a cache: only live reads are handed on. */
  private final LiveReads live;
  private final AtomicInteger lastMisses = new AtomicInteger();

  private KubernetesObserver(Builder b) {
    this.client = b.client;
    this.ownsClient = b.ownsClient;
    this.executor = Executors.newFixedThreadPool(b.parallelism, new ObserverThreads());
    this.live = b.reads != null ? null : new LiveReads(client, b.pageSize);
    this.cluster = b.reads != null ? b.reads : live;
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
    return observe(spec, CheckedReads.NONE);
  }

  /**
   * As {@link #observe(HybridNetworkSpec)}; when it reads the API server (not a cache), {@code checked} receives
   * what it read of Calico's DaemonSets, the nodes and where their pods run ({@link CheckedCalico}), for
   * {@link CniExclusionExecutor}'s first attempt when the exclusion is the first action.
   */
  @Override
  public KubernetesFacts observe(HybridNetworkSpec spec, CheckedReads checked) {
    CheckedCalico.Recording recording = live != null && checked.keepsReads() ? new CheckedCalico.Recording(live)
        : null;
    KubernetesFacts facts = observe(spec, recording != null ? recording : cluster);
    if (recording != null) {
      checked.put(CheckedCalico.class, recording.checked());
    }
    return facts;
  }

  private KubernetesFacts observe(HybridNetworkSpec spec, ClusterReads cluster) {
    WorkloadRef named = spec.onPremisesCni();
    Set<KubeObject> objects = candidates(named);
    // Every independent read starts now, before any is decided on: the candidate CNI and Terway objects, the
    // Secret, its namespace, ACK's profile, the pods of every workload where its manifests put it, and the nodes
    // (which wait for the label keys only once their first page is in).
    SpeculativeReads reads = SpeculativeReads.start(cluster, executor, objects);
    List<Future<?>> started = new ArrayList<>();
    Future<SecretFacts> secretFuture = track(started, () -> secret(spec, cluster));
    Future<NamespaceFacts> namespaceFuture = track(started,
        () -> new NamespaceFacts(spec.secretNamespace(), cluster.namespaceExists(spec.secretNamespace())));
    Future<ConfigMap> profileFuture = track(started,
        () -> cluster.configMap(ClusterIdentity.PROFILE_NAMESPACE, ClusterIdentity.PROFILE_NAME));
    Map<String, SpeculativePods> pods = new LinkedHashMap<>();
    List<OwnedWorkload> podWorkloads = new ArrayList<>();
    CniDetectors.workloads().stream().filter(OwnedWorkload::runsCalicoNode).forEach(podWorkloads::add);
    podWorkloads.addAll(TerwayReader.WORKLOADS);
    for (OwnedWorkload w : podWorkloads) {
      if (w.podSelector() != null && w.object().kind() == KubeObject.Kind.DAEMON_SET) {
        NodeReader.PodSource source = NodeReader.PodSource.expected(w);
        pods.put(key(source.namespace(), source.daemonSet()),
            new SpeculativePods(source, track(started, () -> cluster.nodesRunning(source))));
      }
    }
    CompletableFuture<Set<String>> labelKeys = new CompletableFuture<>();
    Future<List<NodeReader.SeenNode>> nodesFuture = track(started, () -> cluster.nodes(labelKeys));
    try {
      DaemonSets daemonSets = new DaemonSets(reads);
      CalicoReader.Observation calicoSeen = new CalicoReader(reads).read(named);
      // Every other CNI's facts, each built by its detector from the objects already in flight.
      Map<String, CniPart> parts = CniDetectors.facts(new DetectorObjects(daemonSets));
      DaemonSet terwayDs = new TerwayReader(daemonSets).read();
      SecretFacts secret = await(secretFuture);
      NamespaceFacts secretNamespace = await(namespaceFuture);
      ConfigMap profile = await(profileFuture);
      Workload terway = DaemonSets.workload(terwayDs);
      CniFacts cni = new CniFacts(calicoSeen.facts(), parts);
      labelKeys.complete(labelKeys(spec, cni, terway));

      List<Future<Set<String>>> calicoPods = new ArrayList<>();
      for (DaemonSet ds : calicoSeen.daemonSets()) {
        calicoPods.add(podsOf(ds, pods, started, cluster));
      }
      Future<Set<String>> terwayPods = terwayDs == null ? null : podsOf(terwayDs, pods, started, cluster);
      Set<String> calicoNodes = new TreeSet<>();
      for (Future<Set<String>> f : calicoPods) {
        calicoNodes.addAll(await(f));
      }
      Set<String> terwayNodes = terwayPods == null ? Set.of() : await(terwayPods);
      List<NodeInfo> nodeInfos = NodeReader.join(await(nodesFuture), calicoNodes, terwayNodes);
      LOG.debug("observed {} node(s); Calico on {}, Terway on {}; CNI signals: calico={}, others={}; "
          + "{} read(s) not started speculatively", nodeInfos.size(), calicoNodes.size(), terwayNodes.size(),
          cni.calico() != null, parts.keySet(), reads.misses());
      ClusterIdentity identity = ClusterIdentityReader.identity(profile, nodeInfos);
      lastMisses.set(reads.misses());
      reads.settle();
      SpeculativeReads.settle(started);
      return new KubernetesFacts(nodeInfos, cni, TerwayReader.facts(terwayDs), secret, identity,
          secretNamespace);
    } catch (RuntimeException e) {
      // The nodes listing waits for the label keys: release it, and drop the reads nobody will look at.
      labelKeys.completeExceptionally(e);
      reads.cancelPending();
      started.forEach(f -> f.cancel(false));
      throw e;
    }
  }

  /**
   * The objects an observation reads before deciding anything: every CNI detector's, Terway's and the workload the
   * spec names ({@code named}, may be {@code null}). {@link ClusterCache} watches the same ones.
   */
  static Set<KubeObject> candidates(WorkloadRef named) {
    Set<KubeObject> objects = new LinkedHashSet<>(CniDetectors.reads());
    TerwayReader.WORKLOADS.forEach(w -> objects.add(w.object()));
    if (named != null) {
      objects.add(named.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION ? KubeObject.tigeraInstallation(named.name())
          : KubeObject.daemonSet(named.namespace(), named.name()));
    }
    return objects;
  }

  /** How many objects the last observation read that were not among those it started at once (for tests). */
  int lastSpeculationMisses() {
    return lastMisses.get();
  }

  /** A listing of a workload's pods started with the selector its manifests give it. */
  private record SpeculativePods(NodeReader.PodSource source, Future<Set<String>> nodes) {}

  /**
   * Where the pods of {@code ds} run: the speculative listing when it asked with the DaemonSet's own selector, or a
   * new listing with that selector (the speculative one, asked with another, is then left unread).
   */
  private Future<Set<String>> podsOf(DaemonSet ds, Map<String, SpeculativePods> pods, List<Future<?>> started,
      ClusterReads cluster) {
    NodeReader.PodSource actual = NodeReader.PodSource.of(ds);
    SpeculativePods guess = pods.get(key(actual.namespace(), actual.daemonSet()));
    if (guess != null && Objects.equals(DaemonSets.selector(guess.source().selector()),
        DaemonSets.selector(actual.selector()))) {
      return guess.nodes();
    }
    return track(started, () -> cluster.nodesRunning(actual));
  }

  /** The spec's Secret as facts: absent when there is none. */
  private static SecretFacts secret(HybridNetworkSpec spec, ClusterReads cluster) {
    io.fabric8.kubernetes.api.model.Secret secret = cluster.secret(spec.secretNamespace(), spec.secretName());
    return secret == null ? SecretFacts.absent(spec.secretNamespace(), spec.secretName()) : SecretReader.facts(secret);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private <T> Future<T> track(List<Future<?>> started, Callable<T> task) {
    Future<T> future = executor.submit(task);
    started.add(future);
    return future;
  }

  /**
   * Reads again only what {@code scope} names: the spec's Secret and Terway's DaemonSet with one GET each; Calico's
   * workload with the calico-node DaemonSet its facts describe (and those chosen before it, when absent), or, when the
   * scope names the Tigera Installation, Calico's own reads; the node list; and, only when the scope names where
   * Calico runs, every candidate calico-node DaemonSet and its pods' list; all in parallel. That is what apply
   * re-checks before the Secret, AccessKey, Terway restart and Calico exclusion actions (the exclusion's: one
   * DaemonSet GET and the node list). Which nodes run Terway, which run Calico when the scope does not name it, and
   * the other CNIs' facts are kept from {@code previous}: no fact of the scope is computed from them. Anything else
   * (another CNI's workload, where Calico runs on a cluster where {@code previous} saw no Calico) is read by a whole
   * {@link #observe}.
   */
  @Override
  public KubernetesFacts refresh(HybridNetworkSpec spec, KubernetesFacts previous, FactScope scope) {
    return refresh(spec, previous, scope, CheckedReads.NONE);
  }

  /**
   * As {@link #refresh(HybridNetworkSpec, KubernetesFacts, FactScope)}; when it reads the API server (not a cache),
   * {@code checked} receives what it read of Calico's DaemonSets, the nodes and where their pods run
   * ({@link CheckedCalico}), for {@link CniExclusionExecutor}'s first attempt.
   */
  @Override
  public KubernetesFacts refresh(HybridNetworkSpec spec, KubernetesFacts previous, FactScope scope,
      CheckedReads checked) {
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
    boolean readCalico = scope.calicoPods() || scope.workloads().stream().anyMatch(calicoRefs::contains);
    boolean known = scope.workloads().stream().allMatch(w -> w.equals(terwayRef) || calicoRefs.contains(w))
        && (!scope.calicoPods() || calicoBefore != null);
    if (!known || (!scope.secrets().isEmpty() && !scope.secrets().equals(Set.of(specSecret)))) {
      return observe(spec);
    }
    CheckedCalico.Recording recording = live != null && checked.keepsReads() ? new CheckedCalico.Recording(live)
        : null;
    ClusterReads reads = recording != null ? recording : cluster;
    List<Future<?>> started = new ArrayList<>();
    Future<SecretFacts> secretFuture = scope.secrets().isEmpty() ? null
        : track(started, () -> secret(spec, reads));
    Future<DaemonSet> terwayFuture = !readTerway ? null
        : track(started, () -> new TerwayReader(new DaemonSets(SpeculativeReads.none(reads))).read());
    try {
      // Read on this thread: its candidate reads go to the pool, which a task of the pool must not wait on (with
      // parallelism 1 it would wait for itself).
      // A scope that names no Installation needs only Calico's DaemonSets (placement, where its pods run).
      boolean placementOnly = scope.workloads().stream()
          .noneMatch(w -> w.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION);
      CalicoReader.Observation calicoSeen = !readCalico ? null
          : calico(spec, placementOnly ? calicoBefore : null, scope.calicoPods(), reads);
      KubernetesFacts facts = refreshed(spec, previous, scope, secretFuture, terwayFuture, calicoSeen, started,
          reads);
      if (recording != null) {
        checked.put(CheckedCalico.class, recording.checked());
      }
      return facts;
    } catch (RuntimeException e) {
      started.forEach(f -> f.cancel(false));
      throw e;
    }
  }

  /**
   * Calico's reading alone: its candidate objects (its manifest's, the operator's and Canal's, and the one the spec
   * names) start at once, as in a whole observation; the other CNIs' are not read. Given {@code placementOnly} (the
   * Calico facts of the previous observation), only the candidate DaemonSets are read and the rest is kept from it
   * ({@link CalicoReader#readPlacement}): no IPPool, ConfigMap or Installation. When, in addition, where Calico runs
   * is not to be read ({@code podSources} false), only the DaemonSet Calico's facts describe is, and those that would
   * be chosen before it ({@link CalicoReader#readChosenPlacement}): usually one GET, not one per candidate.
   */
  private CalicoReader.Observation calico(HybridNetworkSpec spec, CalicoFacts placementOnly, boolean podSources,
      ClusterReads cluster) {
    if (placementOnly != null && !podSources) {
      return new CalicoReader(SpeculativeReads.none(cluster)).readChosenPlacement(spec.onPremisesCni(),
          placementOnly);
    }
    Set<KubeObject> objects = new LinkedHashSet<>();
    CniDetectors.calicoNodeReads().stream()
        .filter(o -> placementOnly == null || o.kind() == KubeObject.Kind.DAEMON_SET).forEach(objects::add);
    if (placementOnly != null && placementOnly.daemonSet() != null && placementOnly.daemonSet().ref().equals(
        WorkloadRef.daemonSet(CalicoReader.MANIFEST_NAMESPACE, CalicoReader.CALICO_NODE))) {
      // Canal's DaemonSet is looked at only when the manifest's calico-node is absent (CalicoReader takes the first
      // of the two): with calico-node seen a moment ago, it is read only if calico-node is gone now.
      objects.remove(KubeObject.daemonSet(CalicoReader.MANIFEST_NAMESPACE, CalicoReader.CANAL_DAEMON_SET));
    }
    WorkloadRef named = spec.onPremisesCni();
    if (named != null && named.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION && placementOnly == null) {
      objects.add(KubeObject.tigeraInstallation(named.name()));
    } else if (named != null && named.kind() == WorkloadRef.Kind.DAEMON_SET) {
      objects.add(KubeObject.daemonSet(named.namespace(), named.name()));
    }
    SpeculativeReads reads = SpeculativeReads.start(cluster, executor, objects);
    try {
      CalicoReader reader = new CalicoReader(reads);
      CalicoReader.Observation seen = placementOnly != null ? reader.readPlacement(named, placementOnly)
          : reader.read(named);
      reads.settle();
      return seen;
    } catch (RuntimeException e) {
      reads.cancelPending();
      throw e;
    }
  }

  private KubernetesFacts refreshed(HybridNetworkSpec spec, KubernetesFacts previous, FactScope scope,
      Future<SecretFacts> secretFuture, Future<DaemonSet> terwayFuture, CalicoReader.Observation calicoSeen,
      List<Future<?>> started, ClusterReads cluster) {
    SecretFacts secret = secretFuture == null ? previous.secret() : await(secretFuture);
    TerwayFacts terway = terwayFuture == null ? previous.terway() : TerwayReader.facts(await(terwayFuture));
    CniFacts cni = calicoSeen == null ? previous.cni() : previous.cni().withCalico(calicoSeen.facts());
    List<NodeInfo> nodeInfos = previous.nodes();
    if (scope.nodes()) {
      Set<String> labelKeys = labelKeys(spec, cni, terway == null ? null : terway.daemonSet());
      Future<List<NodeReader.SeenNode>> nodesFuture =
          track(started, () -> cluster.nodes(CompletableFuture.completedFuture(labelKeys)));
      Set<String> calicoNodes = new TreeSet<>();
      if (scope.calicoPods()) {
        List<Future<Set<String>>> calicoPods = new ArrayList<>();
        for (DaemonSet ds : calicoSeen.daemonSets()) {
          calicoPods.add(track(started, () -> cluster.nodesRunning(NodeReader.PodSource.of(ds))));
        }
        for (Future<Set<String>> f : calicoPods) {
          calicoNodes.addAll(await(f));
        }
      } else {
        // Not read: no fact of the scope is computed from where Calico runs. A node seen before keeps what the
        // previous observation said of it, a new one reads as not running Calico.
        previous.nodes().stream().filter(NodeInfo::runsCalico).forEach(n -> calicoNodes.add(n.name()));
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
    cni.workloads().forEach(w -> placements.add(w.placement()));
    if (cni.calico() != null && cni.calico().installation() != null) {
      placements.add(cni.calico().installation().calicoNodePlacement());
    }
    if (terway != null) {
      placements.add(terway.placement());
    }
    placements.forEach(p -> keys.addAll(Placements.labelKeys(p)));
    return keys;
  }

  private static <T> T await(Future<T> future) {
    return SpeculativeReads.await(future);
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
    private ClusterReads reads;

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

    /**
     * Where the observer reads the cluster; default the API server through the client ({@link ClusterReads#live}).
     * {@link ClusterCache} gives its stores, so that a cached observation builds its facts with this same code.
     */
    Builder reads(ClusterReads value) {
      this.reads = Objects.requireNonNull(value, "reads");
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
