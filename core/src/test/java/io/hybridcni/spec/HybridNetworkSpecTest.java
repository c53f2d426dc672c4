package io.hybridcni.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.files.SpecFile;
import io.hybridcni.observe.WorkloadRef;
import org.junit.jupiter.api.Test;

/** Building a spec in Java: the same defaults and the same validation as the YAML form. */
class HybridNetworkSpecTest {

  private static final String CLUSTER_ID = "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";

  private static HybridNetworkSpec.Builder minimal() {
    return HybridNetworkSpec.builder().clusterId(CLUSTER_ID).regionId("cn-hangzhou");
  }

  @Test
  void builderAppliesTheVendorDefaults() {
    HybridNetworkSpec spec = minimal().build();

    assertThat(spec.mode()).isEqualTo(NetworkMode.AUTO);
    assertThat(spec.cloudNodeLabel()).isEqualTo(NodeLabel.ALIBABA_CLOUD_EXTERNAL);
    assertThat(spec.ramUserName()).isEqualTo("ack-one-user-c5f0e4a3b2");
    assertThat(spec.ramPolicyName()).isEqualTo("ack-one-registered-cluster-policy-terway-eniip");
    assertThat(spec.policyDocument()).isEqualTo(PolicyDocument.terwayEniip());
    assertThat(spec.secretNamespace()).isEqualTo("kube-system");
    assertThat(spec.secretName()).isEqualTo("alibaba-addon-secret");
    assertThat(spec.addonName()).isEqualTo("terway-eniip");
    assertThat(spec.addonVersion()).isNull();
    assertThat(spec.addonConfig()).isNull();
    assertThat(spec.deleteOrphanAccessKeys()).isFalse();
  }

  @Test
  void defaultPolicyNameFollowsTheAddonName() {
    HybridNetworkSpec spec = minimal().addonName("terway-controlplane").build();

    assertThat(spec.ramPolicyName()).isEqualTo("ack-one-registered-cluster-policy-terway-controlplane");
  }

  @Test
  void defaultUserNameTakesTheFirstTenCharactersOfTheClusterId() {
    assertThat(HybridNetworkSpec.defaultRamUserName("ce313528c3aa0b1c2d3e4f5a6b7c8d9e0"))
        .isEqualTo("ack-one-user-ce313528c3");
  }

  @Test
  void builderReportsEveryInvalidFieldAtOnceWithSourceBuilder() {
    HybridNetworkSpec.Builder builder = HybridNetworkSpec.builder()
        .clusterId("C1")
        .regionId("Hangzhou")
        .cloudNodeLabel(new NodeLabel("bad key", "true"))
        .onPremisesCni(WorkloadRef.daemonSet("Kube_System", "calico-node"))
        .ramUserName("user with spaces")
        .ramPolicyName("policy_with_underscores")
        .secret("kube-system", "Alibaba_Secret")
        .addonName("Terway")
        .addonVersion(" ")
        .addonConfig("[1, 2]");

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, builder::build);

