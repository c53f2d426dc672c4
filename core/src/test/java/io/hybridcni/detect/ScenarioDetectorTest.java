package io.hybridcni.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.CiliumFacts;
import io.hybridcni.observe.FlannelFacts;
import io.hybridcni.observe.IpPool;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.TigeraInstallation;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The CNI signals of DESIGN.md, one case each. */
class ScenarioDetectorTest {

  private static final WorkloadRef CALICO_NODE = WorkloadRef.daemonSet("kube-system", "calico-node");
  private static final WorkloadRef FLANNEL_DS = WorkloadRef.daemonSet("kube-flannel", "kube-flannel-ds");
  private static final WorkloadRef CILIUM_DS = WorkloadRef.daemonSet("kube-system", "cilium");

  private final ScenarioDetector detector = new ScenarioDetector();

  // ---- fixtures -----------------------------------------------------------------------------------------------

  private static IpPool pool(String name, String ipipMode, String vxlanMode) {
    return new IpPool(name, "10.244.0.0/16", ipipMode, vxlanMode, false);
  }

  private static Workload daemonSet(WorkloadRef ref) {
    return new Workload(ref, "4711", Placement.ANYWHERE, List.of("example.org/cni:v1"));
  }

  private static CalicoFacts calico(List<IpPool> pools, String calicoBackend, Map<String, String> nodeEnv) {
    return new CalicoFacts(pools, calicoBackend, nodeEnv, daemonSet(CALICO_NODE), null);
  }

  private static CalicoFacts calico(List<IpPool> pools, String calicoBackend) {
    return calico(pools, calicoBackend, Map.of());
  }

  private static FlannelFacts flannel(String netConfJson) {
    return new FlannelFacts("kube-flannel", netConfJson, daemonSet(FLANNEL_DS));
  }

  private static CiliumFacts cilium(String version, Map<String, String> config) {
    return new CiliumFacts(version, config, daemonSet(CILIUM_DS));
  }

  private Detection detect(CalicoFacts calico) {
    return detector.detect(ObservedState.builder().calico(calico).build());
  }

  private Detection detect(FlannelFacts flannel) {
    return detector.detect(ObservedState.builder().flannel(flannel).build());
  }

  private Detection detect(CiliumFacts cilium) {
    return detector.detect(ObservedState.builder().cilium(cilium).build());
  }

  /** A decided detection has no findings. */
  private static void assertDecided(Detection d, Scenario scenario, String cni) {
    assertThat(d.scenario()).as("scenario; evidence %s", d.evidence()).isEqualTo(scenario);
    assertThat(d.cni()).isEqualTo(cni);
    assertThat(d.findings()).isEmpty();
  }

