package io.hybridcni.controller.resource;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionDetail;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.plan.PlanKind;
import io.hybridcni.plan.Scenario;
import io.hybridcni.plan.ScenarioReport;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecDigest;
import io.hybridcni.spec.SpecFiles;
import io.hybridcni.status.NetworkStatus;
import io.hybridcni.status.NodeStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** HybridNetwork resources, the generated CRD, and small plans and statuses for the controller's resource tests. */
final class ResourceFixtures {

  static final String NAMESPACE = "hybridcni";
  static final String NAME = "registered";
  /** Where the generator writes the CRD inside the module's classes (the plugin's default). */
  static final String GENERATED_CRD = "META-INF/fabric8/" + HybridNetwork.CRD_NAME + "-v1.yml";
  /** The core module's valid spec files, the same ones SpecFilesTest reads. */
  static final Path VALID_SPECS = Path.of("..", "core", "src", "test", "resources", "spec", "valid");
  private static final ObjectMapper YAML = YAMLMapper.builder().build();

  private ResourceFixtures() {}

  static String generatedCrdText() {
    try (InputStream in = ResourceFixtures.class.getClassLoader().getResourceAsStream(GENERATED_CRD)) {
      if (in == null) {
        throw new IllegalStateException(GENERATED_CRD + " is not on the class path: the crd-generator-maven-plugin "
            + "runs in process-classes; build the controller module with Maven");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers the generated CRD with the mock, which then serves the status subresource as a real server does. */
  static void installCrd(KubernetesClient client) {
    CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(generatedCrdText(),
        CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** The body of a spec file (its sections, without apiVersion and kind) as a resource spec. */
  @SuppressWarnings("unchecked")
  static HybridNetworkResourceSpec specOf(String specFileText) {
    Map<String, Object> body = new LinkedHashMap<>(YAML.readValue(specFileText, Map.class));
    body.remove("apiVersion");
    body.remove("kind");
    return YAML.convertValue(body, HybridNetworkResourceSpec.class);
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HybridNetwork resource(String name, HybridNetworkResourceSpec spec) {
    HybridNetwork resource = new HybridNetwork();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
    resource.setSpec(spec);
    return resource;
  }

  /** Creates the resource {@link #NAME} with the minimal valid spec. */
  static HybridNetwork createMinimal(KubernetesClient client) {
    return client.resource(resource(NAME, specOf(read(VALID_SPECS.resolve("minimal.yaml"))))).create();
  }

  static HybridNetwork get(KubernetesClient client) {
    return client.resources(HybridNetwork.class).inNamespace(NAMESPACE).withName(NAME).get();
  }

  static HybridNetworkSpec minimalSpec() {
    return SpecFiles.parse("minimal.yaml", read(VALID_SPECS.resolve("minimal.yaml")));
  }

  static Plan plan(List<Finding> findings, List<Action> actions) {
    HybridNetworkSpec spec = minimalSpec();
    return new Plan(PlanKind.APPLY, spec.clusterId(), SpecDigest.of(spec),
        new ScenarioReport(Scenario.BGP, "calico IPPools", "Calico BGP", List.of()), findings, actions);
  }

  static Plan emptyPlan() {
    return plan(List.of(), List.of());
  }

  /** A plan that writes the Secret again (the repair of a deleted Secret). */
  static Plan secretRepair() {
    return plan(List.of(), List.of(new Action("secret", ActionKind.ENSURE_ACCESS_KEY_SECRET, ChangeType.CREATE,
        "kubernetes_secret.kube-system/alibaba-addon-secret", "the Secret is missing", List.of(), List.of(),
        new ActionDetail.AccessKeySecret("ack-one-user-c5f0e4a3b2", "kube-system", "alibaba-addon-secret", false),
        null)));
  }

  /** A plan whose blocker's message says {@code text}. */
  static Plan blocked(String text) {
    return plan(List.of(Finding.blocker("ACCESS_KEY_REFUSED", text, List.of())), List.of());
  }

  static NetworkStatus healthy() {
    return new NetworkStatus(Scenario.BGP, List.of(
        new NodeStatus("onprem-1", false, "no cloud label", List.of(), List.of()),
        new NodeStatus("cloud-1", true, "alibabacloud.com/external=true, ECS providerID", List.of(), List.of())),
        List.of(), List.of());
  }

  static NetworkStatus unhealthy() {
    return new NetworkStatus(Scenario.BGP, List.of(
        new NodeStatus("onprem-1", false, "no cloud label", List.of(), List.of()),
        new NodeStatus("cloud-1", true, "alibabacloud.com/external=true, ECS providerID", List.of(),
            List.of("CLOUD_NODE_WITHOUT_TERWAY"))),
        List.of(), List.of(Finding.warning("CLOUD_NODE_WITHOUT_TERWAY", "cloud-1 has no Ready Terway pod",
            List.of())));
  }
}
