package io.hybridcni.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller's ClusterRole grants everything {@code hybridcni permissions} prints for Kubernetes, and what the
 * controller adds. {@code hybridcni permissions} prints the kube-adapter's resource
 * {@code /io/hybridcni/kube/hybridcni-clusterrole.yaml} verbatim (PermissionsCommand), so that resource, on this
 * module's class path through the kube-adapter, is what is compared. RBAC is judged as the API server does: a
 * request is allowed when some rule matches its group, resource, verb and, when the rule names any, its name.
 */
class ClusterRoleTest {

  private static final String PERMISSIONS = "/io/hybridcni/kube/hybridcni-clusterrole.yaml";

  @Test
  void everyRuleHybridcniPermissionsPrintsIsInTheControllersClusterRoleVerbatim() throws IOException {
    List<Map<String, Object>> printed = rules(HelmChartTest.map(Manifests.yaml(permissions()).get(0)));
    List<Map<String, Object>> deployed = rules(deployedRole());

    assertThat(printed).hasSizeGreaterThanOrEqualTo(10);
    assertThat(deployed).containsAll(printed);
  }

  @Test
  void everyRequestHybridcniPermissionsAllowsIsAllowedToTheController() throws IOException {
    List<Map<String, Object>> deployed = rules(deployedRole());

    for (Request request : requests(rules(HelmChartTest.map(Manifests.yaml(permissions()).get(0))))) {
      assertThat(allows(deployed, request)).as(request.toString()).isTrue();
    }
  }

  @Test
  void theControllerMayListAndWatchWhatItsInformersReadHoldItsLeaseRecordEventsAndWriteItsStatus() {
    List<Map<String, Object>> deployed = rules(deployedRole());
    List<Request> controller = new ArrayList<>();
    for (String resource : List.of("nodes", "pods", "configmaps", "namespaces")) {
      controller.add(new Request("", resource, "list", null));
      controller.add(new Request("", resource, "watch", null));
    }
    controller.add(new Request("", "secrets", "list", "alibaba-addon-secret"));
    controller.add(new Request("", "secrets", "watch", "alibaba-addon-secret"));
    controller.add(new Request("apps", "daemonsets", "list", null));
    controller.add(new Request("apps", "daemonsets", "watch", null));
    controller.add(new Request("crd.projectcalico.org", "ippools", "list", null));
    controller.add(new Request("crd.projectcalico.org", "ippools", "watch", null));
    controller.add(new Request("operator.tigera.io", "installations", "list", null));
    controller.add(new Request("operator.tigera.io", "installations", "watch", null));
    controller.add(new Request("operator.tigera.io", "installations", "get", "default"));
    for (String verb : List.of("get", "update")) {
      controller.add(new Request("coordination.k8s.io", "leases", verb, "hybridcni-controller"));
    }
    controller.add(new Request("coordination.k8s.io", "leases", "create", null));
    for (String group : List.of("", "events.k8s.io")) {
      controller.add(new Request(group, "events", "create", null));
      controller.add(new Request(group, "events", "patch", "calico-node.17f3a"));
    }
    for (String verb : List.of("get", "list", "watch")) {
      controller.add(new Request("hybridcni.io", "hybridnetworks", verb, null));
    }
    for (String verb : List.of("get", "update", "patch")) {
      controller.add(new Request("hybridcni.io", "hybridnetworks/status", verb, "prod-hybrid"));
    }

    for (Request request : controller) {
      assertThat(allows(deployed, request)).as(request.toString()).isTrue();
    }
  }

  @Test
  void theFleetMayListAndWatchItsShardAndMemberLeasesAndCreateRenewReleaseAndDeleteEachOfThem() {
    List<Map<String, Object>> deployed = rules(deployedRole());
    // As LeaseShards calls the API: one list by label per round and a watch by label between them, then writes of
    // single Leases by name.
    List<Request> fleet = new ArrayList<>(List.of(new Request("coordination.k8s.io", "leases", "list", null),
        new Request("coordination.k8s.io", "leases", "watch", null),
        new Request("coordination.k8s.io", "leases", "create", null)));
    for (String name : List.of("hybridcni-fleet-shard-0", "hybridcni-fleet-member-hybridcni-controller-7d9f-x2k")) {
      for (String verb : List.of("get", "update", "delete")) {
        fleet.add(new Request("coordination.k8s.io", "leases", verb, name));
      }
    }

    for (Request request : fleet) {
      assertThat(allows(deployed, request)).as(request.toString()).isTrue();
    }
  }

