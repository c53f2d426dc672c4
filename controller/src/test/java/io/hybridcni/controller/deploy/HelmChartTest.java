package io.hybridcni.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart renders the objects of deploy/, compared as parsed objects (comments and formatting aside). Helm itself
 * is not run here (no binary on the build machines): {@link GoTemplateSubset} renders the subset of template syntax
 * the chart uses and refuses the rest, so a template outside that subset fails here instead of passing unchecked.
 */
class HelmChartTest {

  @Test
  void theChartWithItsNamespaceRendersExactlyTheObjectsOfDeploy() {
    Map<String, Object> values = Manifests.values();
    values.put("createNamespace", true);

    Map<String, Map<String, Object>> chart = Manifests.chartObjects(values);
    Map<String, Map<String, Object>> deploy = Manifests.deployObjects();

    assertThat(chart.keySet()).containsExactlyInAnyOrderElementsOf(deploy.keySet());
    for (String key : deploy.keySet()) {
      assertThat(chart.get(key)).as(key).isEqualTo(deploy.get(key));
    }
    assertThat(deploy.keySet()).contains("Namespace//hybridcni-system", "ServiceAccount/hybridcni-system/hybridcni-controller",
        "ClusterRole//hybridcni-controller", "ClusterRoleBinding//hybridcni-controller",
        "Role/kube-system/hybridcni-controller-apply-lock", "RoleBinding/kube-system/hybridcni-controller-apply-lock",
        "Role/kube-system/hybridcni-controller-leader", "RoleBinding/kube-system/hybridcni-controller-leader",
        "ConfigMap/hybridcni-system/hybridcni-spec", "Deployment/hybridcni-system/hybridcni-controller",
        "PodDisruptionBudget/hybridcni-system/hybridcni-controller",
        "Service/hybridcni-system/hybridcni-controller-metrics");
  }

  @Test
  void byDefaultTheChartLeavesTheNamespaceToHelmInstallCreateNamespace() {
    Map<String, Map<String, Object>> chart = Manifests.chartObjects(Manifests.values());

    assertThat(chart).doesNotContainKey("Namespace//hybridcni-system").hasSize(Manifests.deployObjects().size() - 1);
  }

  @Test
  void aSpecInAHybridNetworkReplacesTheConfigMapAndItsVolume() {
    Map<String, Object> values = Manifests.values();
    map(values, "spec").put("resourceName", "prod-hybrid");

    Map<String, Map<String, Object>> chart = Manifests.chartObjects(values);
    Map<String, Object> container = container(chart);

    assertThat(chart).doesNotContainKey("ConfigMap/hybridcni-system/hybridcni-spec");
    assertThat(container.get("args")).isEqualTo(List.of("--resource", "prod-hybrid", "--health-port", "8081",
        "--lease-namespace", "kube-system"));
    assertThat(container.get("volumeMounts")).isEqualTo(List.of(Map.of("name", "tmp", "mountPath", "/tmp")));
  }

  @Test
  void theCredentialsSecretAndItsKeysAreTheUsersToName() {
    Map<String, Object> values = Manifests.values();
    Map<String, Object> credentials = map(values, "credentials");
    credentials.put("existingSecret", "ops-aliyun");
    credentials.put("accessKeyIdKey", "id");
    credentials.put("accessKeySecretKey", "secret");

    Map<String, Object> container = container(Manifests.chartObjects(values));

    assertThat(container.get("env").toString()).contains(
        "{name=ALIBABA_CLOUD_ACCESS_KEY_ID, valueFrom={secretKeyRef={name=ops-aliyun, key=id}}}",
        "{name=ALIBABA_CLOUD_ACCESS_KEY_SECRET, valueFrom={secretKeyRef={name=ops-aliyun, key=secret}}}");
  }

