package io.hybridcni.detect;

import io.hybridcni.plan.Scenario;
import io.hybridcni.observe.CiliumFacts;
import io.hybridcni.observe.CniFacts;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cilium: ConfigMap {@code kube-system/cilium-config} and DaemonSet {@code kube-system/cilium}, whose agent image
 * tag is the version that decides which routing keys count.
 */
final class CiliumDetector implements CniDetector {

  static final String NAMESPACE = "kube-system";

  /** Cilium's facts: all of {@code cilium-config}'s data (the routing keys differ between versions) and the version. */
  static final CniFactsKind<CiliumFacts> FACTS =
      new CniFactsKind<>(CniFacts.CILIUM, CiliumFacts.class, CiliumDetector::readFacts);

  @Override
  public String name() {
    return "cilium";
  }

  @Override
  public List<KubeObject> reads() {
    return List.of(KubeObject.configMap(NAMESPACE, "cilium-config"), KubeObject.daemonSet(NAMESPACE, "cilium"));
  }

  @Override
  public List<OwnedWorkload> workloads() {
    return List.of(new OwnedWorkload(KubeObject.daemonSet(NAMESPACE, "cilium"), "k8s-app=cilium", false));
  }

  @Override
  public Optional<CniFactsKind<?>> facts() {
    return Optional.of(FACTS);
  }

  /** Cilium's facts, or {@code null} when neither the ConfigMap nor the DaemonSet exists. */
  static CiliumFacts readFacts(ObservedObjects objects) {
    Map<String, String> config = objects.configMapData(NAMESPACE, "cilium-config");
    ObservedDaemonSet ds = objects.daemonSet(NAMESPACE, "cilium");
    if (config == null && ds == null) {
      return null;
    }
    ObservedDaemonSet.Container agent = ds == null ? null : ds.container("cilium-agent");
    return new CiliumFacts(agent == null ? null : imageTag(agent.image()), config,
        ds == null ? null : ds.workload());
  }

  /** The tag of an image reference ({@code quay.io/cilium/cilium:v1.15.6@sha256:...} gives {@code v1.15.6}). */
  static String imageTag(String image) {
    if (image == null) {
      return null;
    }
    int digest = image.indexOf('@');
    String ref = digest < 0 ? image : image.substring(0, digest);
    int colon = ref.lastIndexOf(':');
    return colon > ref.lastIndexOf('/') && colon < ref.length() - 1 ? ref.substring(colon + 1) : null;
  }

  @Override
  public Optional<CniReading> read(CniFacts cni, List<String> evidence) {
    return cni.cilium() == null ? Optional.empty() : Optional.of(reading(cni.cilium(), evidence));
  }

  private static CniReading reading(CiliumFacts cilium, List<String> evidence) {
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
      return new CniReading("cilium", Scenario.UNKNOWN, "Cilium routing depends on its version",
          "Cilium's configuration reads as " + alternatives + " depending on which keys its version honours ("
              + (version == null ? "the version is unknown" : "1.14 with both the old and the new keys") + ").",
          workload);
    }
    CiliumMode mode = distinct.get(0);
    Finding note = mode.summary().equals("Cilium Geneve overlay") ? Finding.note("CILIUM_GENEVE_OVERLAY",
        "Cilium tunnels with Geneve. The runbook names only VXLAN as Cilium's overlay, but Geneve is an overlay "
            + "tunnel too, so cloud nodes join it the same way: they need only reach the other nodes on UDP 6081 "
            + "(Geneve) instead of 8472 (VXLAN), and pull Cilium's images.", List.copyOf(evidence)) : null;
    return new CniReading("cilium", mode.scenario(), mode.summary(), mode.reason(), workload, note);
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