  @Test
  void theControllerMayNotListEverySecretNorWriteItsResourcesSpec() {
    List<Map<String, Object>> deployed = rules(deployedRole());

    assertThat(allows(deployed, new Request("", "secrets", "list", null))).isFalse();
    assertThat(allows(deployed, new Request("", "secrets", "watch", "kubeadm-certs"))).isFalse();
    assertThat(allows(deployed, new Request("hybridcni.io", "hybridnetworks", "update", "prod-hybrid"))).isFalse();
    assertThat(allows(deployed, new Request("hybridcni.io", "hybridnetworks", "delete", "prod-hybrid"))).isFalse();
  }

  @Test
  void aRoleMissingOneRuleOfThePermissionsIsCaught() throws IOException {
    List<Map<String, Object>> printed = rules(HelmChartTest.map(Manifests.yaml(permissions()).get(0)));
    List<Map<String, Object>> lacking = new ArrayList<>(rules(deployedRole()));
    lacking.removeIf(rule -> rule.equals(printed.get(1)));

    assertThat(requests(printed).stream().allMatch(r -> allows(lacking, r))).isFalse();
  }

  @Test
  void theChartsClusterRoleNamesTheManagedSecretFromItsValues() {
    Map<String, Object> values = Manifests.values();
    HelmChartTest.map(values, "rbac").put("managedSecretName", "terway-credentials");

    List<Map<String, Object>> rendered = rules(Manifests.chartObjects(values).get("ClusterRole//hybridcni-controller"));

    assertThat(allows(rendered, new Request("", "secrets", "watch", "terway-credentials"))).isTrue();
    assertThat(allows(rendered, new Request("", "secrets", "watch", "alibaba-addon-secret"))).isFalse();
  }

  /** One API request: a non-resource URL when {@code group} is null. */
  record Request(String group, String resource, String verb, String name) {}

  static boolean allows(List<Map<String, Object>> rules, Request request) {
    for (Map<String, Object> rule : rules) {
      if (request.group() == null) {
        if (list(rule, "nonResourceURLs").contains(request.resource()) && verbs(rule).contains(request.verb())) {
          return true;
        }
        continue;
      }
      List<String> names = list(rule, "resourceNames");
      if ((list(rule, "apiGroups").contains(request.group()) || list(rule, "apiGroups").contains("*"))
          && (list(rule, "resources").contains(request.resource()) || list(rule, "resources").contains("*"))
          && verbs(rule).contains(request.verb())
          && (names.isEmpty() || (request.name() != null && names.contains(request.name())))) {
        return true;
      }
    }
    return false;
  }

  /** Every request a set of rules allows, named where the rule names any. */
  static List<Request> requests(List<Map<String, Object>> rules) {
    List<Request> requests = new ArrayList<>();
    for (Map<String, Object> rule : rules) {
      for (String verb : verbs(rule)) {
        for (String url : list(rule, "nonResourceURLs")) {
          requests.add(new Request(null, url, verb, null));
        }
        for (String group : list(rule, "apiGroups")) {
          for (String resource : list(rule, "resources")) {
            List<String> names = list(rule, "resourceNames");
            if (names.isEmpty()) {
              requests.add(new Request(group, resource, verb, null));
            }
            names.forEach(name -> requests.add(new Request(group, resource, verb, name)));
          }
        }
      }
    }
    return requests;
  }

  private static List<String> verbs(Map<String, Object> rule) {
    List<String> verbs = list(rule, "verbs");
    return verbs.contains("*") ? List.of("get", "list", "watch", "create", "update", "patch", "delete") : verbs;
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Map<String, Object> rule, String key) {
    return (List<String>) rule.getOrDefault(key, List.of());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(Map<String, Object> role) {
    assertThat(role.get("kind")).isEqualTo("ClusterRole");
    return (List<Map<String, Object>>) role.get("rules");
  }

  private static Map<String, Object> deployedRole() {
    return Manifests.deployObjects().get("ClusterRole//hybridcni-controller");
  }

  private static String permissions() throws IOException {
    try (InputStream in = ClusterRoleTest.class.getResourceAsStream(PERMISSIONS)) {
      assertThat(in).as(PERMISSIONS + " on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
