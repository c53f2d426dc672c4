package io.hybridcni.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD generated from the model at build time is the one committed for users: the plain manifests under
 * {@code deploy/crds/} and the chart's {@code crds/} (Helm installs that folder before the templates). Run with
 * {@code -Dhybridcni.updateCrd=true} to refresh both copies from the generated file.
 */
@EnableKubeApiMock
class CustomResourceDefinitionFileTest {

  private static final String FILE = HybridNetwork.CRD_NAME + ".yaml";
  private static final List<Path> COMMITTED = List.of(Path.of("..", "deploy", "crds", FILE),
      Path.of("..", "charts", "hybridcni", "crds", FILE));

  KubernetesClient client;

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void theCommittedCopyIsTheGeneratedCrd(int which) throws IOException {
    Path committed = COMMITTED.get(which);
    String generated = ResourceFixtures.generatedCrdText();
    if (Boolean.getBoolean("hybridcni.updateCrd")) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, generated);
    }
    assertThat(Files.exists(committed) ? Files.readString(committed) : "(missing)")
        .as("%s differs from the CRD generated from the model (controller/target/classes/%s); refresh it with "
            + "./mvnw -o -B -q -pl controller -am test -Dtest=CustomResourceDefinitionFileTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dhybridcni.updateCrd=true, and read the diff",
            Path.of("").toAbsolutePath().getParent().relativize(committed.toAbsolutePath().normalize()),
            ResourceFixtures.GENERATED_CRD)
        .isEqualTo(generated);
  }

  @Test
  void theCrdNamesTheResourceAsTheRbacRulesAndTheChartDo() {
    CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(ResourceFixtures.generatedCrdText(),
        CustomResourceDefinition.class);

    assertThat(crd.getMetadata().getName()).isEqualTo("hybridnetworks.hybridcni.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("hybridcni.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("HybridNetwork");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("hybridnetworks");
    assertThat(crd.getSpec().getNames().getSingular()).isEqualTo("hybridnetwork");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("hn");
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
    assertThat(version.getAdditionalPrinterColumns()).extracting(c -> c.getName())
        .containsExactlyInAnyOrder("Scenario", "Ready", "Drifted", "Blocked", "Age");
  }

  @Test
  void theSchemaDocumentsTheKnownFieldsAndKeepsTheOnesItDoesNotKnow() {
    CustomResourceDefinition crd = new KubernetesSerialization().unmarshal(ResourceFixtures.generatedCrdText(),
        CustomResourceDefinition.class);
    var spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");

    assertThat(spec.getXKubernetesPreserveUnknownFields()).as("a section a newer spec adds").isTrue();
    assertThat(spec.getRequired()).containsExactly("cluster");
    var cluster = spec.getProperties().get("cluster");
    assertThat(cluster.getProperties().get("id").getType()).isEqualTo("string");
    assertThat(cluster.getProperties().get("id").getDescription()).isNotBlank();
    assertThat(cluster.getRequired()).containsExactlyInAnyOrder("id", "region");
    assertThat(cluster.getXKubernetesPreserveUnknownFields())
        .as("a misspelt field reaches SpecFiles, which names it, instead of being pruned").isTrue();
    assertThat(spec.getProperties().get("network").getProperties().get("deleteCloudNodePods").getType())
        .isEqualTo("boolean");
    var config = spec.getProperties().get("addon").getProperties().get("config");
    assertThat(config.getType()).as("a mapping or a JSON string, as in a file").isNull();
    assertThat(config.getXKubernetesPreserveUnknownFields()).isTrue();
    assertThat(spec.getProperties().get("kubeconfigSecretRef").getProperties()).containsOnlyKeys("name", "key");
  }

  @Test
  void theApiServerTakesTheCrdAndServesTheResource() {
    ResourceFixtures.installCrd(client);

    HybridNetwork created = ResourceFixtures.createMinimal(client);

    assertThat(client.apiextensions().v1().customResourceDefinitions().withName(HybridNetwork.CRD_NAME).get())
        .isNotNull();
    assertThat(ResourceFixtures.get(client).getSpec()).isEqualTo(created.getSpec());
  }
}