  @Test
  void imageReplicasPortAndResourcesComeFromTheValues() {
    Map<String, Object> values = Manifests.values();
    map(values, "image").put("repository", "registry.example.com/hybridcni");
    map(values, "image").put("tag", "1.2.3");
    values.put("replicas", 3);
    values.put("healthPort", 9090);
    map(map(values, "resources"), "limits").put("memory", "1Gi");

    Map<String, Map<String, Object>> chart = Manifests.chartObjects(values);
    Map<String, Object> container = container(chart);

    assertThat(map(chart.get("Deployment/hybridcni-system/hybridcni-controller"), "spec").get("replicas"))
        .isEqualTo(3);
    assertThat(container.get("image")).isEqualTo("registry.example.com/hybridcni:1.2.3");
    assertThat(container.get("args")).isEqualTo(List.of("-f", "/etc/hybridcni/spec.yaml", "--health-port", "9090",
        "--lease-namespace", "kube-system"));
    assertThat(container.get("ports").toString()).contains("containerPort=9090");
    assertThat(map(map(container, "resources"), "limits")).containsEntry("memory", "1Gi").containsEntry("cpu", "1");
    assertThat(chart.get("Service/hybridcni-system/hybridcni-controller-metrics").toString())
        .contains("port=9090", "prometheus.io/port=9090");
  }

  @Test
  void everyTemplateRendersWithinTheSubsetIncludingTheNotes() {
    Map<String, String> rendered = Manifests.renderChart(Manifests.values());

    assertThat(rendered).containsKeys("deployment.yaml", "clusterrole.yaml", "NOTES.txt");
    assertThat(rendered.get("NOTES.txt")).contains("hybridcni-credentials", "hybridcni-system");
  }

  @Test
  void kustomizationListsEveryManifestOfDeployAndTheCrd() throws Exception {
    Map<String, Object> kustomization = map(Manifests.yaml(Manifests.read(
        Manifests.deploy().resolve("kustomization.yaml"))).get(0));
    List<String> yamls;
    try (Stream<Path> files = Files.list(Manifests.deploy())) {
      yamls = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .filter(n -> !n.equals("kustomization.yaml")).toList();
    }

    // The CRD is written by the custom resource's own build (deploy/crds/hybridnetworks.hybridcni.io.yaml).
    assertThat(kustomization.get("resources")).asList().containsExactlyInAnyOrderElementsOf(
        Stream.concat(Stream.of("crds/hybridnetworks.hybridcni.io.yaml"), yamls.stream()).toList());
  }

  @Test
  void theRendererTrimsAsGoTemplatesDoAndRefusesWhatItDoesNotKnow() {
    Map<String, Object> dot = Map.of("Values", Map.of("on", true, "off", false, "n", 8081, "empty", "",
        "map", Map.of("b", 1, "a", "x")));

    assertThat(GoTemplateSubset.render("t", "a:\n{{- if .Values.on }}\n  b\n{{- end }}\nc", dot))
        .isEqualTo("a:\n  b\nc");
    assertThat(GoTemplateSubset.render("t", "a\n{{- if .Values.off }}\nb\n{{- else }}\nc\n{{- end }}\nd", dot))
        .isEqualTo("a\nc\nd");
    assertThat(GoTemplateSubset.render("t", "{{ if not .Values.empty }}yes{{ end }}", dot)).isEqualTo("yes");
    assertThat(GoTemplateSubset.render("t", "p: {{ .Values.n | quote }}", dot)).isEqualTo("p: \"8081\"");
    assertThat(GoTemplateSubset.render("t", "r:\n  {{- toYaml .Values.map | nindent 2 }}", dot))
        .isEqualTo("r:\n  a: x\n  b: 1");
    assertThat(GoTemplateSubset.render("t", "x {{- \"y\" -}} \n z", Map.of())).isEqualTo("xyz");

    assertThatThrownBy(() -> GoTemplateSubset.render("t", "{{ .Values.nope }}", dot))
        .hasMessage("t: no value .Values.nope (at nope)");
    assertThatThrownBy(() -> GoTemplateSubset.render("t", "{{ include \"x\" . }}", dot))
        .hasMessageStartingWith("t: {{ include \"x\" . }} uses what this renderer does not know");
    assertThatThrownBy(() -> GoTemplateSubset.render("t", "{{ if .Values.on }}x", dot))
        .hasMessage("t: {{ if .Values.on }} without its {{ end }}");
    assertThatThrownBy(() -> GoTemplateSubset.render("t", "{{ .Values.map }}", dot))
        .hasMessageContaining("print a map or list with toYaml");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object object, String key) {
    return (Map<String, Object>) ((Map<String, Object>) object).get(key);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object object) {
    return (Map<String, Object>) object;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> container(Map<String, Map<String, Object>> objects) {
    Map<String, Object> pod = map(map(map(objects.get("Deployment/hybridcni-system/hybridcni-controller"), "spec"),
        "template"), "spec");
    return (Map<String, Object>) ((List<Object>) pod.get("containers")).get(0);
  }
}
