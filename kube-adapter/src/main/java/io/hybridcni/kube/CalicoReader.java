package io.hybridcni.kube;

import static io.hybridcni.kube.Placements.list;
import static io.hybridcni.kube.Placements.map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.TigeraInstallation;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.WorkloadRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what the cluster shows of Calico: IPPools, the {@code calico-config} ConfigMap, the calico-node
 * DaemonSet (manifest install in {@code kube-system}, or Canal's {@code kube-system/canal}; operator install in
 * {@code calico-system}) with its container environment, and the Tigera {@code Installation}. A missing CRD or namespace reads as absent.
 */
final class CalicoReader {

  static final String MANIFEST_NAMESPACE = "kube-system";
  static final String OPERATOR_NAMESPACE = "calico-system";
  static final String CALICO_NODE = "calico-node";
  static final String DEFAULT_INSTALLATION = "default";
  /** Canal's DaemonSet (Calico's {@code manifests/canal.yaml}), which runs calico-node next to flanneld. */
  static final String CANAL_DAEMON_SET = "canal";
  /**
   * The calico-node variables read: the default pool's encapsulation, the networking backend, and the datastore
   * ({@code DATASTORE_TYPE}, {@code ETCD_ENDPOINTS}: projectcalico/calico manifests/calico.yaml sets
   * DATASTORE_TYPE kubernetes, manifests/calico-etcd.yaml sets no DATASTORE_TYPE and ETCD_ENDPOINTS from
   * calico-config's etcd_endpoints).
   */
  static final Set<String> ENV = Set.of("CALICO_IPV4POOL_IPIP", "CALICO_IPV4POOL_VXLAN", "CALICO_NETWORKING_BACKEND",
      "DATASTORE_TYPE", "ETCD_ENDPOINTS");

  /** The facts, and every calico-node DaemonSet found (their pods tell where Calico runs). */
  record Observation(CalicoFacts facts, List<DaemonSet> daemonSets) {
    static final Observation NONE = new Observation(null, List.of());
  }

  private final SpeculativeReads reads;
  private final DaemonSets daemonSets;

  CalicoReader(SpeculativeReads reads) {
    this.reads = reads;
    this.daemonSets = new DaemonSets(reads);
  }

  /**
   * @param named the workload the spec names as the on-premises CNI, or {@code null}
   */
  Observation read(WorkloadRef named) {
    List<IpPool> pools = reads.ipPools();
    ConfigMap config = daemonSets.configMap(MANIFEST_NAMESPACE, "calico-config");
    String backend = config == null || config.getData() == null ? null : config.getData().get("calico_backend");
    String installationName = named != null && named.kind() == WorkloadRef.Kind.TIGERA_INSTALLATION
        ? named.name() : DEFAULT_INSTALLATION;
    TigeraInstallation installation = installation(installationName);

    CalicoNodes nodes = calicoNodes(named, installation != null);
    DaemonSet chosen = nodes.chosen();
    if (pools.isEmpty() && config == null && chosen == null && installation == null) {
      return Observation.NONE;
    }
    Map<String, String> env = chosen == null ? Map.of()
        : daemonSets.env(chosen, DaemonSets.container(chosen, CALICO_NODE), ENV);
    return new Observation(new CalicoFacts(pools, backend, env, DaemonSets.workload(chosen), installation),
        nodes.found());
  }

  /**
   * Only what Calico's placement and the nodes it runs on are computed from: its candidate DaemonSets (the
   * manifest's, Canal's, the operator's and the one {@code named}), chosen as {@link #read} chooses them. The rest
   * of {@code previous} (IPPools, {@code calico-config}'s backend, calico-node's environment, the Installation) is
   * kept: no fact of a placement or a node fingerprint is computed from it, and it is what decides the mode, which
   * an apply does not re-decide between two actions. {@code previous}'s Installation still decides whether the
   * operator's DaemonSet is the one Calico runs as; a re-check that names the Installation reads it with
   * {@link #read}.
   */
  Observation readPlacement(WorkloadRef named, CalicoFacts previous) {
    CalicoNodes nodes = calicoNodes(named, previous.installation() != null);
    return new Observation(previous.withDaemonSet(DaemonSets.workload(nodes.chosen())), nodes.found());
  }

