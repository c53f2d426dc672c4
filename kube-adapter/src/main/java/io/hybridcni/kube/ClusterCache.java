package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.hybridcni.detect.CniDetectors;
import io.hybridcni.detect.KubeObject;
import io.hybridcni.detect.OwnedWorkload;
import io.hybridcni.error.HybridCniException;
import io.hybridcni.kube.ListedObjects.ListedNode;
import io.hybridcni.kube.ListedObjects.ListedPod;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.port.NetworkStatusObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.status.Cni;
import io.hybridcni.status.CniPod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects one spec's observation reads, held by fabric8 informers (one list, then a watch each), so that the
 * controller re-plans from memory: {@link #observer()} gives exactly the facts {@link KubernetesObserver#observe}
 * gives (it is that observer, reading the stores instead of the API server, {@link ClusterReads}) and, once
 * {@link #synced()}, makes no API call at all.
 *
 * <p>What is watched is what the live observer reads: every object a CNI detector names, Terway's DaemonSets, the
 * DaemonSet or Installation the spec names and ACK's cluster profile. Their DaemonSets and ConfigMaps are watched
 * with one watch per namespace and kind, whose store keeps only the named ones ({@link NamedItemStore}) and whose
 * other objects' changes call no one: a field selector takes one {@code metadata.name} only, so a watch per name
 * would hold one connection per object (16 of a cluster's 24), and a fleet keeps one cache per member. The
 * Installation, the spec's Secret (never a namespace's every Secret) and its Namespace are watched by
 * {@code metadata.name} field selector; every
 * IPPool (the observer reads them all); every node, each held as a small record (name, labels,
 * {@code spec.providerID}: {@link ReducedStateItemStore}); and the pods of each namespace where a CNI DaemonSet of
 * the registry ({@link CniDetectors#workloads()}), Terway's or the one the spec names may run, as small records
 * (labels, {@code spec.nodeName}, {@code status.phase} and the health {@code status} judges: {@link HealthStatus}),
 * matched against the DaemonSet's own selector in memory ({@link LabelSelectors}). The pods are watched per
 * namespace rather than by a label selector because the selector that counts is the DaemonSet's, known only once it
 * is read and free to change. An object a read names that nothing holds yet (a ConfigMap an environment variable of
 * calico-node points to) gets a watch of its own, by name, on first read, which lists it once; from then on it is
 * watched like the others.
 *
 * <p>A 404 of the live observer is "no such object in the store" here: the same fact. A list refused for a missing
 * CRD (IPPools, the Installation) reads as no object, and keeps being retried, so that a CRD installed later is
 * seen. A refused list (403) does not block {@link #awaitSynced} beyond its timeout: the read that needs the object
 * throws the {@link io.hybridcni.error.RemoteCallException} the live read would have thrown, naming the verb,
 * resource and namespace. Informers need {@code list} and {@code watch} on each resource
 * ({@code io/hybridcni/kube/hybridcni-cache-clusterrole.yaml}). A watch that fails after it synced (a permission
 * revoked, a server away) keeps its last store while fabric8 retries it, and reads answer from that store: the
 * cache does not tell a lagging watch from a current one, which is one more reason apply's re-checks read live.
 *
 * <p>{@link #statusObserver()} reads the running network ({@code status}: the CNI DaemonSets and the health of
 * their pods) from the same stores, and makes no API call once synced either.
 *
 * <p>A change of a watched object that its facts can show calls every {@link #onChange} listener: an add or delete,
 * an update with a new {@code resourceVersion}, and for nodes and pods only a change of the small record (a node's
 * status heartbeat, which the kubelet writes every {@code nodeStatusUpdateFrequency} (10 s) when its status changed
 * and at least every {@code nodeStatusReportFrequency} (5 min) with only a new {@code lastHeartbeatTime}, and a
 * pod's status churn change nothing the facts read, and call no one: a pod's health is held for the status, but
 * only its readiness changes rounds, through its DaemonSet's {@code numberReady}, which the DaemonSet controller
 * writes and the DaemonSet's watch hears; a restart count or waiting reason alone shows at the next round). The
 * first listing's adds call the listeners too; the controller debounces. Informers are started without resync.
 *
 * <p>The objects watched follow from the spec (its Secret's namespace and name, the workload it names): a changed
 * spec needs a new cache; {@link #observer()} refuses a spec that names other objects. The cache holds the Secret
 * as the API server gives it, values included, in memory only; its values are hashed into {@code SecretFacts} as the
 * live observer hashes them and never logged.
 */
public final class ClusterCache implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterCache.class);

  /** Default time a read waits for a watch that has not listed its objects yet. */
  public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final HybridNetworkSpec spec;
  private final long pageSize;
  private final Duration syncTimeout;
  private final Map<String, Watch<?>> watches = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final KubernetesObserver observer;
  private final ClusterObserver cachedObserver;
  private final KubernetesStatusObserver cachedStatus;

  private ClusterCache(Builder b) {
    this.client = b.client;
    this.spec = b.spec;
    this.pageSize = b.pageSize;
    this.syncTimeout = b.syncTimeout;
    Set<KubeObject> objects = objectsOf(spec);
    namedByNamespace(objects).forEach(this::namespaceWatch);
    for (KubeObject object : objects) {
      if (group(object.kind(), object.namespace(), object.name()) == null) {
        watchOf(object);
      }
    }
    secretWatch(spec.secretNamespace(), spec.secretName());
    namespaceWatch(spec.secretNamespace());
    nodeWatch();
    podNamespaces(spec.onPremisesCni()).forEach(this::podWatch);
    // One thread is enough for reads that answer from memory; the observation's tasks never wait on each other in
    // an order one thread could not serve (the nodes wait for the label keys, which the calling thread gives).
    this.observer = KubernetesObserver.builder(client).parallelism(1).reads(new CachedReads()).build();
    this.cachedObserver = new CachedObserver();
    this.cachedStatus = new KubernetesStatusObserver(new CachedStatusReads());
  }

  /** A cache of what observing {@code spec} reads through {@code client}; the caller keeps the client. */
  public static Builder builder(KubernetesClient client, HybridNetworkSpec spec) {
    return new Builder(Objects.requireNonNull(client, "client"), Objects.requireNonNull(spec, "spec"));
  }

  /** Starts every watch; returns at once (see {@link #awaitSynced}). Starting twice starts nothing more. */
  public ClusterCache start() {
    if (closed.get()) {
      throw new IllegalStateException("this ClusterCache is closed");
    }
    if (started.compareAndSet(false, true)) {
      watches.values().forEach(Watch::start);
    }
    return this;
  }

  /**
   * Whether every watch has listed its objects and is watching them (a CRD that is not installed counts as synced:
   * no objects); from then on an observation reads nothing from the API server.
   */
  public boolean synced() {
    return started.get() && watches.values().stream().allMatch(Watch::synced);
  }

  /** What has not listed its objects yet, each as the live read names it (e.g. {@code list nodes}); empty once synced. */
  public List<String> unsynced() {
    return watches.values().stream().filter(w -> !started.get() || !w.synced()).map(w -> w.list.address()).sorted()
        .toList();
  }

  /**
   * Waits until {@link #synced()}, at most {@code timeout}; {@code false} when it did not get there (a watch whose
   * list is refused keeps being retried, and {@link #observer()}'s reads that need it say why).
   */
  public boolean awaitSynced(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!synced()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      pause(Math.min(Duration.ofMillis(10).toNanos(), left));
    }
    return true;
  }

  /**
   * Calls {@code listener} after each change of a watched object that the facts can show (see the class comment),
   * on the informers' event thread: it should only note that something changed (the controller debounces). Closing
   * the answer unsubscribes. Fits the controller's {@code ChangeSource} as {@code cache::onChange}.
   */
  public AutoCloseable onChange(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * The cluster as the stores hold it, for planning. Its {@code refresh} is a whole cached observation: apply's
   * re-check before a write must not use this observer, but a live {@link KubernetesObserver}, because a cache
   * lags the API server by the watch's delay (and longer while a watch reconnects) and a re-check exists to catch
   * exactly the change that happened since the plan was made; a write carries the read {@code resourceVersion} so a
   * lagging read would at best cost a 409, at worst confirm a fact that no longer holds.
   */
  public ClusterObserver observer() {
    return cachedObserver;
  }

  /**
   * The running network as the stores hold it, for the status of each round: the same judgement as a
   * {@link KubernetesStatusObserver} on the client, read from memory (zero API calls once synced). Give it the facts
   * of {@link #observer()}: the DaemonSets and pods it reads are those the cache watches. What verifies a repair
   * must read live instead: a cache may not have seen the rollout the repair just started.
   */
  public NetworkStatusObserver statusObserver() {
    return cachedStatus;
  }

  /** Stops every informer. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      watches.values().forEach(Watch::stop);
      observer.close();
    }
  }

  /** How many watches the cache holds (for tests: one per object of interest). */
  int watchCount() {
    return watches.size();
  }

  /**
   * Every object the observation reads before deciding, every CNI DaemonSet whose status and pods {@code status}
   * reads (each detector's reads name them already; listed again so that the status never depends on that), plus
   * ACK's cluster profile.
   */
  private static Set<KubeObject> objectsOf(HybridNetworkSpec spec) {
    Set<KubeObject> objects = new LinkedHashSet<>(KubernetesObserver.candidates(spec.onPremisesCni()));
    CniDetectors.workloads().stream().map(OwnedWorkload::object)
        .filter(o -> o.kind() == KubeObject.Kind.DAEMON_SET).forEach(objects::add);
    objects.add(KubeObject.configMap(ClusterIdentity.PROFILE_NAMESPACE, ClusterIdentity.PROFILE_NAME));
    return objects;
  }

  /**
   * The namespaces of the DaemonSets whose pods the observation lists (calico-node's, Terway's, the named one) and
   * whose pods {@code status} reads: every CNI DaemonSet of the registry (Flannel's {@code kube-flannel} among them).
   */
  static Set<String> podNamespaces(WorkloadRef named) {
    Set<String> namespaces = new TreeSet<>();
    CniDetectors.workloads().stream().filter(w -> w.object().kind() == KubeObject.Kind.DAEMON_SET)
        .forEach(w -> namespaces.add(w.object().namespace()));
    TerwayReader.WORKLOADS.forEach(w -> namespaces.add(w.object().namespace()));
    if (named != null && named.kind() == WorkloadRef.Kind.DAEMON_SET) {
      namespaces.add(named.namespace());
    }
    return namespaces;
  }

  /** A namespace's DaemonSets or ConfigMaps, watched as one ({@link #namespaceWatch}). */
  record Group(KubeObject.Kind kind, String namespace) {
    /** The key of its watch: {@code daemonsets/<namespace>} or {@code configmaps/<namespace>}. */
    String key() {
      return (kind == KubeObject.Kind.DAEMON_SET ? "daemonsets/" : "configmaps/") + namespace;
    }
  }

  /**
   * The named DaemonSets and ConfigMaps of {@code objects} by namespace and kind: each group is one namespace-wide
   * watch ({@link #namespaceWatch}) instead of one watch per name.
   */
  static Map<Group, Set<String>> namedByNamespace(Set<KubeObject> objects) {
    Map<Group, Set<String>> groups = new LinkedHashMap<>();
    for (KubeObject o : objects) {
      if (o.kind() == KubeObject.Kind.DAEMON_SET || o.kind() == KubeObject.Kind.CONFIG_MAP) {
        groups.computeIfAbsent(new Group(o.kind(), o.namespace()), k -> new TreeSet<>()).add(o.name());
      }
    }
    return groups;
  }

  /**
   * One watch of every DaemonSet or ConfigMap of a namespace, holding only {@code names} ({@link NamedItemStore})
   * and calling the listeners only for them.
   */
  private void namespaceWatch(Group group, Set<String> names) {
    String namespace = group.namespace();
    Set<String> held = Set.copyOf(names);
    if (group.kind() == KubeObject.Kind.DAEMON_SET) {
      watch(group.key(), () -> new Watch<>(KubeOperation.list("apps", "daemonsets", namespace), false,
          client.apps().daemonSets().inNamespace(namespace).withLimit(pageSize), new NamedItemStore<>(held), held,
          Watch::newVersion));
    } else {
      watch(group.key(), () -> new Watch<>(KubeOperation.list("", "configmaps", namespace), false,
          client.configMaps().inNamespace(namespace).withLimit(pageSize), new NamedItemStore<>(held), held,
          Watch::newVersion));
    }
  }

  /** The namespace-wide watch that holds {@code namespace/name} of {@code kind}, or {@code null}. */
  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> Watch<T> group(KubeObject.Kind kind, String namespace, String name) {
    Watch<?> group = watches.get(new Group(kind, namespace).key());
    return group != null && group.holds(name) ? (Watch<T>) group : null;
  }

  /** The watch that holds DaemonSet {@code namespace/name}: its namespace's, or one of its own (started on demand). */
  private Watch<DaemonSet> daemonSetHolder(String namespace, String name) {
    Watch<DaemonSet> group = group(KubeObject.Kind.DAEMON_SET, namespace, name);
    return group != null ? group : daemonSetWatch(namespace, name);
  }

  /** The watch that holds ConfigMap {@code namespace/name}: its namespace's, or one of its own (started on demand). */
  private Watch<ConfigMap> configMapHolder(String namespace, String name) {
    Watch<ConfigMap> group = group(KubeObject.Kind.CONFIG_MAP, namespace, name);
    return group != null ? group : configMapWatch(namespace, name);
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> Watch<T> watch(String key, Supplier<Watch<T>> create) {
    Watch<?> w = watches.get(key);
    if (w == null) {
      w = watches.computeIfAbsent(key, k -> {
        Watch<T> created = create.get();
        if (started.get() && !closed.get()) {
          created.start();
        }
        return created;
      });
    }
    return (Watch<T>) w;
  }

  private Watch<?> watchOf(KubeObject object) {
    return switch (object.kind()) {
      case CONFIG_MAP -> configMapWatch(object.namespace(), object.name());
      case DAEMON_SET -> daemonSetWatch(object.namespace(), object.name());
      case TIGERA_INSTALLATION -> installationWatch(object.name());
      case IP_POOLS -> ipPoolWatch();
    };
  }

  private Watch<ConfigMap> configMapWatch(String namespace, String name) {
    return watch("configmaps/" + namespace + "/" + name, () -> new Watch<>(KubeOperation.list("", "configmaps",
        namespace), false, client.configMaps().inNamespace(namespace).withName(name), null, Watch::newVersion));
  }

  private Watch<DaemonSet> daemonSetWatch(String namespace, String name) {
    return watch("daemonsets/" + namespace + "/" + name, () -> new Watch<>(KubeOperation.list("apps",
        "daemonsets", namespace), false, client.apps().daemonSets().inNamespace(namespace).withName(name), null,
        Watch::newVersion));
  }

  private Watch<GenericKubernetesResource> installationWatch(String name) {
    return watch("installations/" + name, () -> new Watch<>(KubeOperation.list(
        Resources.TIGERA_INSTALLATIONS.getGroup(), "installations", null), true,
        client.genericKubernetesResources(Resources.TIGERA_INSTALLATIONS).withName(name), null, Watch::newVersion));
  }

  private Watch<GenericKubernetesResource> ipPoolWatch() {
    return watch("ippools", () -> new Watch<>(KubeOperation.list(Resources.CALICO_IP_POOLS.getGroup(), "ippools",
        null), true, client.genericKubernetesResources(Resources.CALICO_IP_POOLS).withLimit(pageSize), null,
        Watch::newVersion));
  }

  private Watch<Secret> secretWatch(String namespace, String name) {
    return watch("secrets/" + namespace + "/" + name, () -> new Watch<>(KubeOperation.list("", "secrets",
        namespace), false, client.secrets().inNamespace(namespace).withName(name), null, Watch::newVersion));
  }

  private Watch<Namespace> namespaceWatch(String name) {
    return watch("namespaces/" + name, () -> new Watch<>(KubeOperation.list("", "namespaces", null), false,
        client.namespaces().withName(name), null, Watch::newVersion));
  }

  /**
   * Every node as a small record: name, labels, {@code spec.providerID}; a heartbeat changes none of them. Any label
   * counts (the labels an observation keeps depend on the placements it reads, so the cache cannot know them
   * beforehand); a label change is rare next to the heartbeats.
   */
  private Watch<ListedNode> nodeWatch() {
    return watch("nodes", () -> new Watch<>(KubeOperation.list("", "nodes", null), false,
        client.resources(ListedNode.class).withLimit(pageSize),
        new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, ListedNode.class,
            client.getKubernetesSerialization(), "metadata.labels", "spec.providerID"),
        (a, b) -> !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
            || !Objects.equals(a.providerId(), b.providerId())));
  }

  /**
   * The pods of {@code namespace} as small records: labels, node, phase, and the health {@code status} judges
   * ({@link HealthStatus}, each of its fields a value of the record: no conditions or container statuses are held).
   * Only a change of the labels, the node or whether the pod still counts as running there
   * ({@link NodeReader#running}: Pending to Running does not, Running to Failed does) is a change: readiness and
   * container status churn are held for the status, but call no one (see the class comment).
   */
  private Watch<ListedPod> podWatch(String namespace) {
    return watch("pods/" + namespace, () -> new Watch<>(KubeOperation.list("", "pods", namespace), false,
        client.resources(ListedPod.class).inNamespace(namespace).withLimit(pageSize),
        new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, ListedPod.class,
            client.getKubernetesSerialization(), "metadata.labels", "spec.nodeName", "status.phase",
            "status.health.ready", "status.health.restarts", "status.health.waitingReason",
            "status.health.waitingImage"),
        (a, b) -> !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
            || !Objects.equals(a.nodeName(), b.nodeName())
            || NodeReader.running(a.nodeName(), a.phase()) != NodeReader.running(b.nodeName(), b.phase())));
  }

  private void changed(String what) {
    LOG.debug("{} changed", what);
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        // One listener's failure must not keep the others from hearing of the change, nor stop the informer.
        LOG.warn("a change listener failed on a change of {}", what, e);
      }
    }
  }

  private static void pause(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HybridCniException("Interrupted while waiting for the cluster cache to sync", e);
    }
  }

  /**
   * One informer and what the cache knows of its health: the last failure its list or watch reported, kept until it
   * lists again. Its store answers only once it has listed; before, a read waits for it (at most the sync
   * timeout), and a read of a watch whose last list failed throws that failure as the live read would.
   */
  private final class Watch<T extends HasMetadata> {
    private final KubeOperation list;
    private final boolean absentWhenNotFound;
    private final SharedIndexInformer<T> informer;
    private final AtomicReference<KubernetesClientException> error = new AtomicReference<>();
    private final AtomicReference<String> lastLogged = new AtomicReference<>();
    private final AtomicBoolean watched = new AtomicBoolean();

    /** The names of a namespace-wide watch's objects of interest; {@code null}: every object it lists. */
    private final Set<String> names;

    Watch(KubeOperation list, boolean absentWhenNotFound, Informable<T> source,
        ItemStore<T> store, BiPredicate<T, T> changed) {
      this(list, absentWhenNotFound, source, store, null, changed);
    }

    /**
     * {@code names} non-null: a namespace-wide watch that holds, and hears changes of, only the objects so named
     * (its {@code store} a {@link NamedItemStore} of them).
     */
    Watch(KubeOperation list, boolean absentWhenNotFound, Informable<T> source,
        ItemStore<T> store, Set<String> names, BiPredicate<T, T> changed) {
      this.list = list;
      this.absentWhenNotFound = absentWhenNotFound;
      this.names = names;
      this.informer = source.runnableInformer(0);
      if (store != null) {
        informer.itemStore(store);
      }
      if (names != null) {
        // The namespace index would keep the key of every object the watch lists, held or not; nothing reads it.
        informer.removeNamespaceIndex();
      }
      informer.exceptionHandler(this::failed);
      informer.addEventHandler(new ResourceEventHandler<T>() {
        @Override
        public void onAdd(T obj) {
          if (holds(obj)) {
            changed(describe(obj));
          }
        }

        @Override
        public void onUpdate(T before, T after) {
          if (holds(after) && changed.test(before, after)) {
            changed(describe(after));
          }
        }

        @Override
        public void onDelete(T obj, boolean finalStateUnknown) {
          if (holds(obj)) {
            changed(describe(obj));
          }
        }
      });
    }

    /** Whether this watch holds the object named {@code name} (a by-name watch holds what it lists). */
    boolean holds(String name) {
      return names == null || names.contains(name);
    }

    private boolean holds(T obj) {
      return holds(obj.getMetadata().getName());
    }

    /** An update that is not a resync: the object has a new {@code resourceVersion}. */
    static <T extends HasMetadata> boolean newVersion(T before, T after) {
      return !Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
    }

    private String describe(T obj) {
      String ns = obj.getMetadata().getNamespace();
      return list.qualifiedResource() + " " + (ns == null ? "" : ns + "/") + obj.getMetadata().getName();
    }

    /**
     * fabric8 calls this for every failed list or watch; answering {@code true} retries with its backoff. Every
     * failure is retried (a permission granted or a CRD installed later heals the watch) but one that cannot be
     * read as an object at all.
     */
    private boolean failed(boolean isStarted, Throwable t) {
      KubernetesClientException e = answer(t);
      error.set(e);
      if (!(absentWhenNotFound && KubeOperation.notFound(e))) {
        String message = list.failure(e, Redaction.NONE).getMessage();
        if (!message.equals(lastLogged.getAndSet(message))) {
          LOG.warn("watching {} failed, retrying: {}", list.address(), message);
        }
      }
      // A closed cache retries nothing: its informers were told to stop while a list or watch was in flight.
      return !closed.get() && !ExceptionHandler.isDeserializationException(t);
    }

    /**
     * The server's answer inside what the informer reports: fabric8 wraps the failed list's exception (which carries
     * the HTTP code) in a CompletionException and that again in a KubernetesClientException without a code.
     */
    private static KubernetesClientException answer(Throwable t) {
      KubernetesClientException first = null;
      for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
        KubernetesClientException k = c instanceof KubernetesClientException e ? e
            : c instanceof WatcherException w ? w.asClientException() : null;
        if (k != null && k.getCode() > 0) {
          return k;
        }
        if (first == null && k != null) {
          first = k;
        }
      }
      return first != null ? first : new KubernetesClientException(String.valueOf(t.getMessage()), t);
    }

    void start() {
      informer.start();
    }

    void stop() {
      informer.stop();
    }

    /**
     * Listed and watching (so that a change from now on is heard), or absent with its CRD. Once it watched, a
     * reconnect (a real server ends each watch after its {@code timeoutSeconds}) does not make it unsynced again:
     * readiness must not flap every few minutes, and the store still holds what it last saw.
     */
    boolean synced() {
      if (informer.hasSynced() && (watched.get() || informer.isWatching())) {
        watched.set(true);
        return true;
      }
      return absentWhenNotFound && notFound();
    }

    private boolean notFound() {
      KubernetesClientException e = error.get();
      return e != null && KubeOperation.notFound(e);
    }

    /** The objects held, once listed; see the class comment for what a read does before that. */
    List<T> items() {
      if (!started.get()) {
        throw new IllegalStateException("the ClusterCache is not started: call start() first");
      }
      long deadline = System.nanoTime() + syncTimeout.toNanos();
      while (!informer.hasSynced()) {
        KubernetesClientException e = error.get();
        if (e != null && absentWhenNotFound && KubeOperation.notFound(e)) {
          return List.of(); // the CRD is not installed
        }
        if (e != null) {
          throw list.failure(e, Redaction.NONE);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new HybridCniException("The cluster cache has not listed " + list.address() + " within "
              + syncTimeout + ": the API server did not answer the list");
        }
        pause(Math.min(Duration.ofMillis(5).toNanos(), left));
      }
      return informer.getStore().list();
    }

    /** The one object of a by-name watch, or {@code null}. */
    T one(String namespace, String name) {
      for (T item : items()) {
        if (Objects.equals(item.getMetadata().getName(), name)
            && (namespace == null || namespace.equals(item.getMetadata().getNamespace()))) {
          return item;
        }
      }
      return null;
    }
  }

  /**
   * An informer's store that keeps only the objects named {@code names} of what its namespace-wide watch lists. To
   * fabric8's informer ({@code ProcessorStore}) an object this store drops is one it never held: its every event reads
   * as an add, which {@link Watch}'s handler does not pass on, and a relist's removal of objects no longer listed
   * only looks at the keys held.
   */
  static final class NamedItemStore<T extends HasMetadata> extends BasicItemStore<T> {
    private final Set<String> names;

    NamedItemStore(Set<String> names) {
      super(Cache::metaNamespaceKeyFunc);
      this.names = Set.copyOf(names);
    }

    @Override
    public T put(String key, T obj) {
      return names.contains(obj.getMetadata().getName()) ? super.put(key, obj) : null;
    }
  }

  /** The observation's reads, answered from the stores. */
  private final class CachedReads implements ClusterReads {

    @Override
    public DaemonSet daemonSet(String namespace, String name) {
      return daemonSetHolder(namespace, name).one(namespace, name);
    }

    @Override
    public ConfigMap configMap(String namespace, String name) {
      return configMapHolder(namespace, name).one(namespace, name);
    }

    @Override
    public GenericKubernetesResource installation(String name) {
      return installationWatch(name).one(null, name);
    }

    @Override
    public List<IpPool> ipPools() {
      return CalicoReader.ipPools(ipPoolWatch().items());
    }

    @Override
    public Secret secret(String namespace, String name) {
      return secretWatch(namespace, name).one(namespace, name);
    }

    @Override
    public boolean namespaceExists(String name) {
      return namespaceWatch(name).one(null, name) != null;
    }

    @Override
    public List<NodeReader.SeenNode> nodes(Future<Set<String>> labelKeys) {
      List<ListedNode> items = nodeWatch().items();
      Set<String> keep = NodeReader.kept(labelKeys);
      List<NodeReader.SeenNode> nodes = new ArrayList<>(items.size());
      for (ListedNode n : items) {
        nodes.add(NodeReader.seen(n.getMetadata().getName(), n.getMetadata().getLabels(), n.providerId(), keep));
      }
      nodes.sort(Comparator.comparing(NodeReader.SeenNode::name));
      return nodes;
    }

    @Override
    public Set<String> nodesRunning(NodeReader.PodSource source) {
      Set<String> names = new TreeSet<>();
      if (source.selector() == null) {
        return names;
      }
      for (ListedPod pod : podWatch(source.namespace()).items()) {
        if (LabelSelectors.matches(source.selector(), pod.getMetadata().getLabels())
            && NodeReader.running(pod.nodeName(), pod.phase())) {
          names.add(pod.nodeName());
        }
      }
      return names;
    }
  }

  /** {@link #statusObserver()}'s reads: the DaemonSets and the pods' small records from the stores. */
  private final class CachedStatusReads implements KubernetesStatusObserver.Reads {

    @Override
    public DaemonSet daemonSet(String namespace, String name) {
      return daemonSetHolder(namespace, name).one(namespace, name);
    }

    /** In name order, as the API server lists a namespace's pods (by their key in its storage). */
    @Override
    public List<CniPod> pods(String namespace, LabelSelector selector, WorkloadRef ds, Cni cni) {
      List<CniPod> pods = new ArrayList<>();
      for (ListedPod pod : podWatch(namespace).items()) {
        if (LabelSelectors.matches(selector, pod.getMetadata().getLabels())) {
          pods.add(KubernetesStatusObserver.pod(pod.getMetadata().getName(), pod.nodeName(), pod.phase(),
              pod.health(), ds, cni));
        }
      }
      pods.sort(Comparator.comparing(CniPod::name));
      return pods;
    }
  }

  /** {@link #observer()}: the live observer's code over the stores, for the spec the cache watches. */
  private final class CachedObserver implements ClusterObserver {

    @Override
    public KubernetesFacts observe(HybridNetworkSpec asked) {
      Map<String, Object> watched = targets(spec);
      Map<String, Object> wanted = targets(asked);
      if (!watched.equals(wanted)) {
        throw new IllegalArgumentException("This ClusterCache watches the objects of another spec (" + watched
            + "), not " + wanted + ": build a new ClusterCache for the changed spec");
      }
      return observer.observe(asked);
    }

    /** A whole cached observation: reading memory costs nothing, and it is what planning wants. */
    @Override
    public KubernetesFacts refresh(HybridNetworkSpec asked, KubernetesFacts previous, FactScope scope) {
      return scope.touchesKubernetes() ? observe(asked) : previous;
    }

    private static Map<String, Object> targets(HybridNetworkSpec s) {
      Map<String, Object> targets = new LinkedHashMap<>();
      targets.put("secret", s.secretNamespace() + "/" + s.secretName());
      targets.put("onPremisesCni", String.valueOf(s.onPremisesCni()));
      return targets;
    }
  }

  /** Builds a {@link ClusterCache}; every setting has a default. */
  public static final class Builder {
    private final KubernetesClient client;
    private final HybridNetworkSpec spec;
    private long pageSize = KubernetesObserver.DEFAULT_PAGE_SIZE;
    private Duration syncTimeout = DEFAULT_SYNC_TIMEOUT;

    private Builder(KubernetesClient client, HybridNetworkSpec spec) {
      this.client = client;
      this.spec = spec;
    }

    /**
     * The {@code limit} of one page when a watch lists nodes, pods or IPPools. Default
     * {@value KubernetesObserver#DEFAULT_PAGE_SIZE}; at least 1.
     */
    public Builder pageSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("pageSize must be at least 1, found " + value);
      }
      this.pageSize = value;
      return this;
    }

    /**
     * How long a read waits for a watch that has not listed its objects yet (and has not failed) before it fails.
     * Default 30 s; positive.
     */
    public Builder syncTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("syncTimeout must be positive, found " + value);
      }
      this.syncTimeout = value;
      return this;
    }

    /** The configured cache, not started yet ({@link ClusterCache#start()}). */
    public ClusterCache build() {
      return new ClusterCache(this);
    }
  }
}
