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
 * The controller's ClusterRole and Roles grant everything {@code hybridcni permissions} prints for Kubernetes, and
 * what the controller adds. {@code hybridcni permissions} prints the kube-adapter's resources
 * {@code /io/hybridcni/kube/hybridcni-clusterrole.yaml} and {@code hybridcni-lease-role.yaml} verbatim
 * (PermissionsCommand), so those resources, on this module's class path through the kube-adapter, are what is
 * compared. RBAC is judged as the API server does: a request is allowed when some rule matches its group, resource,
 * verb and, when the rule names any, its name; a Role's rules count only for requests in the Role's namespace, and
 * only when a RoleBinding there binds it to the controller's ServiceAccount.
 */
class ClusterRoleTest {

  private static final String PERMISSIONS = "/io/hybridcni/kube/hybridcni-clusterrole.yaml";
  private static final String LEASE_PERMISSIONS = "/io/hybridcni/kube/hybridcni-lease-role.yaml";
  private static final String LEASES = "coordination.k8s.io";

  @Test
  void everyRuleHybridcniPermissionsPrintsIsInTheControllersClusterRoleAndApplyLockRoleVerbatim() throws IOException {
    List<Map<String, Object>> printed = rules(HelmChartTest.map(Manifests.yaml(permissions()).get(0)));
    Map<String, Object> printedRole = HelmChartTest.map(Manifests.yaml(resource(LEASE_PERMISSIONS)).get(0));
    Map<String, Object> applyLock = Manifests.deployObjects().get("Role/kube-system/hybridcni-controller-apply-lock");

    assertThat(printed).hasSizeGreaterThanOrEqualTo(10);
    assertThat(rules(deployedRole())).containsAll(printed);
    assertThat(HelmChartTest.map(printedRole, "metadata").get("namespace")).isEqualTo("kube-system");
    assertThat(roleRules(applyLock)).containsAll(roleRules(printedRole));
  }

  @Test
  void everyRequestHybridcniPermissionsAllowsIsAllowedToTheController() throws IOException {
    Grants deployed = Grants.of(Manifests.deployObjects());
    List<Request> printed = new ArrayList<>(requests(rules(HelmChartTest.map(Manifests.yaml(permissions()).get(0)))));
    for (Request r : requests(roleRules(HelmChartTest.map(Manifests.yaml(resource(LEASE_PERMISSIONS)).get(0))))) {
      printed.add(r.in("kube-system"));
    }

    assertThat(printed).as("the printed Role's Lease requests").anyMatch(r -> r.resource().equals("leases"));
    for (Request request : printed) {
      assertThat(deployed.allows(request)).as(request.toString()).isTrue();
    }
  }