  /**
   * Only Calico's placement, for a re-check that does not read where Calico runs: the one calico-node DaemonSet
   * {@link #read} would choose, read in the order that decides the choice ({@link #choiceOrder}, with
   * {@code previous}'s Installation), and nothing after the first that exists. The observation's DaemonSets are then none: their pods are not to be listed.
   */
  Observation readChosenPlacement(WorkloadRef named, CalicoFacts previous) {
    DaemonSet chosen = null;
    for (WorkloadRef candidate : choiceOrder(named, previous.installation() != null)) {
      chosen = daemonSets.get(candidate.namespace(), candidate.name());
      if (chosen != null) {
        break;
      }
    }
    return new Observation(previous.withDaemonSet(DaemonSets.workload(chosen)), List.of());
  }

  /**
   * The calico-node DaemonSets in the order that decides which one Calico's facts describe, the first that exists:
   * the one {@code named}; with an Installation, the operator's; the manifest's, else Canal's (which runs calico-node
   * next to flanneld); the operator's.
   */
  private static List<WorkloadRef> choiceOrder(WorkloadRef named, boolean installed) {
    Set<WorkloadRef> order = new LinkedHashSet<>();
    if (named != null && named.kind() == WorkloadRef.Kind.DAEMON_SET) {
      order.add(named);
    }
    WorkloadRef operator = WorkloadRef.daemonSet(OPERATOR_NAMESPACE, CALICO_NODE);
    if (installed) {
      order.add(operator);
    }
    order.add(WorkloadRef.daemonSet(MANIFEST_NAMESPACE, CALICO_NODE));
    order.add(WorkloadRef.daemonSet(MANIFEST_NAMESPACE, CANAL_DAEMON_SET));
    order.add(operator);
    return List.copyOf(order);
  }

  /** The calico-node DaemonSet Calico's facts describe, and every one found (their pods tell where Calico runs). */
  private record CalicoNodes(DaemonSet chosen, List<DaemonSet> found) {}

  private CalicoNodes calicoNodes(WorkloadRef named, boolean installed) {
    // Canal's DaemonSet runs calico-node (with CALICO_NETWORKING_BACKEND=none) next to flanneld.
    DaemonSet manifest = daemonSets.first(MANIFEST_NAMESPACE, CALICO_NODE, CANAL_DAEMON_SET);
    DaemonSet operator = daemonSets.get(OPERATOR_NAMESPACE, CALICO_NODE);
    DaemonSet namedDs = null;
    if (named != null && named.kind() == WorkloadRef.Kind.DAEMON_SET) {
      namedDs = same(manifest, named) ? manifest : same(operator, named) ? operator
          : daemonSets.get(named.namespace(), named.name());
    }
    List<DaemonSet> found = new ArrayList<>();
    for (DaemonSet ds : new DaemonSet[] {manifest, operator, namedDs}) {
      if (ds != null && found.stream().noneMatch(f -> sameObject(f, ds))) {
        found.add(ds);
      }
    }
    // Every candidate the order names was read above (Canal's only when the manifest's calico-node is absent).
    DaemonSet chosen = null;
    for (WorkloadRef candidate : choiceOrder(named, installed)) {
      chosen = found.stream().filter(ds -> same(ds, candidate)).findFirst().orElse(null);
      if (chosen != null) {
        break;
      }
    }
    return new CalicoNodes(chosen, found);
  }

  private static boolean same(DaemonSet ds, WorkloadRef ref) {
    return ds != null && ds.getMetadata().getNamespace().equals(ref.namespace())
        && ds.getMetadata().getName().equals(ref.name());
  }

