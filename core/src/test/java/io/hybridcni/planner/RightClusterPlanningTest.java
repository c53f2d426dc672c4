package io.hybridcni.planner;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.IdentitySignal;
import io.hybridcni.observe.NamespaceFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.ClusterIdVerification;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plan is tied to the right cluster before anything is written: the kubeconfig's cluster carries
 * {@code cluster.id}, ACK reports it in {@code cluster.region}, and the Secret goes into a namespace that exists
 * and where Terway reads it.
 */
class RightClusterPlanningTest {

  static final String OTHER_CLUSTER = "cd1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6";

  private final Planner planner = new Planner();

  private static ObservedState carrying(ObservedState state, IdentitySignal... signals) {
    return state.toBuilder().identity(new ClusterIdentity(true, List.of(signals))).build();
  }

  private static IdentitySignal profile(String id) {
    return new IdentitySignal(IdentitySignal.Kind.CLUSTER_PROFILE, id, SampleClusters.PROFILE_ID_PLACE);
  }

  private static IdentitySignal nodeLabel(String id) {
    return new IdentitySignal(IdentitySignal.Kind.NODE_LABEL, id, "label ack.aliyun.com on 1 node(s): n1");
  }

  @Test
  void aClusterThatCarriesClusterIdIsANoteNamingTheSignalsThatDecided() {
    Plan plan = planner.plan(Specs.bgp(), SampleClusters.freshBgp());

    assertThat(plan).hasNoBlockers().hasNote("CLUSTER_IDENTITY_VERIFIED")
        .findingNames("CLUSTER_IDENTITY_VERIFIED", Specs.CLUSTER_ID, "NODE_LABEL", "CLUSTER_PROFILE", "ack.aliyun.com",
            "kube-system/ack-cluster-profile");
  }

  @Test
  void aKubeconfigPointedAtAnotherRegisteredClusterIsABlockerNamingBothIdsAndTheSignal() {
    Plan plan = planner.plan(Specs.bgp(), carrying(SampleClusters.freshBgp(), profile(OTHER_CLUSTER)));

    assertThat(plan).hasBlocker("CLUSTER_IDENTITY_MISMATCH")
        .findingNames("CLUSTER_IDENTITY_MISMATCH", OTHER_CLUSTER, Specs.CLUSTER_ID, "CLUSTER_PROFILE",
            "kube-system/ack-cluster-profile");
    assertThat(plan.hasBlockers()).isTrue();
  }

  @Test
  void anOverlayPlanWritesNothingButStillSaysItIsTheWrongCluster() {
    Plan wrong = planner.plan(Specs.auto(), carrying(SampleClusters.overlayFlannel(), profile(OTHER_CLUSTER)));
    Plan conflicting = planner.plan(Specs.auto(),
        carrying(SampleClusters.overlayCalicoVxlan(), profile(Specs.CLUSTER_ID), nodeLabel(OTHER_CLUSTER)));
    Plan unnamed = planner.plan(Specs.auto(), carrying(SampleClusters.overlayCilium()));

    assertThat(wrong).hasNote("OVERLAY_NOTHING_TO_INSTALL").hasBlocker("CLUSTER_IDENTITY_MISMATCH")
        .findingNames("CLUSTER_IDENTITY_MISMATCH", OTHER_CLUSTER, Specs.CLUSTER_ID);
    assertThat(wrong.actions()).isEmpty();
    assertThat(conflicting).hasBlocker("CLUSTER_IDENTITY_CONFLICT");
    assertThat(unnamed).hasBlocker("CLUSTER_IDENTITY_UNKNOWN");
  }

  @Test
  void aPlanWhoseScenarioIsUnknownStillSaysItIsTheWrongCluster() {
    assertThat(planner.plan(Specs.auto(), carrying(SampleClusters.ambiguousCni(), profile(OTHER_CLUSTER))))
        .hasBlocker("CLUSTER_IDENTITY_MISMATCH");
  }

  @Test
  void signalsThatNameDifferentClustersAreABlocker() {
    Plan plan = planner.plan(Specs.bgp(),
        carrying(SampleClusters.freshBgp(), profile(Specs.CLUSTER_ID), nodeLabel(OTHER_CLUSTER)));

    assertThat(plan).hasBlocker("CLUSTER_IDENTITY_CONFLICT").hasNoFinding("CLUSTER_IDENTITY_VERIFIED")
        .findingNames("CLUSTER_IDENTITY_CONFLICT", OTHER_CLUSTER, Specs.CLUSTER_ID, "NODE_LABEL", "CLUSTER_PROFILE");
  }

  @Test
  void aClusterThatCarriesNoIdIsABlockerThatSaysHowToStateItExplicitly() {
    Plan plan = planner.plan(Specs.bgp(), carrying(SampleClusters.freshBgp()));

    assertThat(plan).hasBlocker("CLUSTER_IDENTITY_UNKNOWN")
        .findingNames("CLUSTER_IDENTITY_UNKNOWN", "cluster.idVerifiedBy: operator", Specs.CLUSTER_ID,
            "ack.aliyun.com", "names none");
  }

  @Test
  void aStateWithoutTheIdentityObservedIsTreatedAsCarryingNoId() {
    ObservedState unobserved = SampleClusters.freshBgp().toBuilder().identity(null).build();

    assertThat(planner.plan(Specs.bgp(), unobserved)).hasBlocker("CLUSTER_IDENTITY_UNKNOWN")
        .findingNames("CLUSTER_IDENTITY_UNKNOWN", "was not found");
  }