  /** An undecided detection carries exactly one blocker that asks for network.mode and repeats the evidence. */
  private static Finding assertUndecided(Detection d, String cni) {
    assertThat(d.scenario()).as("scenario; evidence %s", d.evidence()).isEqualTo(Scenario.UNKNOWN);
    assertThat(d.cni()).isEqualTo(cni);
    assertThat(d.summary()).startsWith("undecided");
    assertThat(d.findings()).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.BLOCKER);
      assertThat(f.code()).isEqualTo(ScenarioDetector.UNDECIDED).isEqualTo("SCENARIO_UNDECIDED");
      assertThat(f.message()).contains("network.mode");
      assertThat(f.evidence()).isEqualTo(d.evidence());
    });
    return d.findings().get(0);
  }

  // ---- Calico -------------------------------------------------------------------------------------------------

  @Nested
  class Calico {

    @Test
    void ipipAlwaysPoolIsAnIpipOverlay() {
      Detection d = detect(calico(List.of(pool("default-ipv4-ippool", "Always", null)), "bird"));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.summary()).isEqualTo("Calico IPIP overlay");
      assertThat(d.evidence()).contains(
          "IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=Always, vxlanMode=absent (Never)",
          "ConfigMap calico-config calico_backend=bird");
      assertThat(d.cniWorkload()).isEqualTo(CALICO_NODE);
    }

    @Test
    void vxlanAlwaysPoolIsAVxlanOverlay() {
      Detection d = detect(calico(List.of(pool("default-ipv4-ippool", "Never", "Always")), "vxlan"));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.summary()).isEqualTo("Calico VXLAN overlay");
      assertThat(d.evidence()).contains("IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=Never, vxlanMode=Always");
    }

    @Test
    void ipipPoolAndVxlanPoolTogetherAreStillAnOverlay() {
      Detection d = detect(calico(List.of(pool("a", "Always", null), pool("b", null, "Always")), "bird"));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.summary()).isEqualTo("Calico IPIP/VXLAN overlay");
    }

    @Test
    void bothModesNeverWithBirdIsBgp() {
      Detection d = detect(calico(List.of(pool("default-ipv4-ippool", "Never", "Never")), "bird"));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.summary()).contains("BGP");
      assertThat(d.cniWorkload()).isEqualTo(CALICO_NODE);
      assertThat(d.evidence()).containsExactly(
          "DaemonSet kube-system/calico-node runs calico-node",
          "ConfigMap calico-config calico_backend=bird",
          "IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=Never, vxlanMode=Never");
    }

    @Test
    void absentModesCountAsNever() {
      Detection d = detect(calico(List.of(pool("default-ipv4-ippool", null, "")), "bird"));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.evidence()).contains(
          "IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=absent (Never), vxlanMode=absent (Never)");
    }

    @Test
    void ipipCrossSubnetIsUndecided() {
      Detection d = detect(calico(List.of(pool("default-ipv4-ippool", "CrossSubnet", null)), "bird"));

      Finding blocker = assertUndecided(d, "calico");
      assertThat(blocker.message()).contains("CrossSubnet");
      assertThat(d.summary()).isEqualTo("undecided: Calico CrossSubnet");
      assertThat(d.cniWorkload()).as("the workload is still known").isEqualTo(CALICO_NODE);
    }

    @Test
    void vxlanCrossSubnetIsUndecided() {
      Detection d = detect(calico(List.of(pool("default-ipv4-ippool", "Never", "CrossSubnet")), "vxlan"));

      assertUndecided(d, "calico");
      assertThat(d.evidence()).contains("IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=Never, vxlanMode=CrossSubnet");
    }

    @Test
    void mixedPoolsAreUndecided() {
      Detection d = detect(calico(List.of(pool("overlay", "Always", null), pool("routed", "Never", "Never")), "bird"));

      Finding blocker = assertUndecided(d, "calico");
      assertThat(blocker.message()).contains("Some Calico pools encapsulate and others do not");
      assertThat(d.evidence()).anyMatch(e -> e.startsWith("IPPool overlay")).anyMatch(e -> e.startsWith("IPPool routed"));
    }

    @Test
    void poolWithIpipAndVxlanBothAlwaysIsUndecided() {
      assertUndecided(detect(calico(List.of(pool("both", "Always", "Always")), "bird")), "calico");
    }

    @Test
    void unrecognisedModeIsUndecided() {
      assertUndecided(detect(calico(List.of(pool("odd", "Sometimes", null)), "bird")), "calico");
    }

    @Test
    void disabledPoolsAreIgnored() {
      IpPool disabledOverlay = new IpPool("old-overlay", "10.100.0.0/16", "Always", null, true);

      Detection d = detect(calico(List.of(disabledOverlay, pool("routed", "Never", "Never")), "bird"));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.evidence()).contains("IPPool old-overlay 10.100.0.0/16 is disabled: ignored");
    }

    @Test
    void withoutIpPoolsTheCalicoNodeEnvDecides() {
      Detection d = detect(calico(List.of(), "bird", Map.of("CALICO_IPV4POOL_IPIP", "Always")));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.evidence()).contains(
          "no IPPool observed; calico-node env CALICO_IPV4POOL_IPIP=Always, CALICO_IPV4POOL_VXLAN=absent (Never)");
    }

    @Test
    void withoutIpPoolsEnvVxlanAlwaysIsAnOverlay() {
      Detection d = detect(calico(List.of(), "vxlan",
          Map.of("CALICO_IPV4POOL_IPIP", "Never", "CALICO_IPV4POOL_VXLAN", "Always")));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.summary()).isEqualTo("Calico VXLAN overlay");
    }

    @Test
    void withoutIpPoolsEnvNeverWithBirdIsBgp() {
      Detection d = detect(calico(List.of(), "bird",
          Map.of("CALICO_IPV4POOL_IPIP", "Never", "CALICO_IPV4POOL_VXLAN", "Never")));

      assertDecided(d, Scenario.BGP, "calico");
    }

    @Test
    void withoutIpPoolsEnvCrossSubnetIsUndecided() {
      assertUndecided(detect(calico(List.of(), "bird", Map.of("CALICO_IPV4POOL_IPIP", "CrossSubnet"))), "calico");
    }

    @Test
    void onTheEtcdDatastoreTheEnvIsOnlyAHintAndTheScenarioIsUndecided() {
      // As manifests/calico-etcd.yaml: no DATASTORE_TYPE (calico-node's default etcdv3), ETCD_ENDPOINTS set.
      Detection d = detect(calico(List.of(), "bird", Map.of("ETCD_ENDPOINTS", "https://10.0.0.21:2379",
          "CALICO_IPV4POOL_IPIP", "Always", "CALICO_IPV4POOL_VXLAN", "Never")));

      Finding f = assertUndecided(d, "calico");
      assertThat(f.message()).contains("etcd datastore").contains("suggest an IPIP overlay")
          .contains("calicoctl get ippool -o yaml");
      assertThat(d.evidence()).anyMatch(e -> e.startsWith("calico-node uses the etcd datastore (DATASTORE_TYPE="
          + "absent, calico-node's default etcdv3, ETCD_ENDPOINTS=https://10.0.0.21:2379)"));
    }

    @Test
    void onTheEtcdDatastoreIpPoolObjectsInTheKubernetesApiDoNotDecideBgp() {
      Detection d = detect(calico(List.of(pool("stale", "Never", "Never")), "bird",
          Map.of("DATASTORE_TYPE", "etcdv3", "CALICO_IPV4POOL_IPIP", "Never")));

      assertThat(assertUndecided(d, "calico").message()).contains("suggest no encapsulation (BGP)");
      assertThat(d.evidence()).contains("1 IPPool object(s) in the Kubernetes API are not what this Calico reads: "
          + "ignored");
    }

    @Test
    void theKubernetesDatastoreKeepsTheEnvFallbackEvenWithEtcdEndpointsSet() {
      Detection d = detect(calico(List.of(), "bird", Map.of("DATASTORE_TYPE", "kubernetes",
          "ETCD_ENDPOINTS", "https://10.0.0.21:2379", "CALICO_IPV4POOL_IPIP", "Always")));

      assertDecided(d, Scenario.OVERLAY, "calico");
    }

    @Test
    void onlyDisabledPoolsFallBackToTheEnvAndSaySo() {
      IpPool disabled = new IpPool("old", "10.100.0.0/16", "Never", "Never", true);

      Detection d = detect(calico(List.of(disabled), "bird", Map.of("CALICO_IPV4POOL_IPIP", "Always")));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.evidence()).anyMatch(e -> e.startsWith("no enabled IPPool observed; calico-node env "
          + "CALICO_IPV4POOL_IPIP=Always"));
    }

    @Test
    void backendComesFromTheEnvWhenThereIsNoCalicoConfig() {
      Detection d = detect(calico(List.of(pool("p", "Never", "Never")), null,
          Map.of("CALICO_NETWORKING_BACKEND", "bird")));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.evidence()).contains("calico-node env CALICO_NETWORKING_BACKEND=bird");
    }

    @Test
    void calicoConfigBackendTakesPrecedenceOverTheEnv() {
      Detection d = detect(calico(List.of(pool("p", "Never", "Never")), "vxlan",
          Map.of("CALICO_NETWORKING_BACKEND", "bird")));

      assertUndecided(d, "calico");
      assertThat(d.evidence()).contains("ConfigMap calico-config calico_backend=vxlan")
          .noneMatch(e -> e.contains("CALICO_NETWORKING_BACKEND"));
    }

    @Test
    void vxlanBackendWithPoolsNeverIsUndecided() {
      Finding blocker = assertUndecided(detect(calico(List.of(pool("p", "Never", "Never")), "vxlan")), "calico");

      assertThat(blocker.message()).contains("backend is vxlan but no pool encapsulates");
    }

    @Test
    void unknownBackendWithPoolsNeverIsUndecided() {
      Detection d = detect(calico(List.of(pool("p", "Never", "Never")), null));

      Finding blocker = assertUndecided(d, "calico");
      assertThat(blocker.message()).contains("no backend setting");
    }

    private final WorkloadRef canalDs = WorkloadRef.daemonSet("kube-system", "canal");

    /** Canal as canal.yaml installs it: calico-node policy-only and flanneld in one DaemonSet, {@code netConf}. */
    private ObservedState canal(String netConf) {
      CalicoFacts policyOnly = new CalicoFacts(List.of(pool("default-ipv4-ippool", "Never", "Never")), null,
          Map.of("CALICO_NETWORKING_BACKEND", "none"), daemonSet(canalDs), null);
      return ObservedState.builder().calico(policyOnly)
          .flannel(new FlannelFacts("kube-system", FlannelFacts.CANAL_CONFIG_MAP, netConf, daemonSet(canalDs)))
          .build();
    }

    @Test
    void canalIsFlannelNetworkingWithCalicoPolicyAndItsDaemonSetIsTheWorkload() {
      Detection d = detector.detect(canal("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}"));

      assertDecided(d, Scenario.OVERLAY, "canal");
      assertThat(d.summary()).isEqualTo("Canal: Flannel VXLAN overlay, Calico for policy only");
      assertThat(d.cniWorkload()).isEqualTo(canalDs);
      assertThat(d.evidence()).contains("calico-node env CALICO_NETWORKING_BACKEND=none",
          "Calico runs policy-only (backend none): it does not carry pod traffic",
          "ConfigMap kube-system/canal-config net-conf.json Backend.Type=vxlan");
    }

    @Test
    void canalsPoolWithBothModesNeverIsNeverReadAsBgp() {
      Detection d = detector.detect(canal("{\"Backend\":{\"Type\":\"host-gw\"}}"));

      Finding blocker = assertUndecided(d, "canal");
      assertThat(d.scenario()).isNotEqualTo(Scenario.BGP);
      assertThat(blocker.message()).startsWith("Canal's Flannel host-gw");
    }

    @Test
    void policyOnlyCalicoWithFlannelVxlanIsAnOverlayViaFlannel() {
      ObservedState canal = ObservedState.builder()
          .calico(calico(List.of(pool("p", "Never", "Never")), "none"))
          .flannel(new FlannelFacts("kube-system", "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}",
              daemonSet(WorkloadRef.daemonSet("kube-system", "canal"))))
          .build();

      Detection d = detector.detect(canal);

      assertDecided(d, Scenario.OVERLAY, "flannel");
      assertThat(d.summary()).isEqualTo("Flannel VXLAN overlay");
      assertThat(d.evidence()).contains("Calico runs policy-only (backend none): it does not carry pod traffic",
          "ConfigMap kube-system/kube-flannel-cfg net-conf.json Backend.Type=vxlan");
    }

    @Test
    void policyOnlyCalicoAloneIsUndecidedAndSaysCalicoIsPolicyOnly() {
      Detection d = detect(calico(List.of(), "none"));

      Finding blocker = assertUndecided(d, null);
      assertThat(blocker.message()).contains("policy-only").contains("HOST_NETWORK");
    }

    @Test
    void calicoWithoutAnObservedDaemonSetNamesNoWorkload() {
      CalicoFacts noDaemonSet = new CalicoFacts(List.of(pool("p", "Never", "Never")), "bird", Map.of(), null, null);

      Detection d = detect(noDaemonSet);

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.cniWorkload()).isNull();
      assertThat(d.evidence()).contains("no calico-node DaemonSet observed");
    }

    @Test
    void calicoNodeInAnotherNamespaceIsTheWorkload() {
      WorkloadRef elsewhere = WorkloadRef.daemonSet("calico", "calico-node");
      CalicoFacts facts = new CalicoFacts(List.of(pool("p", "Never", "Never")), "bird", Map.of(),
          daemonSet(elsewhere), null);

      assertThat(detect(facts).cniWorkload()).isEqualTo(elsewhere);
    }
  }

  // ---- Calico managed by the Tigera operator ------------------------------------------------------------------

  @Nested
  class TigeraOperator {

    private final WorkloadRef calicoSystemNode = WorkloadRef.daemonSet("calico-system", "calico-node");

    private CalicoFacts operatorManaged(List<IpPool> pools, String bgp, TigeraInstallation.Pool... installationPools) {
      TigeraInstallation installation = new TigeraInstallation("default", "99", bgp, List.of(installationPools), null);
      return new CalicoFacts(pools, null, Map.of(), daemonSet(calicoSystemNode), installation);
    }

    @Test
    void theEvidenceNamesBothTheInstallationAndTheDaemonSetItRenders() {
      Detection rendered = detect(operatorManaged(List.of(pool("default-ipv4-ippool", null, null)), null));
      CalicoFacts notRendered = new CalicoFacts(List.of(pool("default-ipv4-ippool", null, null)), null, Map.of(),
          null, new TigeraInstallation("default", "99", null, List.of(), null));

      assertThat(rendered.evidence()).contains("it renders DaemonSet calico-system/calico-node, which runs "
          + "calico-node").anyMatch(e -> e.startsWith("Tigera Installation default manages Calico"));
      assertThat(detect(notRendered).evidence()).contains(
          "the DaemonSet it renders, calico-system/calico-node, was not observed (not rendered yet?)");
    }

    @Test
    void theOperatorsDefaultBgpWithoutAnyVisiblePoolIsNotTakenForTheBgpScenario() {
      Detection d = detect(operatorManaged(List.of(), null));

      Finding blocker = assertUndecided(d, "calico");
      assertThat(d.evidence()).contains("Installation spec.calicoNetwork.bgp=absent (default Enabled)",
          "no IPPool observed and the Installation declares no ipPools");
      assertThat(blocker.message()).contains("depends on its version");
    }

    @Test
    void theOperatorsVxlanCrossSubnetPoolsWithTheDefaultBgpAreUndecidedNotBgp() {
      // custom-resources.yaml of Calico's operator install: encapsulation VXLANCrossSubnet, no bgp field.
      Detection d = detect(operatorManaged(List.of(pool("default-ipv4-ippool", "Never", "CrossSubnet")), null,
          new TigeraInstallation.Pool("192.168.0.0/16", "VXLANCrossSubnet")));

      assertUndecided(d, "calico");
      assertThat(d.scenario()).isNotEqualTo(Scenario.BGP);
    }

    @Test
    void poolsOfANewerOperatorWithEncapsulationNoneCarryNoModesAndAreRoutedByBgp() {
      Detection d = detect(operatorManaged(List.of(pool("default-ipv4-ippool", null, null)), null,
          new TigeraInstallation.Pool("192.168.0.0/16", "None")));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.evidence()).contains("IPPool default-ipv4-ippool 10.244.0.0/16: ipipMode=absent (Never), "
          + "vxlanMode=absent (Never)");
    }

    @Test
    void encapsulationNoneWithBgpIsBgpAndTheWorkloadIsTheInstallation() {
      Detection d = detect(operatorManaged(List.of(), null, new TigeraInstallation.Pool("10.244.0.0/16", "None")));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.cniWorkload()).isEqualTo(WorkloadRef.tigeraInstallation("default"));
      assertThat(d.cniWorkload().kind()).isEqualTo(WorkloadRef.Kind.TIGERA_INSTALLATION);
      assertThat(d.cniWorkload().name()).isEqualTo("default");
      assertThat(d.evidence()).contains(
          "Installation spec.calicoNetwork.bgp=absent (default Enabled)",
          "Installation pool 10.244.0.0/16: encapsulation=None")
          .anyMatch(e -> e.startsWith("Tigera Installation default manages Calico"));
    }

    @Test
    void bgpEnabledExplicitlyWithEncapsulationNoneIsBgp() {
      Detection d = detect(operatorManaged(List.of(), "Enabled", new TigeraInstallation.Pool("10.244.0.0/16", "None")));

      assertDecided(d, Scenario.BGP, "calico");
      assertThat(d.evidence()).contains("Installation spec.calicoNetwork.bgp=Enabled");
    }

    @Test
    void bgpDisabledWithoutEncapsulationIsUndecided() {
      Detection d = detect(operatorManaged(List.of(), "Disabled", new TigeraInstallation.Pool("10.244.0.0/16", "None")));

      assertUndecided(d, "calico");
      assertThat(d.evidence()).contains("Installation spec.calicoNetwork.bgp=Disabled");
      assertThat(d.cniWorkload()).isEqualTo(WorkloadRef.tigeraInstallation("default"));
    }

    @Test
    void bgpDisabledWithVxlanIsAnOverlay() {
      Detection d = detect(operatorManaged(List.of(), "Disabled", new TigeraInstallation.Pool("10.244.0.0/16", "VXLAN")));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.summary()).isEqualTo("Calico VXLAN overlay");
    }

    @Test
    void installationPoolIpipCrossSubnetIsUndecided() {
      Detection d = detect(operatorManaged(List.of(), null,
          new TigeraInstallation.Pool("10.244.0.0/16", "IPIPCrossSubnet")));

      assertUndecided(d, "calico");
      assertThat(d.evidence()).contains("Installation pool 10.244.0.0/16: encapsulation=IPIPCrossSubnet");
    }

    @Test
    void installationPoolVxlanCrossSubnetIsUndecided() {
      assertUndecided(detect(operatorManaged(List.of(), null,
          new TigeraInstallation.Pool("10.244.0.0/16", "VXLANCrossSubnet"))), "calico");
    }

    @Test
    void installationPoolWithoutEncapsulationGetsTheOperatorDefault() {
      Detection withBgp = detect(operatorManaged(List.of(), null, new TigeraInstallation.Pool("10.244.0.0/16", null)));
      Detection withoutBgp = detect(operatorManaged(List.of(), "Disabled",
          new TigeraInstallation.Pool("10.244.0.0/16", null)));

      assertDecided(withBgp, Scenario.OVERLAY, "calico");
      assertThat(withBgp.evidence())
          .contains("Installation pool 10.244.0.0/16: encapsulation=IPIP (absent, the operator's default)");
      assertDecided(withoutBgp, Scenario.OVERLAY, "calico");
      assertThat(withoutBgp.evidence())
          .contains("Installation pool 10.244.0.0/16: encapsulation=VXLAN (absent, the operator's default)");
    }

    @Test
    void ipPoolsWinOverTheInstallationsPools() {
      Detection d = detect(operatorManaged(List.of(pool("default-ipv4-ippool", "Always", null)), null,
          new TigeraInstallation.Pool("10.244.0.0/16", "None")));

      assertDecided(d, Scenario.OVERLAY, "calico");
      assertThat(d.evidence()).noneMatch(e -> e.startsWith("Installation pool"));
    }
  }

  // ---- Flannel ------------------------------------------------------------------------------------------------

  @Nested
  class Flannel {

    @Test
    void vxlanIsAnOverlay() {
      Detection d = detect(flannel("{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"vxlan\"}}"));

      assertDecided(d, Scenario.OVERLAY, "flannel");
      assertThat(d.summary()).isEqualTo("Flannel VXLAN overlay");
      assertThat(d.evidence()).containsExactly("ConfigMap kube-flannel/kube-flannel-cfg net-conf.json Backend.Type=vxlan");
      assertThat(d.cniWorkload()).isEqualTo(FLANNEL_DS);
    }

    @Test
    void backendAndTypeKeysMatchInAnyCase() {
      Detection lower = detect(flannel("{\"Network\": \"10.244.0.0/16\", \"backend\": {\"type\": \"vxlan\"}}"));
      Detection upper = detect(flannel("{\"Network\": \"10.244.0.0/16\", \"BACKEND\": {\"TYPE\": \"VXLAN\"}}"));

      assertDecided(lower, Scenario.OVERLAY, "flannel");
      assertDecided(upper, Scenario.OVERLAY, "flannel");
      assertThat(upper.evidence()).contains("ConfigMap kube-flannel/kube-flannel-cfg net-conf.json Backend.Type=VXLAN");
    }

    @Test
    void absentBackendMeansUdpWhichIsAnOverlay() {
      Detection d = detect(flannel("{\"Network\": \"10.244.0.0/16\"}"));

      assertDecided(d, Scenario.OVERLAY, "flannel");
      assertThat(d.summary()).isEqualTo("Flannel UDP overlay");
      assertThat(d.evidence()).containsExactly(
          "ConfigMap kube-flannel/kube-flannel-cfg net-conf.json Backend.Type=absent (udp)");
    }

    @Test
    void backendWithoutTypeIsUndecidedBecauseFlannelRefusesIt() {
      Detection empty = detect(flannel("{\"Network\": \"10.244.0.0/16\", \"Backend\": {}}"));
      Detection nullBackend = detect(flannel("{\"Network\": \"10.244.0.0/16\", \"Backend\": null}"));
      Detection numericType = detect(flannel("{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": 1}}"));

      assertUndecided(empty, "flannel");
      assertUndecided(nullBackend, "flannel");
      assertUndecided(numericType, "flannel");
    }

    @Test
    void hostGwIsUndecided() {
      Finding blocker = assertUndecided(detect(flannel("{\"Backend\": {\"Type\": \"host-gw\"}}")), "flannel");

      assertThat(blocker.message()).contains("host-gw");
    }

    @Test
    void vxlanWithDirectRoutingIsUndecided() {
      Detection d = detect(flannel("{\"Backend\": {\"Type\": \"vxlan\", \"DirectRouting\": true}}"));

      assertUndecided(d, "flannel");
      assertThat(d.evidence()).contains("ConfigMap kube-flannel/kube-flannel-cfg net-conf.json Backend.DirectRouting=true");
    }

    @Test
    void vxlanWithDirectRoutingFalseIsAnOverlay() {
      assertDecided(detect(flannel("{\"Backend\": {\"Type\": \"vxlan\", \"directrouting\": false}}")),
          Scenario.OVERLAY, "flannel");
    }

    @Test
    void ipipIsAnOverlayUnlessItRoutesDirectly() {
      assertDecided(detect(flannel("{\"Backend\": {\"Type\": \"ipip\"}}")), Scenario.OVERLAY, "flannel");
      assertUndecided(detect(flannel("{\"Backend\": {\"Type\": \"ipip\", \"DirectRouting\": true}}")), "flannel");
    }

    @Test
    void backendTheRunbookDoesNotCoverIsUndecided() {
      assertUndecided(detect(flannel("{\"Backend\": {\"Type\": \"wireguard\"}}")), "flannel");
    }

    @Test
    void missingNetConfIsUndecided() {
      Detection d = detect(flannel(null));

      assertUndecided(d, "flannel");
      assertThat(d.evidence()).containsExactly("ConfigMap kube-flannel/kube-flannel-cfg has no net-conf.json");
    }

    @Test
    void netConfThatIsNotJsonIsUndecided() {
      Detection d = detect(flannel("Backend: vxlan"));

      assertUndecided(d, "flannel");
      assertThat(d.evidence()).containsExactly("ConfigMap kube-flannel/kube-flannel-cfg net-conf.json is not a JSON object");
    }

    @Test
    void netConfThatIsEmptyOrNotAnObjectIsUndecidedNotUdp() {
      assertUndecided(detect(flannel("")), "flannel");
      assertUndecided(detect(flannel("[]")), "flannel");
      assertUndecided(detect(flannel("\"vxlan\"")), "flannel");
    }

    @Test
    void flannelIsFoundInKubeSystemAsWellAsKubeFlannel() {
      WorkloadRef older = WorkloadRef.daemonSet("kube-system", "kube-flannel-ds-amd64");

      Detection d = detector.detect(ObservedState.builder()
          .flannel(new FlannelFacts("kube-system", "{\"Backend\": {\"Type\": \"vxlan\"}}", daemonSet(older)))
          .build());

      assertDecided(d, Scenario.OVERLAY, "flannel");
      assertThat(d.evidence()).containsExactly("ConfigMap kube-system/kube-flannel-cfg net-conf.json Backend.Type=vxlan");
      assertThat(d.cniWorkload()).isEqualTo(older);
    }

    @Test
    void flannelWithoutADaemonSetNamesNoWorkload() {
      Detection d = detector.detect(ObservedState.builder()
          .flannel(new FlannelFacts("kube-flannel", "{\"Backend\": {\"Type\": \"vxlan\"}}", null)).build());

      assertDecided(d, Scenario.OVERLAY, "flannel");
      assertThat(d.cniWorkload()).isNull();
    }
  }

  // ---- Cilium -------------------------------------------------------------------------------------------------

  @Nested
  class Cilium {

    @Test
    void before114TunnelVxlanIsAnOverlay() {
      Detection d = detect(cilium("v1.13.4", Map.of("tunnel", "vxlan")));

      assertDecided(d, Scenario.OVERLAY, "cilium");
      assertThat(d.summary()).isEqualTo("Cilium VXLAN overlay");
      assertThat(d.evidence()).containsExactly("Cilium version v1.13.4", "cilium-config tunnel=vxlan");
      assertThat(d.cniWorkload()).isEqualTo(CILIUM_DS);
    }

    @Test
    void before114AbsentTunnelMeansVxlan() {
      Detection d = detect(cilium("1.13.0", Map.of()));

      assertDecided(d, Scenario.OVERLAY, "cilium");
      assertThat(d.evidence()).contains("cilium-config tunnel=absent (vxlan)");
    }

    @Test
    void before114TunnelDisabledIsUndecided() {
      Finding blocker = assertUndecided(detect(cilium("v1.13.4", Map.of("tunnel", "disabled"))), "cilium");

      assertThat(blocker.message()).contains("natively");
    }

    @Test
    void before114GeneveIsAnOverlayWithANoteThatTheRunbookNamesOnlyVxlan() {
      Detection d = detect(cilium("v1.13.4", Map.of("tunnel", "geneve")));

      assertGeneveOverlay(d);
    }

    @Test
    void before114RoutingModeIsIgnored() {
      Detection d = detect(cilium("v1.13.4", Map.of("routing-mode", "native")));

      assertDecided(d, Scenario.OVERLAY, "cilium");
      assertThat(d.evidence()).contains("cilium-config routing-mode/tunnel-protocol are ignored before Cilium 1.14");
    }

    @Test
    void from115RoutingModeNativeIsUndecided() {
      Detection d = detect(cilium("v1.15.3", Map.of("routing-mode", "native")));

      assertUndecided(d, "cilium");
      assertThat(d.evidence()).contains("cilium-config routing-mode=native");
    }

    @Test
    void from115AbsentRoutingModeAndProtocolAreAVxlanTunnel() {
      Detection d = detect(cilium("v1.15.3", Map.of()));

      assertDecided(d, Scenario.OVERLAY, "cilium");
      assertThat(d.evidence()).containsExactly("Cilium version v1.15.3",
          "cilium-config routing-mode=absent (tunnel)", "cilium-config tunnel-protocol=absent (vxlan)");
    }

    @Test
    void from115GeneveTunnelProtocolIsAnOverlayDecidedLikeVxlanWithANote() {
      Detection d = detect(cilium("v1.15.3", Map.of("routing-mode", "tunnel", "tunnel-protocol", "geneve")));

      assertGeneveOverlay(d);
      assertThat(d.evidence()).contains("cilium-config tunnel-protocol=geneve");
    }

    @Test
    void geneveIsNotMistakenForAnOverlayWhenTheVersionLeavesTheReadingOpen() {
      Detection d = detect(cilium(null, Map.of("tunnel", "geneve", "routing-mode", "native")));

      assertUndecided(d, "cilium");
    }

    private void assertGeneveOverlay(Detection d) {
      assertThat(d.scenario()).as("evidence %s", d.evidence()).isEqualTo(Scenario.OVERLAY);
      assertThat(d.cni()).isEqualTo("cilium");
      assertThat(d.summary()).isEqualTo("Cilium Geneve overlay");
      assertThat(d.findings()).singleElement().satisfies(f -> {
        assertThat(f.severity()).isEqualTo(Severity.NOTE);
        assertThat(f.code()).isEqualTo("CILIUM_GENEVE_OVERLAY");
        assertThat(f.message()).contains("names only VXLAN").contains("UDP 6081");
      });
    }

    @Test
    void from115TheRemovedTunnelKeyIsIgnored() {
      Detection d = detect(cilium("v1.16.0", Map.of("tunnel", "disabled")));

      assertDecided(d, Scenario.OVERLAY, "cilium");
      assertThat(d.evidence()).contains("cilium-config tunnel=disabled is ignored since Cilium 1.15");
    }

    @Test
    void unrecognisedRoutingModeIsUndecided() {
      assertUndecided(detect(cilium("v1.15.3", Map.of("routing-mode", "magic"))), "cilium");
    }

    @Test
    void in114OnlyTheDeprecatedTunnelKeyIsHonoured() {
      Detection disabled = detect(cilium("v1.14.5", Map.of("tunnel", "disabled")));
      Detection vxlan = detect(cilium("v1.14.5", Map.of("tunnel", "vxlan")));

      assertUndecided(disabled, "cilium");
      assertThat(disabled.evidence()).contains("cilium-config tunnel is deprecated but still honoured by Cilium 1.14",
          "cilium-config tunnel=disabled").noneMatch(e -> e.contains("routing-mode"));
      assertDecided(vxlan, Scenario.OVERLAY, "cilium");
    }

    @Test
    void in114TheNewKeysWorkWithoutTheOldOne() {
      assertUndecided(detect(cilium("v1.14.5", Map.of("routing-mode", "native"))), "cilium");
      assertDecided(detect(cilium("v1.14.5", Map.of())), Scenario.OVERLAY, "cilium");
    }

    @Test
    void in114OldAndNewKeysThatDisagreeAreUndecided() {
      Detection d = detect(cilium("v1.14.5", Map.of("tunnel", "vxlan", "routing-mode", "native")));

      Finding blocker = assertUndecided(d, "cilium");
      assertThat(blocker.message()).contains("Cilium VXLAN overlay or Cilium native routing");
    }

    @Test
    void unknownVersionWithoutRoutingKeysIsAVxlanOverlayEitherWay() {
      Detection d = detect(cilium(null, Map.of()));

      assertDecided(d, Scenario.OVERLAY, "cilium");
      assertThat(d.evidence()).contains("Cilium version unknown", "cilium-config tunnel=absent (vxlan)",
          "cilium-config routing-mode=absent (tunnel)");
    }

    @Test
    void unknownVersionWithKeysThatReadDifferentlyByVersionIsUndecided() {
      // 'tunnel: disabled' is native routing before 1.15 and ignored (a VXLAN tunnel) after it.
      Detection oldKey = detect(cilium(null, Map.of("tunnel", "disabled")));
      // 'routing-mode: native' is native routing from 1.14 on and ignored (a VXLAN tunnel) before it.
      Detection newKey = detect(cilium("latest", Map.of("routing-mode", "native", "tunnel", "disabled",
          "tunnel-protocol", "vxlan")));

      Finding blocker = assertUndecided(oldKey, "cilium");
      assertThat(blocker.message()).contains("the version is unknown");
      assertThat(newKey.scenario()).isEqualTo(Scenario.UNKNOWN);
      assertThat(newKey.evidence()).contains("Cilium version latest (not a version number)");
    }

    @Test
    void unknownVersionWithTunnelVxlanIsAnOverlayEitherWay() {
      assertDecided(detect(cilium(null, Map.of("tunnel", "vxlan"))), Scenario.OVERLAY, "cilium");
    }

    @Test
    void versionIsReadFromImageTags() {
      assertThat(ScenarioDetector.parseVersion("v1.15.3@sha256:0123abcd")).containsExactly(1, 15);
      assertThat(ScenarioDetector.parseVersion("1.13.0-rc1")).containsExactly(1, 13);
      assertThat(ScenarioDetector.parseVersion("v1.14")).containsExactly(1, 14);
      assertThat(ScenarioDetector.parseVersion("latest")).isNull();
      assertThat(ScenarioDetector.parseVersion("1")).isNull();
      assertThat(ScenarioDetector.parseVersion(null)).isNull();
    }
  }

  // ---- several CNIs, none, determinism ------------------------------------------------------------------------

  @Test
  void calicoBgpTogetherWithCiliumIsUndecided() {
    ObservedState state = ObservedState.builder()
        .calico(calico(List.of(pool("p", "Never", "Never")), "bird"))
        .cilium(cilium("v1.15.3", Map.of()))
        .build();

    Detection d = detector.detect(state);

    Finding blocker = assertUndecided(d, "calico+cilium");
    assertThat(blocker.message()).contains("More than one CNI")
        .contains("calico (Calico BGP (bird, no encapsulation))").contains("cilium (Cilium VXLAN overlay)");
    assertThat(d.cniWorkload()).isNull();
    assertThat(d.evidence()).contains("ConfigMap calico-config calico_backend=bird", "Cilium version v1.15.3");
  }

  @Test
  void flannelTogetherWithCiliumIsUndecidedEvenWhenBothAreOverlays() {
    ObservedState state = ObservedState.builder()
        .flannel(flannel("{\"Backend\": {\"Type\": \"vxlan\"}}"))
        .cilium(cilium("v1.15.3", Map.of()))
        .build();

    assertUndecided(detector.detect(state), "flannel+cilium");
  }

  @Test
  void noCniAtAllIsUndecidedAndMentionsHostNetwork() {
    Detection d = detector.detect(ObservedState.builder().build());

    Finding blocker = assertUndecided(d, null);
    assertThat(blocker.message()).contains("No on-premises CNI was found").contains("HOST_NETWORK");
    assertThat(d.evidence()).isEmpty();
    assertThat(d.cniWorkload()).isNull();
  }

  @Test
  void sameInputTwiceGivesEqualDetections() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CALICO_IPV4POOL_VXLAN", "Never");
    env.put("CALICO_IPV4POOL_IPIP", "Always");
    Map<String, String> sameEnvOtherOrder = new LinkedHashMap<>();
    sameEnvOtherOrder.put("CALICO_IPV4POOL_IPIP", "Always");
    sameEnvOtherOrder.put("CALICO_IPV4POOL_VXLAN", "Never");
    ObservedState first = ObservedState.builder()
        .calico(calico(List.of(), "bird", env))
        .cilium(cilium("v1.14.2", Map.of("tunnel", "vxlan", "routing-mode", "native")))
        .build();
    ObservedState second = ObservedState.builder()
        .calico(calico(List.of(), "bird", sameEnvOtherOrder))
        .cilium(cilium("v1.14.2", Map.of("routing-mode", "native", "tunnel", "vxlan")))
        .build();

    Detection a = detector.detect(first);
    Detection b = new ScenarioDetector().detect(second);

    assertThat(a).isEqualTo(b);
    assertThat(detector.detect(first)).isEqualTo(a);
  }
}