  private static boolean sameObject(DaemonSet a, DaemonSet b) {
    return a.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())
        && a.getMetadata().getName().equals(b.getMetadata().getName());
  }

  /** Every IPPool, sorted by name; none when the CRD is not installed. */
  static List<IpPool> ipPools(KubernetesClient client) {
    KubeOperation op = KubeOperation.list(Resources.CALICO_IP_POOLS.getGroup(), "ippools", null);
    List<GenericKubernetesResource> items;
    try {
      items = client.genericKubernetesResources(Resources.CALICO_IP_POOLS).list().getItems();
    } catch (KubernetesClientException e) {
      if (KubeOperation.notFound(e)) {
        return List.of(); // the CRD is not installed
      }
      throw op.failure(e, Redaction.NONE);
    }
    return ipPools(items);
  }

  /** The IPPools of {@code items} (as a list of {@code ippools.crd.projectcalico.org} gives them), sorted by name. */
  static List<IpPool> ipPools(java.util.Collection<GenericKubernetesResource> items) {
    List<IpPool> pools = new ArrayList<>();
    for (GenericKubernetesResource item : items) {
      Map<String, Object> spec = map(item.getAdditionalProperties().get("spec"));
      if (spec == null) {
        spec = Map.of();
      }
      Object disabled = spec.get("disabled");
      pools.add(new IpPool(item.getMetadata().getName(), text(spec.get("cidr")), text(spec.get("ipipMode")),
          text(spec.get("vxlanMode")), Boolean.TRUE.equals(disabled) || "true".equals(String.valueOf(disabled))));
    }
    pools.sort((a, b) -> a.name().compareTo(b.name()));
    return pools;
  }

  private TigeraInstallation installation(String name) {
    GenericKubernetesResource r = reads.installation(name);
    return r == null ? null : installation(r);
  }

  /** The Installation as an untyped object, or {@code null} when it (or its CRD) does not exist. */
  static GenericKubernetesResource readInstallation(KubernetesClient client, String name) {
    return KubeOperation.get(Resources.TIGERA_INSTALLATIONS.getGroup(), "installations", null, name)
        .run(() -> client.genericKubernetesResources(Resources.TIGERA_INSTALLATIONS).withName(name).get());
  }

  static TigeraInstallation installation(GenericKubernetesResource r) {
    Map<String, Object> root = r.getAdditionalProperties();
    Map<String, Object> spec = map(root.get("spec"));
    Map<String, Object> network = spec == null ? null : map(spec.get("calicoNetwork"));
    String bgp = network == null ? null : text(network.get("bgp"));
    List<TigeraInstallation.Pool> pools = new ArrayList<>();
    List<Object> rawPools = network == null ? null : list(network.get("ipPools"));
    if (rawPools != null) {
      for (Object o : rawPools) {
        Map<String, Object> p = map(o);
        if (p != null) {
          pools.add(new TigeraInstallation.Pool(text(p.get("cidr")), text(p.get("encapsulation"))));
        }
      }
    }
    // spec.nodeUpdateStrategy is the DaemonSetUpdateStrategy the operator renders calico-node with; absent, the
    // operator fills in RollingUpdate, maxUnavailable 1 (tigera/operator pkg/controller/installation
    // core_controller.go fillDefaults; pkg/render/node.go sets UpdateStrategy from it).
    Map<String, Object> strategy = spec == null ? null : map(spec.get("nodeUpdateStrategy"));
    Map<String, Object> rolling = strategy == null ? null : map(strategy.get("rollingUpdate"));
    UpdateStrategy nodeUpdateStrategy = strategy == null ? UpdateStrategy.DEFAULT
        : UpdateStrategy.of(text(strategy.get("type")), rolling == null ? null : text(rolling.get("maxUnavailable")));
    return new TigeraInstallation(r.getMetadata().getName(), r.getMetadata().getResourceVersion(), bgp, pools,
        Placements.of(Placements.podSpec(root, WorkloadRef.Kind.TIGERA_INSTALLATION, false)), nodeUpdateStrategy);
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