  @Test
  void theControllerMayListAndWatchWhatItsInformersReadHoldItsLeaseRecordEventsAndWriteItsStatus() {
    Grants deployed = Grants.of(Manifests.deployObjects());
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
    // LeaseLeadership takes, renews and, on close, deletes its Lease (so that a successor need not wait it out).
    for (String verb : List.of("get", "update", "delete")) {
      controller.add(new Request(LEASES, "leases", verb, "hybridcni-controller", "kube-system"));
    }
    controller.add(new Request(LEASES, "leases", "create", null, "kube-system"));
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
      assertThat(deployed.allows(request)).as(request.toString()).isTrue();
    }
  }

  /**
   * No ClusterRole rule names Leases; the base's Roles let the controller write its two Leases in kube-system and no
   * other there (kube-scheduler's, kube-controller-manager's leader election), and no Lease in another namespace.
   */
  @Test
  void theControllerMayWriteItsOwnLeasesInKubeSystemAloneAndNoLeaseElsewhere() {
    Grants deployed = Grants.of(Manifests.deployObjects());

    assertThat(requests(rules(deployedRole()))).as("the ClusterRole's Lease requests")
        .noneMatch(r -> r.resource().equals("leases"));
    for (String verb : List.of("get", "update", "delete")) {
      assertThat(deployed.allows(new Request(LEASES, "leases", verb, "hybridcni-apply", "kube-system"))).isTrue();
      assertThat(deployed.allows(new Request(LEASES, "leases", verb, "kube-scheduler", "kube-system")))
          .as(verb + " kube-scheduler's Lease").isFalse();
      assertThat(deployed.allows(new Request(LEASES, "leases", verb, "kube-controller-manager", "kube-system")))
          .as(verb + " kube-controller-manager's Lease").isFalse();
      assertThat(deployed.allows(new Request(LEASES, "leases", verb, "hybridcni-apply", "default")))
          .as(verb + " the apply lock's name in default").isFalse();
      assertThat(deployed.allows(new Request(LEASES, "leases", verb, "hybridcni-controller", "hybridcni-system")))
          .as(verb + " the leader's name in hybridcni-system").isFalse();
    }
    assertThat(deployed.allows(new Request(LEASES, "leases", "create", null, "default"))).isFalse();
    assertThat(deployed.allows(new Request(LEASES, "leases", "list", null, "kube-system")))
        .as("list Leases without the fleet overlay").isFalse();
  }

  @Test
  void theFleetMayListAndWatchItsShardAndMemberLeasesAndCreateRenewReleaseAndDeleteEachOfThem() {
    Grants fleetHub = Grants.of(Manifests.fleetObjects());
    // As LeaseShards calls the API: one list by label per round and a watch by label between them, then writes of
    // single Leases by name, all in the controller's --lease-namespace.
    List<Request> fleet = new ArrayList<>(List.of(new Request(LEASES, "leases", "list", null, "kube-system"),
        new Request(LEASES, "leases", "watch", null, "kube-system"),
        new Request(LEASES, "leases", "create", null, "kube-system")));
    for (String name : List.of("hybridcni-fleet-shard-0", "hybridcni-fleet-member-hybridcni-controller-7d9f-x2k")) {
      for (String verb : List.of("get", "update", "delete")) {
        fleet.add(new Request(LEASES, "leases", verb, name, "kube-system"));
      }
    }

    for (Request request : fleet) {
      assertThat(fleetHub.allows(request)).as(request.toString()).isTrue();
      assertThat(fleetHub.allows(request.in("default"))).as(request.in("default").toString()).isFalse();
      assertThat(fleetHub.allows(request.in(null))).as("in every namespace: " + request).isFalse();
    }
  }

  /** The chart's leader Role and binding follow {@code rbac.leaseNamespace}, and so does the controller's flag. */
  @Test
  @SuppressWarnings("unchecked")
  void theChartsLeaderRoleIsInTheLeaseNamespaceOfItsValuesAndTheApplyLocksStaysInKubeSystem() {
    Map<String, Object> values = Manifests.values();
    HelmChartTest.map(values, "rbac").put("leaseNamespace", "hybridcni-system");

    Map<String, Map<String, Object>> chart = Manifests.chartObjects(values);
    Grants rendered = Grants.of(chart);
    Map<String, Object> pod = HelmChartTest.map(HelmChartTest.map(HelmChartTest.map(
        chart.get("Deployment/hybridcni-system/hybridcni-controller"), "spec"), "template"), "spec");
    List<String> args = (List<String>) ((List<Map<String, Object>>) pod.get("containers")).get(0).get("args");

    assertThat(chart).containsKeys("Role/hybridcni-system/hybridcni-controller-leader",
        "RoleBinding/hybridcni-system/hybridcni-controller-leader", "Role/kube-system/hybridcni-controller-apply-lock",
        "RoleBinding/kube-system/hybridcni-controller-apply-lock");
    assertThat(String.join(" ", args)).contains("--lease-namespace hybridcni-system");
    assertThat(rendered.allows(new Request(LEASES, "leases", "update", "hybridcni-controller", "hybridcni-system")))
        .isTrue();
    assertThat(rendered.allows(new Request(LEASES, "leases", "update", "hybridcni-controller", "kube-system")))
        .isFalse();
    assertThat(rendered.allows(new Request(LEASES, "leases", "update", "hybridcni-apply", "kube-system"))).isTrue();
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

  /**
   * One API request: a non-resource URL when {@code group} is null; {@code namespace} null for a cluster-scoped
   * request or one across every namespace, which no Role grants.
   */
  record Request(String group, String resource, String verb, String name, String namespace) {
    Request(String group, String resource, String verb, String name) {
      this(group, resource, verb, name, null);
    }

    Request in(String other) {
      return new Request(group, resource, verb, name, other);
    }
  }

  /**
   * What the controller's ServiceAccount ({@code hybridcni-system/hybridcni-controller}) is granted by a set of
   * objects: the ClusterRole's rules everywhere, and each Role's rules in its namespace when a RoleBinding there binds
   * that Role to the ServiceAccount (the RBAC authorizer reads bindings the same way).
   */
  record Grants(List<Map<String, Object>> cluster, Map<String, List<Map<String, Object>>> byNamespace) {

    @SuppressWarnings("unchecked")
    static Grants of(Map<String, Map<String, Object>> objects) {
      Map<String, List<Map<String, Object>>> byNamespace = new java.util.TreeMap<>();
      for (Map<String, Object> binding : objects.values()) {
        if (!"RoleBinding".equals(binding.get("kind"))) {
          continue;
        }
        String namespace = (String) HelmChartTest.map(binding, "metadata").get("namespace");
        Map<String, Object> roleRef = HelmChartTest.map(binding, "roleRef");
        boolean bound = ((List<Map<String, Object>>) binding.get("subjects")).stream().anyMatch(s ->
            "ServiceAccount".equals(s.get("kind")) && "hybridcni-controller".equals(s.get("name"))
                && "hybridcni-system".equals(s.get("namespace")));
        Map<String, Object> role = objects.get("Role/" + namespace + "/" + roleRef.get("name"));
        if (bound && "Role".equals(roleRef.get("kind")) && role != null) {
          byNamespace.computeIfAbsent(namespace, n -> new ArrayList<>()).addAll(roleRules(role));
        }
      }
      return new Grants(rules(objects.get("ClusterRole//hybridcni-controller")), byNamespace);
    }

    boolean allows(Request request) {
      return ClusterRoleTest.allows(cluster, request) || (request.namespace() != null
          && ClusterRoleTest.allows(byNamespace.getOrDefault(request.namespace(), List.of()), request));
    }
  }

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

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> roleRules(Map<String, Object> role) {
    assertThat(role.get("kind")).isEqualTo("Role");
    return (List<Map<String, Object>>) role.get("rules");
  }

  private static Map<String, Object> deployedRole() {
    return Manifests.deployObjects().get("ClusterRole//hybridcni-controller");
  }

  private static String permissions() throws IOException {
    return resource(PERMISSIONS);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ClusterRoleTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name + " on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
