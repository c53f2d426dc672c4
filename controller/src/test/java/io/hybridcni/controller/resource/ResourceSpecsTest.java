package io.hybridcni.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecFiles;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A spec in a HybridNetwork and the same spec in a file are one spec, judged by one parser: every valid spec fixture
 * of the core module, stored in a resource on the API server and read back, gives the HybridNetworkSpec the file
 * gives; a bad one fails with SpecFiles' message, naming the resource and the field under {@code spec.}.
 */
@EnableKubeApiMock
class ResourceSpecsTest {

  KubernetesClient client;

  @BeforeEach
  void installCrd() {
    ResourceFixtures.installCrd(client);
  }

  static Stream<Path> validSpecs() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(ResourceFixtures.VALID_SPECS)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).as("the valid spec fixtures of the core module").hasSizeGreaterThanOrEqualTo(3);
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("validSpecs")
  void aResourceHoldingASpecFilesBodyGivesTheSpecTheFileGives(Path file) {
    String text = ResourceFixtures.read(file);
    HybridNetworkSpec fromFile = SpecFiles.parse(file.toString(), text);

    client.resource(ResourceFixtures.resource("from-file", ResourceFixtures.specOf(text))).create();
    HybridNetwork stored = client.resources(HybridNetwork.class).inNamespace(ResourceFixtures.NAMESPACE)
        .withName("from-file").get();

    assertThat(ResourceSpecs.toSpec(stored)).isEqualTo(fromFile);
  }

  @Test
  void aBadValueIsOneLineNamingTheResourceAndTheFieldUnderSpec() {
    HybridNetwork stored = store("""
        cluster: {id: c5f0e4a3, region: cn-hangzhou}
        """);

    assertThatThrownBy(() -> ResourceSpecs.toSpec(stored))
        .isInstanceOf(InvalidInputException.class)
        .message()
        .startsWith("HybridNetwork hybridcni/bad: spec.cluster.id: ")
        .doesNotContain("\n");
  }

  @Test
  void aMisspeltFieldKeptByTheApiServerIsRefusedAsInAFile() {
    HybridNetwork stored = store("""
        cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: cn-hangzhou}
        ram: {usr: ack-one-user-c5f0e4a3b2}
        """);

    assertThatThrownBy(() -> ResourceSpecs.toSpec(stored))
        .hasMessage("HybridNetwork hybridcni/bad: spec.ram.usr: no such field; allowed here: "
            + "deleteOrphanAccessKeys, policyDocument, policyName, userName");
  }

  @Test
  void aNumberWhereTheFileWantsAStringIsNotTurnedIntoOne() {
    HybridNetwork stored = store("""
        cluster: {id: 123, region: cn-hangzhou}
        """);

    assertThatThrownBy(() -> ResourceSpecs.toSpec(stored))
        .hasMessageStartingWith("HybridNetwork hybridcni/bad: spec.cluster.id: a string, found a number (123)");
  }

  @Test
  void aSectionTheParserDoesNotKnowReachesItAndIsNamed() {
    HybridNetwork stored = store("""
        cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: cn-hangzhou}
        clustr: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b}
        """);

    assertThat(stored.getSpec().getAdditionalSections()).containsOnlyKeys("clustr");
    assertThatThrownBy(() -> ResourceSpecs.toSpec(stored))
        .hasMessageStartingWith("HybridNetwork hybridcni/bad: spec.clustr: no such field");
  }

  @Test
  void theFleetsKubeconfigReferenceIsNotPartOfTheNetworksSpec() {
    HybridNetwork stored = store("""
        cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: cn-hangzhou}
        kubeconfigSecretRef: {name: cluster-a-kubeconfig, key: value}
        """);

    assertThat(stored.getSpec().getKubeconfigSecretRef().getName()).isEqualTo("cluster-a-kubeconfig");
    assertThat(ResourceSpecs.toSpec(stored)).isEqualTo(ResourceFixtures.minimalSpec());
  }

  @Test
  void aSpecLargerThanAFileMayBeIsRefusedAsAFileIs() {
    HybridNetworkResourceSpec spec = ResourceFixtures.specOf("cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, "
        + "region: cn-hangzhou}");
    spec.setAddon(java.util.Map.of("config", "x".repeat(SpecFiles.MAX_BYTES)));

    assertThatThrownBy(() -> ResourceSpecs.toSpec("hybridcni", "big", spec))
        .hasMessage("HybridNetwork hybridcni/big: spec: a spec of at most " + SpecFiles.MAX_BYTES + " bytes");
  }

  @Test
  void aResourceWithoutASpecSaysWhatTheSpecNeeds() {
    HybridNetwork none = ResourceFixtures.resource("bad", null);

    assertThatThrownBy(() -> ResourceSpecs.toSpec(none))
        .hasMessage("HybridNetwork hybridcni/bad: spec: a mapping with at least cluster.id and cluster.region");
  }

  @Test
  void everyProblemOfASpecIsNamedOnOneLineForACondition() {
    HybridNetwork stored = store("""
        cluster: {id: c5f0e4a3, region: 7}
        network: {mode: SOMETIMES}
        """);

    InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
        () -> ResourceSpecs.toSpec(stored));
    assertThat(e.problems()).extracting(InvalidInputException.Problem::field)
        .contains("spec.cluster.id", "spec.cluster.region", "spec.network.mode");
    assertThat(ResourceSpecs.oneLine(e)).doesNotContain("\n").contains("spec.network.mode: one of AUTO");
  }

  private HybridNetwork store(String body) {
    client.resource(ResourceFixtures.resource("bad", ResourceFixtures.specOf(body))).create();
    return client.resources(HybridNetwork.class).inNamespace(ResourceFixtures.NAMESPACE).withName("bad").get();
  }
}