  @Test
  void theOperatorsStatementLiftsTheBlockerWhenTheClusterCarriesNoId() {
    HybridNetworkSpec stated = Specs.builder().mode(io.hybridcni.spec.NetworkMode.BGP)
        .clusterIdVerifiedBy(ClusterIdVerification.OPERATOR).build();

    Plan plan = planner.plan(stated, carrying(SampleClusters.freshBgp()));

    assertThat(plan).hasNoBlockers().hasNote("CLUSTER_IDENTITY_STATED")
        .findingNames("CLUSTER_IDENTITY_STATED", "cluster.idVerifiedBy: operator");
  }

  @Test
  void theOperatorsStatementDoesNotOverrideAnIdTheClusterCarries() {
    HybridNetworkSpec stated = Specs.builder().mode(io.hybridcni.spec.NetworkMode.BGP)
        .clusterIdVerifiedBy(ClusterIdVerification.OPERATOR).build();

    assertThat(planner.plan(stated, carrying(SampleClusters.freshBgp(), nodeLabel(OTHER_CLUSTER))))
        .hasBlocker("CLUSTER_IDENTITY_MISMATCH");
  }

  @Test
  void destroyingFromAKubeconfigOfAnotherClusterIsBlocked() {
    Plan plan = planner.planDestroy(Specs.bgp(), carrying(SampleClusters.convergedBgp(), profile(OTHER_CLUSTER)));

    assertThat(plan).hasBlocker("CLUSTER_IDENTITY_MISMATCH");
  }

  @Test
  void aRegionOtherThanTheOneAckReportsIsABlockerNamingBothRegions() {
    ObservedState elsewhere = SampleClusters.freshBgp().toBuilder()
        .cluster(new ClusterFacts(Specs.CLUSTER_ID, ClusterFacts.REGISTERED_TYPE, "running", "cn-beijing")).build();

    assertThat(planner.plan(Specs.bgp(), elsewhere)).hasBlocker("CLUSTER_REGION_MISMATCH")
        .findingNames("CLUSTER_REGION_MISMATCH", "cn-beijing", Specs.REGION);
    assertThat(planner.plan(Specs.bgp(), SampleClusters.freshBgp())).hasNoFinding("CLUSTER_REGION_MISMATCH");
  }

  @Test
  void aSecretNamespaceThatDoesNotExistIsABlockerAtPlanTime() {
    HybridNetworkSpec spec = Specs.builder().mode(io.hybridcni.spec.NetworkMode.BGP)
        .secret("terway-creds", "alibaba-addon-secret").secretReadBy("a Terway fork").build();
    ObservedState state = SampleClusters.freshBgp().toBuilder()
        .secretNamespace(new NamespaceFacts("terway-creds", false)).build();

    Plan plan = planner.plan(spec, state);

    assertThat(plan).hasBlocker("SECRET_NAMESPACE_NOT_FOUND")
        .findingNames("SECRET_NAMESPACE_NOT_FOUND", "terway-creds", "no RAM user, policy or AccessKey");
    assertThat(planner.plan(spec, state.toBuilder().secretNamespace(new NamespaceFacts("terway-creds", true))
        .build())).hasNoBlockers();
  }

  @Test
  void aSecretTerwayDoesNotMountIsABlockerSayingTerwayWillNotReadIt() {
    HybridNetworkSpec spec = Specs.builder().mode(io.hybridcni.spec.NetworkMode.BGP)
        .secret("kube-system", "my-terway-secret").build();

    assertThat(planner.plan(spec, SampleClusters.freshBgp())).hasBlocker("SECRET_NOT_READ_BY_TERWAY")
        .findingNames("SECRET_NOT_READ_BY_TERWAY", "kube-system/my-terway-secret",
            "kube-system/alibaba-addon-secret", "secret.readBy");
  }

  @Test
  void aSecretThatTheSpecSaysSomethingElseReadsIsOnlyAWarning() {
    HybridNetworkSpec spec = Specs.builder().mode(io.hybridcni.spec.NetworkMode.BGP)
        .secret("kube-system", "my-terway-secret").secretReadBy("terway-fork").build();

    assertThat(planner.plan(spec, SampleClusters.freshBgp())).hasNoBlockers().hasWarning("SECRET_READ_BY_OTHER")
        .findingNames("SECRET_READ_BY_OTHER", "terway-fork", "kube-system/my-terway-secret");
  }

  @Test
  void theSpecFileStatesTheIdentityAndTheSecretsReaderStrictly() {
    HybridNetworkSpec spec = SpecFiles.parse("spec.yaml", "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: "
        + Specs.REGION + "\n  idVerifiedBy: operator\nsecret:\n  name: other\n  readBy: terway-fork\n");

    assertThat(spec.clusterIdVerifiedBy()).isEqualTo(ClusterIdVerification.OPERATOR);
    assertThat(spec.secretReadBy()).isEqualTo("terway-fork");
    assertThat(SpecFiles.parse("spec.yaml", "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: "
        + Specs.REGION + "\n").clusterIdVerifiedBy()).isEqualTo(ClusterIdVerification.CLUSTER);
    assertThat(spec.toBuilder().build()).isEqualTo(spec);

    InvalidInputException bad = catchThrowableOfType(InvalidInputException.class, () -> SpecFiles.parse("spec.yaml",
        "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: " + Specs.REGION + "\n  idVerifiedBy: me\n"));
    assertThat(bad.getMessage()).contains("spec.yaml").contains("cluster.idVerifiedBy")
        .contains("cluster or operator").doesNotContain("\n");
    InvalidInputException empty = catchThrowableOfType(InvalidInputException.class, () -> SpecFiles.parse(
        "spec.yaml", "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: " + Specs.REGION
            + "\nsecret:\n  readBy: ' '\n"));
    assertThat(empty.getMessage()).contains("secret.readBy");
  }
}
