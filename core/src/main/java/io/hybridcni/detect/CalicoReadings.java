package io.hybridcni.detect;

import io.hybridcni.plan.Scenario;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.TigeraInstallation;
import io.hybridcni.observe.WorkloadRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Calico's reading, shared by the manifest and the Tigera operator detectors: the two installs differ in where
 * calico-node's placement lives and in the backend signal, not in how pools decide the scenario, so one walk of the
 * signals serves both and keeps their evidence in the same order.
 */
final class CalicoReadings {

  private CalicoReadings() {}

  static CniReading read(CalicoFacts calico, List<String> evidence) {
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
      return new CniReading("calico", Scenario.UNKNOWN, "Calico (Tigera operator) without visible pools",
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
      return new CniReading("calico", Scenario.UNKNOWN, "Calico CrossSubnet",
          "Calico encapsulates only across subnets (CrossSubnet): traffic within a subnet is routed natively, so "
              + "it is neither a pure overlay nor pure BGP for the cloud nodes.", workload);
    }
    if (modes.contains("unknown")) {
      return new CniReading("calico", Scenario.UNKNOWN, "Calico with an unrecognised encapsulation",
          "Calico's encapsulation mode is not one hybridcni recognises.", workload);
    }
    boolean anyOverlay = modes.stream().anyMatch(m -> m.startsWith("overlay"));
    boolean anyRouted = modes.contains("never");
    if (anyOverlay && anyRouted) {
      return new CniReading("calico", Scenario.UNKNOWN, "Calico with mixed pools",
          "Some Calico pools encapsulate and others do not.", workload);
    }
    if (anyOverlay) {
      String kind = modes.stream().allMatch("overlay-ipip"::equals) ? "IPIP"
          : modes.stream().allMatch("overlay-vxlan"::equals) ? "VXLAN" : "IPIP/VXLAN";
      return new CniReading("calico", Scenario.OVERLAY, "Calico " + kind + " overlay", null, workload);
    }
    if ("bird".equals(backend)) {
      return new CniReading("calico", Scenario.BGP, "Calico BGP (bird, no encapsulation)", null, workload);
    }
    if (backend == null) {
      return new CniReading("calico", Scenario.UNKNOWN, "Calico without encapsulation, backend unknown",
          "Calico pools do not encapsulate, but no backend setting (calico_backend, CALICO_NETWORKING_BACKEND or "
              + "the Installation's bgp) says whether BGP carries the routes.", workload);
    }
    return new CniReading("calico", Scenario.UNKNOWN, "Calico backend " + backend + " without encapsulation",
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
  private static CniReading etcd(CalicoFacts calico, List<String> evidence, WorkloadRef workload) {
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
    return new CniReading("calico", Scenario.UNKNOWN, "Calico on the etcd datastore, pools not visible",
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
}