    assertThat(e.problems()).extracting(Problem::source).containsOnly("builder");
    assertThat(e.problems()).extracting(Problem::field).containsExactly(
        "cluster.id", "cluster.region", "network.cloudNodeLabel", "network.onPremisesCni.namespace", "addon.name",
        "ram.userName", "ram.policyName", "secret.name", "addon.config", "addon.version");
    assertThat(e.problems()).filteredOn(p -> p.field().equals("ram.userName")).singleElement()
        .extracting(Problem::expected).asString()
        .isEqualTo("a RAM user name of 1-64 characters [A-Za-z0-9._-], found \"user with spaces\"");
    assertThat(e.problems()).filteredOn(p -> p.field().equals("addon.config")).singleElement()
        .extracting(Problem::expected).asString().startsWith("a JSON object");
  }

  @Test
  void builderNamesTheSourceItWasGiven() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> minimal().source("terraform").regionId("nowhere").build());

    assertThat(e.problems()).extracting(Problem::source, Problem::field)
        .containsExactly(tuple("terraform", "cluster.region"));
  }

  @Test
  void missingRequiredValuesAreReportedAsRequired() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> HybridNetworkSpec.builder().build());

    assertThat(e.problems()).extracting(Problem::field, Problem::expected).containsExactly(
        tuple("cluster.id", "a value (the field is required)"),
        tuple("cluster.region", "a value (the field is required)"));
  }

  @Test
  void missingAddonNameIsOneProblemNotAlsoAMissingPolicyName() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> minimal().addonName(null).build());

    assertThat(e.problems()).extracting(Problem::field).containsExactly("addon.name");
  }

  @Test
  void missingSecretNamespaceIsReported() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> minimal().secret(null, "alibaba-addon-secret").build());

    assertThat(e.problems()).extracting(Problem::field).containsExactly("secret.namespace");
  }

  @Test
  void tigeraInstallationWithoutNamespaceIsAccepted() {
    HybridNetworkSpec spec = minimal().onPremisesCni(WorkloadRef.tigeraInstallation("default")).build();

    assertThat(spec.onPremisesCni().kind()).isEqualTo(WorkloadRef.Kind.TIGERA_INSTALLATION);
  }

  @Test
  void addonConfigIsKeptInCanonicalForm() {
    HybridNetworkSpec spec = minimal().addonConfig("{ \"b\": 1,\n \"a\": {\"z\": true, \"y\": null} }").build();

    assertThat(spec.addonConfig()).isEqualTo("{\"a\":{\"y\":null,\"z\":true},\"b\":1}");
  }

  @Test
  void toBuilderRoundTripsAFullSpec() {
    HybridNetworkSpec spec = SpecFile.load(SpecFilesTest.resource("valid/full.yaml"));

    HybridNetworkSpec copy = spec.toBuilder().build();

    assertThat(copy).isEqualTo(spec);
    assertThat(copy.policyDocument().text()).isEqualTo(spec.policyDocument().text());
  }

  @Test
  void toBuilderRoundTripsTheDefaults() {
    HybridNetworkSpec spec = minimal().build();

    assertThat(spec.toBuilder().build()).isEqualTo(spec);
  }

  @Test
  void toBuilderChangesOnlyWhatIsSetAgain() {
    HybridNetworkSpec spec = minimal().build();

    HybridNetworkSpec bgp = spec.toBuilder().mode(NetworkMode.BGP).build();

    assertThat(bgp.mode()).isEqualTo(NetworkMode.BGP);
    assertThat(bgp.toBuilder().mode(NetworkMode.AUTO).build()).isEqualTo(spec);
  }

  @Test
  void toBuilderOfAnInvalidChangeIsValidatedAgain() {
    HybridNetworkSpec spec = minimal().build();

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> spec.toBuilder().clusterId("not-a-cluster").build());

    assertThat(e.problems()).extracting(Problem::field).containsExactly("cluster.id");
  }

  @Test
  void defaultedRamNamesFollowAClusterIdOrAddonChangedOnTheBuilder() {
    HybridNetworkSpec spec = minimal().build();

    HybridNetworkSpec moved = spec.toBuilder().clusterId("cabcdef0123456789abcdef0123456789").addonName("terway-eni")
        .build();

    assertThat(moved.ramUserName()).isEqualTo("ack-one-user-cabcdef012");
    assertThat(moved.ramPolicyName()).isEqualTo("ack-one-registered-cluster-policy-terway-eni");
  }

  @Test
  void explicitRamNamesSurviveAClusterIdChange() {
    HybridNetworkSpec spec = minimal().ramUserName("platform-terway").build();

    assertThat(spec.toBuilder().clusterId("cabcdef0123456789abcdef0123456789").build().ramUserName())
        .isEqualTo("platform-terway");
  }
}
