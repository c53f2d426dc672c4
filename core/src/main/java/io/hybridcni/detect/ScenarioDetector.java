package io.hybridcni.detect;

import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.CiliumFacts;
import io.hybridcni.observe.FlannelFacts;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.TigeraInstallation;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides the runbook scenario from the on-premises CNI signals of an {@link ObservedState}. Pure: no I/O.
 * Where the signals do not decide (Calico CrossSubnet, Flannel host-gw, Cilium native routing, settings whose
 * meaning depends on a version that is not known, two CNIs at once, no CNI at all) the answer is
 * {@link Scenario#UNKNOWN} with a blocker asking the user to set the mode: never a guess. For the same reason the
 * detection names no CNI workload it has not observed.
 */
public final class ScenarioDetector {

  public static final String UNDECIDED = "SCENARIO_UNDECIDED";
  private static final String SET_MODE =
      " Set network.mode in the spec to OVERLAY, BGP or HOST_NETWORK to say which scenario applies.";
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** One CNI's reading: the scenario it points to, why, the workload that runs it, and a note to pass on. */
  private record Reading(String cni, Scenario scenario, String summary, String undecidedReason,
      WorkloadRef workload, Finding note) {

    Reading(String cni, Scenario scenario, String summary, String undecidedReason, WorkloadRef workload) {
      this(cni, scenario, summary, undecidedReason, workload, null);
    }
  }

  public Detection detect(ObservedState state) {
    List<String> evidence = new ArrayList<>();
    List<Reading> readings = new ArrayList<>();
    if (state.cni().calico() != null) {
      Reading r = calico(state.cni().calico(), evidence);
      if (r != null) {
        readings.add(r);
      }
    }
    if (state.cni().flannel() != null) {
      readings.add(flannel(state.cni().flannel(), evidence));
    }
    if (state.cni().cilium() != null) {
      readings.add(cilium(state.cni().cilium(), evidence));
    }
    if (readings.isEmpty()) {
      String why = state.cni().calico() == null
          ? "No on-premises CNI was found (no Calico, Flannel or Cilium configuration)."
          : "No on-premises CNI carries pod traffic (Calico runs policy-only and no Flannel or Cilium was found).";
      return undecided(null, "no CNI found",
          why + " If on-premises pods use the host network, set network.mode: HOST_NETWORK.", evidence, null);
    }
    if (readings.size() > 1) {
      List<String> names = readings.stream().map(r -> r.cni + " (" + r.summary + ")").toList();
      return undecided(String.join("+", readings.stream().map(Reading::cni).toList()),
          "more than one CNI: " + String.join(", ", names),
          "More than one CNI configures pod networking: " + String.join(", ", names) + "." + SET_MODE, evidence,
          null);
    }
    Reading r = readings.get(0);
    if (r.scenario == Scenario.UNKNOWN) {
      return undecided(r.cni, r.summary, r.undecidedReason + SET_MODE, evidence, r.workload);
    }
    return new Detection(r.scenario, r.cni, r.summary, evidence, r.workload,
        r.note == null ? List.of() : List.of(r.note));
  }

  private static Detection undecided(String cni, String what, String message, List<String> evidence,
      WorkloadRef workload) {
    return new Detection(Scenario.UNKNOWN, cni, "undecided: " + what, evidence, workload,
        List.of(Finding.blocker(UNDECIDED, message, evidence)));
  }

  // ---- Calico -------------------------------------------------------------------------------------------------

  private Reading calico(CalicoFacts calico, List<String> evidence) {
    TigeraInstallation installation = calico.installation();
    WorkloadRef workload;
    if (installation != null) {
      workload = WorkloadRef.tigeraInstallation(installation.name());
      evidence.add("Tigera Installation " + installation.name() + " manages Calico (calico-node placement "
          + "belongs in its spec.calicoNodeDaemonSet)");
      // The operator renders the Installation into calico-system/calico-node (tigera/operator,
      // pkg/render/node.go); which of the two is where the change goes and which runs is worth saying.
      evidence.add(calico.daemonSet() != null
          ? "it renders DaemonSet " + calico.daemonSet().ref().namespace() + "/" + calico.daemonSet().ref().name()
              + ", which runs calico-node"
          : "the DaemonSet it renders, calico-system/calico-node, was not observed (not rendered yet?)");
    } else if (calico.daemonSet() != null) {
      workload = calico.daemonSet().ref();
      evidence.add("DaemonSet " + workload.namespace() + "/" + workload.name() + " runs calico-node");
    } else {
      // Naming kube-system/calico-node here would be a guess that only fails at apply time.
      workload = null;
      evidence.add("no calico-node DaemonSet observed");
    }

    String backend = calicoBackend(calico, evidence);
    if ("none".equals(backend)) {
      evidence.add("Calico runs policy-only (backend none): it does not carry pod traffic");
      return null;
    }

    if (installation == null && etcdDatastore(calico)) {
      return etcd(calico, evidence, workload);
    }

    List<String> modes = new ArrayList<>();
    List<IpPool> pools = new ArrayList<>();
    for (IpPool p : calico.ipPools()) {
      if (p.disabled()) {
        evidence.add("IPPool " + p.name() + (p.cidr() == null ? "" : " " + p.cidr()) + " is disabled: ignored");
      } else {
        pools.add(p);
      }
    }
    if (!pools.isEmpty()) {
      for (IpPool p : pools) {
        evidence.add("IPPool " + p.name() + (p.cidr() == null ? "" : " " + p.cidr()) + ": ipipMode="
            + describeMode(p.ipipMode()) + ", vxlanMode=" + describeMode(p.vxlanMode()));
        modes.add(classifyPool(p.effectiveIpipMode(), p.effectiveVxlanMode()));
      }
    } else if (installation != null && installation.pools().isEmpty()) {
      // Neither the operator's IPPools nor pools in the Installation are visible: the pool the operator creates
      // by default depends on its version, so BIRD (the operator's bgp default is Enabled) does not by itself
      // say that BGP carries the pod routes.
      evidence.add("no IPPool observed and the Installation declares no ipPools");
      return new Reading("calico", Scenario.UNKNOWN, "Calico (Tigera operator) without visible pools",
          "The Tigera Installation " + installation.name() + " declares no IP pools and no IPPool was observed: "
              + "the pool the operator creates by default depends on its version, so whether pod traffic is "
              + "routed by BGP or encapsulated is unknown.", workload);
    } else if (installation != null) {
      // The operator defaults to IPIP, or to VXLAN when BGP is disabled (IPIP needs BGP to carry routes).
      String defaultEncapsulation = "Disabled".equalsIgnoreCase(installation.bgp()) ? "VXLAN" : "IPIP";
      for (TigeraInstallation.Pool p : installation.pools()) {
        String enc = p.encapsulation() == null ? defaultEncapsulation : p.encapsulation();
        evidence.add("Installation pool " + p.cidr() + ": encapsulation=" + enc
            + (p.encapsulation() == null ? " (absent, the operator's default)" : ""));
        modes.add(classifyEncapsulation(enc));
      }
    } else {
      String ipip = calico.nodeEnv().get("CALICO_IPV4POOL_IPIP");
      String vxlan = calico.nodeEnv().get("CALICO_IPV4POOL_VXLAN");
      evidence.add((calico.ipPools().isEmpty() ? "no IPPool observed" : "no enabled IPPool observed")
          + "; calico-node env CALICO_IPV4POOL_IPIP=" + describeMode(ipip)
          + ", CALICO_IPV4POOL_VXLAN=" + describeMode(vxlan));
      modes.add(classifyPool(ipip == null ? IpPool.NEVER : ipip, vxlan == null ? IpPool.NEVER : vxlan));
    }

    if (modes.contains("cross-subnet")) {
      return new Reading("calico", Scenario.UNKNOWN, "Calico CrossSubnet",
          "Calico encapsulates only across subnets (CrossSubnet): traffic within a subnet is routed natively, so "
              + "it is neither a pure overlay nor pure BGP for the cloud nodes.", workload);
    }
    if (modes.contains("unknown")) {
      return new Reading("calico", Scenario.UNKNOWN, "Calico with an unrecognised encapsulation",
          "Calico's encapsulation mode is not one hybridcni recognises.", workload);
    }
    boolean anyOverlay = modes.stream().anyMatch(m -> m.startsWith("overlay"));
    boolean anyRouted = modes.contains("never");
    if (anyOverlay && anyRouted) {
      return new Reading("calico", Scenario.UNKNOWN, "Calico with mixed pools",
          "Some Calico pools encapsulate and others do not.", workload);
    }
    if (anyOverlay) {
      String kind = modes.stream().allMatch("overlay-ipip"::equals) ? "IPIP"
          : modes.stream().allMatch("overlay-vxlan"::equals) ? "VXLAN" : "IPIP/VXLAN";
      return new Reading("calico", Scenario.OVERLAY, "Calico " + kind + " overlay", null, workload);
    }
    if ("bird".equals(backend)) {
      return new Reading("calico", Scenario.BGP, "Calico BGP (bird, no encapsulation)", null, workload);
    }
    if (backend == null) {
      return new Reading("calico", Scenario.UNKNOWN, "Calico without encapsulation, backend unknown",
          "Calico pools do not encapsulate, but no backend setting (calico_backend, CALICO_NETWORKING_BACKEND or "
              + "the Installation's bgp) says whether BGP carries the routes.", workload);
    }
    return new Reading("calico", Scenario.UNKNOWN, "Calico backend " + backend + " without encapsulation",
        "Calico's backend is " + backend + " but no pool encapsulates.", workload);
  }

  private static String calicoBackend(CalicoFacts calico, List<String> evidence) {
    TigeraInstallation installation = calico.installation();
    if (installation != null) {
      String bgp = installation.bgp();
      evidence.add("Installation spec.calicoNetwork.bgp=" + (bgp == null ? "absent (default Enabled)" : bgp));
      return "Disabled".equalsIgnoreCase(bgp) ? "vxlan" : "bird";
    }
    if (calico.calicoBackend() != null) {
      evidence.add("ConfigMap calico-config calico_backend=" + calico.calicoBackend());
      return calico.calicoBackend().toLowerCase(Locale.ROOT);
    }
    String env = calico.nodeEnv().get("CALICO_NETWORKING_BACKEND");
    if (env != null) {
      evidence.add("calico-node env CALICO_NETWORKING_BACKEND=" + env);
      return env.toLowerCase(Locale.ROOT);
    }
    return null;
  }

  /**
   * Whether calico-node keeps its data in etcd: DATASTORE_TYPE etcdv3, or no DATASTORE_TYPE (calico-node's default
   * is etcdv3) with ETCD_ENDPOINTS set, as projectcalico/calico manifests/calico-etcd.yaml installs it (ETCD_ENDPOINTS
   * from calico-config's etcd_endpoints); manifests/calico.yaml sets DATASTORE_TYPE kubernetes.
   */
  private static boolean etcdDatastore(CalicoFacts calico) {
    String type = calico.nodeEnv().get("DATASTORE_TYPE");
    if (type != null && !type.isBlank()) {
      return "etcdv3".equalsIgnoreCase(type.trim());
    }
    String endpoints = calico.nodeEnv().get("ETCD_ENDPOINTS");
    return endpoints != null && !endpoints.isBlank();
  }

  /**
   * Calico on the etcd datastore keeps its IPPools in etcd, which hybridcni does not read: the pools that decide
   * encapsulation cannot be seen. CALICO_IPV4POOL_IPIP / CALICO_IPV4POOL_VXLAN only configure the default pool
   * calico-node creates when none exists at first start (Calico docs, calico-node configuration), so they are a
   * hint, never the answer; IPPool objects in the Kubernetes API, if any, are not what such a Calico reads.
   */
  private static Reading etcd(CalicoFacts calico, List<String> evidence, WorkloadRef workload) {
    String type = calico.nodeEnv().get("DATASTORE_TYPE");
    String endpoints = calico.nodeEnv().get("ETCD_ENDPOINTS");
    evidence.add("calico-node uses the etcd datastore (DATASTORE_TYPE="
        + (type == null || type.isBlank() ? "absent, calico-node's default etcdv3" : type)
        + (endpoints == null || endpoints.isBlank() ? "" : ", ETCD_ENDPOINTS=" + endpoints)
        + "): its IPPools live in etcd and are not visible in the Kubernetes API");
    if (!calico.ipPools().isEmpty()) {
      evidence.add(calico.ipPools().size() + " IPPool object(s) in the Kubernetes API are not what this Calico "
          + "reads: ignored");
    }
    String ipip = calico.nodeEnv().get("CALICO_IPV4POOL_IPIP");
    String vxlan = calico.nodeEnv().get("CALICO_IPV4POOL_VXLAN");
    String hint = switch (classifyPool(ipip == null ? IpPool.NEVER : ipip, vxlan == null ? IpPool.NEVER : vxlan)) {
      case "overlay-ipip" -> "an IPIP overlay";
      case "overlay-vxlan" -> "a VXLAN overlay";
      case "never" -> "no encapsulation (BGP)";
      case "cross-subnet" -> "CrossSubnet encapsulation";
      default -> "an unrecognised encapsulation";
    };
    evidence.add("calico-node env CALICO_IPV4POOL_IPIP=" + describeMode(ipip) + ", CALICO_IPV4POOL_VXLAN="
        + describeMode(vxlan) + " (a hint only: they configure the default pool created at first start)");
    return new Reading("calico", Scenario.UNKNOWN, "Calico on the etcd datastore, pools not visible",
        "Calico uses the etcd datastore, so its IP pools live in etcd and cannot be read from the Kubernetes API; "
            + "calico-node's CALICO_IPV4POOL_IPIP=" + describeMode(ipip) + " and CALICO_IPV4POOL_VXLAN="
            + describeMode(vxlan) + " suggest " + hint + " but only configured the default pool created at first "
            + "start. Run `calicoctl get ippool -o yaml` against that etcd to see the pools' ipipMode and vxlanMode.",
        workload);
  }

  private static String describeMode(String mode) {
    return mode == null || mode.isEmpty() ? "absent (Never)" : mode;
  }

  private static String classifyPool(String ipip, String vxlan) {
    if (IpPool.CROSS_SUBNET.equalsIgnoreCase(ipip) || IpPool.CROSS_SUBNET.equalsIgnoreCase(vxlan)) {
      return "cross-subnet";
    }
    boolean ipipOn = IpPool.ALWAYS.equalsIgnoreCase(ipip);
    boolean vxlanOn = IpPool.ALWAYS.equalsIgnoreCase(vxlan);
    if (ipipOn && vxlanOn) {
      return "unknown";
    }
    if (ipipOn) {
      return "overlay-ipip";
    }
    if (vxlanOn) {
      return "overlay-vxlan";
    }
    boolean ipipOff = IpPool.NEVER.equalsIgnoreCase(ipip) || "Off".equalsIgnoreCase(ipip);
    boolean vxlanOff = IpPool.NEVER.equalsIgnoreCase(vxlan) || "Off".equalsIgnoreCase(vxlan);
    return ipipOff && vxlanOff ? "never" : "unknown";
  }

  private static String classifyEncapsulation(String encapsulation) {
    switch (encapsulation) {
      case "IPIP":
        return "overlay-ipip";
      case "VXLAN":
        return "overlay-vxlan";
      case "IPIPCrossSubnet":
      case "VXLANCrossSubnet":
        return "cross-subnet";
      case "None":
        return "never";
      default:
        return "unknown";
    }
  }

  // ---- Flannel ------------------------------------------------------------------------------------------------

  /**
   * Flannel's reading; for Canal (Flannel networking, Calico policy in one DaemonSet) the same reading under the
   * name {@code canal}, since Flannel's backend decides the scenario and Canal's DaemonSet is the workload.
   */
  private Reading flannel(FlannelFacts flannel, List<String> evidence) {
    Reading r = flannelReading(flannel, evidence);
    if (!flannel.canal()) {
      return r;
    }
    return new Reading("canal", r.scenario, "Canal: " + r.summary + ", Calico for policy only",
        r.undecidedReason == null ? null : "Canal's " + r.undecidedReason, r.workload, r.note);
  }

  private Reading flannelReading(FlannelFacts flannel, List<String> evidence) {
    WorkloadRef workload = flannel.daemonSet() == null ? null : flannel.daemonSet().ref();
    String where = "ConfigMap " + flannel.namespace() + "/" + flannel.configMap();
    if (flannel.netConfJson() == null) {
      evidence.add(where + " has no net-conf.json");
      return new Reading("flannel", Scenario.UNKNOWN, "Flannel without net-conf.json",
          "Flannel's " + where + " has no net-conf.json, so its backend is unknown.", workload);
    }
    JsonNode conf;
    try {
      conf = JSON.readTree(flannel.netConfJson());
    } catch (JacksonException e) {
      conf = null;
    }
    if (conf == null || !conf.isObject()) {
      evidence.add(where + " net-conf.json is not a JSON object");
      return new Reading("flannel", Scenario.UNKNOWN, "Flannel with unreadable net-conf.json",
          "Flannel's net-conf.json in " + where + " is not a JSON object.", workload);
    }
    // Flannel decodes net-conf.json with Go's encoding/json: keys match case-insensitively, a missing Backend
    // means udp, but a Backend without a Type is an error ("unknown backend type").
    JsonNode backend = ignoreCase(conf, "Backend");
    String backendType;
    if (backend == null) {
      evidence.add(where + " net-conf.json Backend.Type=absent (udp)");
      backendType = "udp";
    } else {
      JsonNode type = ignoreCase(backend, "Type");
      if (type == null || !type.isString() || type.asString().isEmpty()) {
        evidence.add(where + " net-conf.json Backend has no Type string: " + backend);
        return new Reading("flannel", Scenario.UNKNOWN, "Flannel Backend without Type",
            "Flannel's net-conf.json in " + where + " has a Backend without a Type, which flannel refuses.",
            workload);
      }
      evidence.add(where + " net-conf.json Backend.Type=" + type.asString());
      backendType = type.asString().toLowerCase(Locale.ROOT);
    }
    JsonNode direct = ignoreCase(backend, "DirectRouting");
    boolean directRouting = direct != null && direct.isBoolean() && direct.asBoolean();
    if (directRouting) {
      evidence.add(where + " net-conf.json Backend.DirectRouting=true");
    }
    switch (backendType) {
      case "vxlan":
      case "ipip":
        String name = backendType.toUpperCase(Locale.ROOT);
        if (directRouting) {
          return new Reading("flannel", Scenario.UNKNOWN, "Flannel " + name + " with DirectRouting",
              "Flannel " + name + " with DirectRouting routes natively between nodes of one subnet.", workload);
        }
        return new Reading("flannel", Scenario.OVERLAY, "Flannel " + name + " overlay", null, workload);
      case "udp":
        return new Reading("flannel", Scenario.OVERLAY, "Flannel UDP overlay", null, workload);
      case "host-gw":
        return new Reading("flannel", Scenario.UNKNOWN, "Flannel host-gw",
            "Flannel host-gw routes pod traffic through node IPs on one layer-2 network, which cloud nodes are "
                + "not part of.", workload);
      default:
        return new Reading("flannel", Scenario.UNKNOWN, "Flannel " + backendType,
            "Flannel's backend " + backendType + " is not one the runbook covers.", workload);
    }
  }

  private static JsonNode ignoreCase(JsonNode object, String name) {
    if (object == null || !object.isObject()) {
      return null;
    }
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  // ---- Cilium -------------------------------------------------------------------------------------------------

  private Reading cilium(CiliumFacts cilium, List<String> evidence) {
    WorkloadRef workload = cilium.daemonSet() == null ? null : cilium.daemonSet().ref();
    Map<String, String> config = cilium.config();
    int[] version = parseVersion(cilium.version());
    evidence.add("Cilium version " + (cilium.version() == null ? "unknown" : cilium.version())
        + (cilium.version() != null && version == null ? " (not a version number)" : ""));
    boolean hasTunnel = config.containsKey("tunnel");
    boolean hasModern = config.containsKey("routing-mode") || config.containsKey("tunnel-protocol");

    // Which keys count depends on the version: 'tunnel' until 1.14 (deprecated there), 'routing-mode' and
    // 'tunnel-protocol' from 1.14 on. When the version does not settle which keys the agent honours, every
    // possible reading is taken and the answer stands only if they all agree.
    List<CiliumMode> readings = new ArrayList<>();
    if (version == null) {
      readings.add(legacyMode(config, evidence));
      readings.add(modernMode(config, evidence));
    } else if (version[0] == 1 && version[1] < 14) {
      if (hasModern) {
        evidence.add("cilium-config routing-mode/tunnel-protocol are ignored before Cilium 1.14");
      }
      readings.add(legacyMode(config, evidence));
    } else if (version[0] == 1 && version[1] == 14) {
      if (hasTunnel) {
        evidence.add("cilium-config tunnel is deprecated but still honoured by Cilium 1.14");
        readings.add(legacyMode(config, evidence));
      }
      if (hasModern || !hasTunnel) {
        readings.add(modernMode(config, evidence));
      }
    } else if (version[0] < 1) {
      readings.add(legacyMode(config, evidence));
    } else {
      if (hasTunnel) {
        evidence.add("cilium-config tunnel=" + config.get("tunnel") + " is ignored since Cilium 1.15");
      }
      readings.add(modernMode(config, evidence));
    }
    List<CiliumMode> distinct = readings.stream().distinct().toList();
    if (distinct.size() > 1) {
      String alternatives = String.join(" or ", distinct.stream().map(CiliumMode::summary).toList());
      return new Reading("cilium", Scenario.UNKNOWN, "Cilium routing depends on its version",
          "Cilium's configuration reads as " + alternatives + " depending on which keys its version honours ("
              + (version == null ? "the version is unknown" : "1.14 with both the old and the new keys") + ").",
          workload);
    }
    CiliumMode mode = distinct.get(0);
    Finding note = mode.summary().equals("Cilium Geneve overlay") ? Finding.note("CILIUM_GENEVE_OVERLAY",
        "Cilium tunnels with Geneve. The runbook names only VXLAN as Cilium's overlay, but Geneve is an overlay "
            + "tunnel too, so cloud nodes join it the same way: they need only reach the other nodes on UDP 6081 "
            + "(Geneve) instead of 8472 (VXLAN), and pull Cilium's images.", List.copyOf(evidence)) : null;
    return new Reading("cilium", mode.scenario(), mode.summary(), mode.reason(), workload, note);
  }

  /** How one set of keys reads; equal readings are the same decision. */
  private record CiliumMode(Scenario scenario, String summary, String reason) {}

  /** Before 1.14: {@code tunnel} (vxlan, geneve, disabled; absent = vxlan). */
  private static CiliumMode legacyMode(Map<String, String> config, List<String> evidence) {
    String tunnel = config.getOrDefault("tunnel", "vxlan");
    evidence.add("cilium-config tunnel=" + (config.containsKey("tunnel") ? tunnel : "absent (vxlan)"));
    if (tunnel.equals("disabled")) {
      return new CiliumMode(Scenario.UNKNOWN, "Cilium native routing",
          "Cilium routes pod traffic natively, which may rely on BGP or on host routes.");
    }
    return tunnelMode(tunnel);
  }

  /** From 1.14: {@code routing-mode} (tunnel, native; absent = tunnel) and {@code tunnel-protocol} (absent = vxlan). */
  private static CiliumMode modernMode(Map<String, String> config, List<String> evidence) {
    String routing = config.getOrDefault("routing-mode", "tunnel");
    evidence.add("cilium-config routing-mode=" + (config.containsKey("routing-mode") ? routing : "absent (tunnel)"));
    if (routing.equals("native")) {
      return new CiliumMode(Scenario.UNKNOWN, "Cilium native routing",
          "Cilium routes pod traffic natively, which may rely on BGP or on host routes.");
    }
    if (!routing.equals("tunnel")) {
      return new CiliumMode(Scenario.UNKNOWN, "Cilium routing-mode " + routing,
          "Cilium's routing-mode " + routing + " is not one hybridcni recognises.");
    }
    String protocol = config.getOrDefault("tunnel-protocol", "vxlan");
    evidence.add("cilium-config tunnel-protocol="
        + (config.containsKey("tunnel-protocol") ? protocol : "absent (vxlan)"));
    return tunnelMode(protocol);
  }

  private static CiliumMode tunnelMode(String protocol) {
    if (protocol.equals("vxlan")) {
      return new CiliumMode(Scenario.OVERLAY, "Cilium VXLAN overlay", null);
    }
    if (protocol.equals("geneve")) {
      // Geneve is an overlay tunnel just as VXLAN is (Cilium encapsulates node to node either way, UDP 6081
      // instead of 8472: docs.cilium.io, "Firewall requirements"); the runbook names only VXLAN.
      return new CiliumMode(Scenario.OVERLAY, "Cilium Geneve overlay", null);
    }
    return new CiliumMode(Scenario.UNKNOWN, "Cilium " + protocol + " tunnel",
        "Cilium tunnels with " + protocol + ", which the runbook does not list as a supported overlay.");
  }

  /** Major and minor of a version such as {@code v1.15.3} or {@code 1.13.0-rc1}, or {@code null}. */
  static int[] parseVersion(String version) {
    if (version == null) {
      return null;
    }
    String v = version.startsWith("v") ? version.substring(1) : version;
    String[] parts = v.split("[.\\-+]");
    if (parts.length < 2) {
      return null;
    }
    try {
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
