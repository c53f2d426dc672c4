package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.ApplyListener;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ExecutionContext;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.kube.DaemonSetController;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import io.hybridcni.testkit.kube.TigeraOperator;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shipped ClusterRole and the apply lock's Role together grant exactly what the adapter uses. Observe and apply
 * (for real and as dry runs) run against every sample cluster on the mock; every request the mock recorded from the
 * adapter (the fixtures' own requests are drained first) is mapped to the RBAC verb, API group and resource, and must
 * be allowed, the Role's rules counting only for requests in the Role's namespace as RBAC judges them; and every
 * permission the two grant must have been used.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterRoleTest {

  KubernetesMockServer server;
  KubernetesClient client;

  /** One RBAC permission: a verb on a resource of an API group, or on a non-resource URL (group {@code null}). */
  record Permission(String verb, String group, String resource) implements Comparable<Permission> {
    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return group == null ? verb + " " + resource : verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource;
    }
  }

  /** The permission a request needs, as the API server's authorizer derives it. */
  static Permission permissionOf(MockRequests.Recorded request) {
    String path = request.pathOnly();
    String method = request.method();
    if (!path.startsWith("/api/") && !path.startsWith("/apis/")) {
      return new Permission(method.toLowerCase(java.util.Locale.ROOT), null, path);
    }
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    String group = parts.get(0).equals("api") ? "" : parts.get(1);
    List<String> rest = parts.subList(parts.get(0).equals("api") ? 2 : 3, parts.size());
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
    boolean named = rest.size() > 1;
    String verb = switch (method) {
      case "GET" -> named ? "get" : "true".equals(request.query("watch")) ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected method " + method);
    };
    return new Permission(verb, group, resource);
  }

  /**
   * The object a request names ({@code get}, {@code update}, {@code patch}, {@code delete} of one object), or
   * {@code null}: what RBAC matches against a rule's {@code resourceNames}. A create names none (its object's name is
   * in the body, which RBAC does not read), nor does a list or watch here (the adapter's carry no field selector).
   */
  static String nameOf(MockRequests.Recorded request) {
    String path = request.pathOnly();
    if (!path.startsWith("/api/") && !path.startsWith("/apis/") || request.method().equals("POST")) {
      return null;
    }
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    List<String> rest = parts.subList(parts.get(0).equals("api") ? 2 : 3, parts.size());
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      rest = rest.subList(2, rest.size());
    }
    return rest.size() > 1 ? rest.get(1) : null;
  }

  /** The namespace a request goes to, or {@code null} for a cluster-scoped or all-namespaces request. */
  static String namespaceOf(MockRequests.Recorded request) {
    String path = request.pathOnly();
    if (!path.startsWith("/api/") && !path.startsWith("/apis/")) {
      return null;
    }
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    List<String> rest = parts.subList(parts.get(0).equals("api") ? 2 : 3, parts.size());
    return rest.size() >= 3 && rest.get(0).equals("namespaces") ? rest.get(1) : null;
  }

  /**
   * Whether the ClusterRole, or the Role when the request goes to the Role's namespace, allows {@code request}: a
   * RoleBinding grants a Role's rules in the Role's own namespace only.
   */
  static boolean allows(ClusterRole role, Role namespaced, MockRequests.Recorded request) {
    return allows(role.getRules(), request) || (namespaced.getMetadata().getNamespace().equals(namespaceOf(request))
        && allows(namespaced.getRules(), request));
  }

  /** Whether some rule of {@code role} allows {@code request}, its {@code resourceNames} included, as RBAC judges. */
  static boolean allows(ClusterRole role, MockRequests.Recorded request) {
    return allows(role.getRules(), request);
  }

  /** Whether one of {@code rules} allows {@code request}, its {@code resourceNames} included, as RBAC judges. */
  static boolean allows(List<PolicyRule> rules, MockRequests.Recorded request) {
    Permission needed = permissionOf(request);
    String name = nameOf(request);
    for (PolicyRule rule : rules) {
      Set<Permission> byRule = granted(List.of(rule));
      List<String> names = rule.getResourceNames();
      if (byRule.contains(needed) && (names == null || names.isEmpty() || names.contains(name))) {
        return true;
      }
    }
    return false;
  }

  static Set<Permission> granted(ClusterRole role) {
    return granted(role.getRules());
  }

  /** The verbs on resources the rules grant, whatever objects they name. */
  static Set<Permission> granted(List<PolicyRule> rules) {
    Set<Permission> granted = new TreeSet<>();
    for (PolicyRule rule : rules) {
      for (String verb : rule.getVerbs()) {
        assertThat(verb).as("no wildcard verbs").isNotEqualTo("*");
        if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
          rule.getNonResourceURLs().forEach(url -> granted.add(new Permission(verb, null, url)));
          continue;
        }
        for (String group : rule.getApiGroups()) {
          for (String resource : rule.getResources()) {
            assertThat(group + resource).as("no wildcard groups or resources").doesNotContain("*");
            granted.add(new Permission(verb, group, resource));
          }
        }
      }
    }
    return granted;
  }

  private static ClusterRole clusterRole() throws Exception {
    try (InputStream in = ClusterRoleTest.class.getClassLoader()
        .getResourceAsStream("io/hybridcni/kube/hybridcni-clusterrole.yaml")) {
      return Serialization.unmarshal(in, ClusterRole.class);
    }
  }

  private static Role leaseRole() throws Exception {
    try (InputStream in = ClusterRoleTest.class.getClassLoader()
        .getResourceAsStream("io/hybridcni/kube/hybridcni-lease-role.yaml")) {
      return Serialization.unmarshal(in, Role.class);
    }
  }

  private ObservedState observe() {
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      return ObservedState.of(observer.observe(Specs.auto()),
          new CloudFacts(null, SampleClusters.registeredCluster(), List.of()));
    }
  }

  /** The adapter's requests; the simulated controllers' are left out. */
  private final List<MockRequests.Recorded> sent = new ArrayList<>();

  /** The action kinds whose executors the scenario ran, so that one it leaves out is named, not silently unchecked. */
  private final Set<ActionKind> ran = java.util.EnumSet.noneOf(ActionKind.class);

  /** Between two polls of a rollout the operator renders and the DaemonSet controller syncs (not the adapter). */
  private void controllersRun(java.time.Duration pause) {
    sent.addAll(MockRequests.drain(server));
    TigeraOperator.render(client);
    DaemonSetController.step(client, 1);
    MockRequests.drain(server);
  }

  private void excludeCalico(ObservedState state, DryRunMode mode, boolean dryRun) {
    Action action = new Planner().plan(Specs.auto(), state).actions().stream()
        .filter(a -> a.kind() == ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI).findFirst().orElseThrow();
    ran.add(action.kind());
    CniExclusionExecutor.builder(client).dryRunMode(mode).sleeper(this::controllersRun).watchRollout(true).build()
        .run(action, dryRun ? ExecutionContext.dryRun(ApplyListener.NONE) : ExecutionContext.forReal(ApplyListener.NONE));
  }

  /**
   * Restarts Terway for the key just written (a server-side dry run, then for real); no controller plays the
   * rollout here (its requests are not hybridcni's), so the wait gives up at its first poll.
   */
  private void restartTerway() {
    Action restart = new Action("terway-restart", ActionKind.RESTART_TERWAY, io.hybridcni.plan.ChangeType.UPDATE,
        "kubernetes/kube-system/DaemonSet/terway-eniip", "test", List.of(), List.of(),
        new io.hybridcni.plan.ActionDetail.TerwayRestart(io.hybridcni.observe.WorkloadRef.daemonSet("kube-system",
            "terway-eniip"), "kube-system", "alibaba-addon-secret"),
        io.hybridcni.plan.Fingerprint.of(new java.util.TreeMap<>()));
    TerwayRestartExecutor executor = TerwayRestartExecutor.builder(client).dryRunMode(DryRunMode.AUTO)
        .timeout(java.time.Duration.ZERO).sleeper(d -> { }).build();
    ran.add(restart.kind());
    executor.run(restart, ExecutionContext.dryRun(ApplyListener.NONE));
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> executor.run(restart, ExecutionContext.forReal(ApplyListener.NONE)))
        .hasMessageContaining("did not finish within");
  }

  /** Runs a destroy's Kubernetes actions (a dry run, then for real) against the cluster as it is now. */
  private void destroy() {
    ObservedState state = observe();
    for (Action action : new Planner().planDestroy(Specs.auto(), state).actions()) {
      // The removal follows its rollout: the controllers play it between two looks, as in excludeCalico.
      for (var executor : KubeExecutors.create(client, DryRunMode.AUTO, java.time.Clock.systemUTC(),
          this::controllersRun, null)) {
        if (executor.handles(action.kind())) {
          ran.add(action.kind());
          executor.run(action, ExecutionContext.dryRun(ApplyListener.NONE));
          executor.run(action, ExecutionContext.forReal(ApplyListener.NONE));
        }
      }
    }
  }

  /** Runs what the adapter does on one sample cluster and returns the requests it sent. */
  private List<MockRequests.Recorded> adapterRequestsOn(KubeSampleCluster cluster) {
    server.reset();
    cluster.seed(client);
    if (cluster == KubeSampleCluster.CALICO_BGP) {
      KubeSampleCluster.installTerwayAddon(client);
    }
    if (cluster == KubeSampleCluster.CALICO_BGP) {
      // OnDelete, so that the exclusion deletes the calico pod on the cloud node itself (the operator's
      // calico-node is RollingUpdate and covers the rollout's other reads).
      client.apps().daemonSets().inNamespace("kube-system").withName("calico-node").edit(ds -> {
        ds.getSpec().setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategyBuilder()
            .withType("OnDelete").build());
        return ds;
      });
      DaemonSetController.reconcile(client);
    }
    MockRequests.drain(server);
    sent.clear();
    ObservedState state = observe();
    if (cluster == KubeSampleCluster.CALICO_BGP || cluster == KubeSampleCluster.CALICO_OPERATOR) {
      excludeCalico(state, DryRunMode.AUTO, true);
      excludeCalico(state, DryRunMode.CLIENT, false);
    }
    if (cluster == KubeSampleCluster.CALICO_BGP) {
      KubernetesSecretStore store = KubernetesSecretStore.builder(client).dryRunMode(DryRunMode.AUTO).build();
      AccessKeyCredential key = new AccessKeyCredential(SampleClusters.FIXTURE_ACCESS_KEY_ID,
          SecretValue.of(SampleClusters.FIXTURE_ACCESS_KEY_SECRET));
      store.write("kube-system", "alibaba-addon-secret", key, true);
      store.writeAccessKey("kube-system", "alibaba-addon-secret", key);
      store.writeAccessKey("kube-system", "alibaba-addon-secret", key);
      restartTerway();
      // The apply lock: take it, renew it, let another holder fail on it, release it.
      LeaseApplyLock lock = LeaseApplyLock.builder(client).build();
      try (ApplyLock.Held held = lock.acquire("first", java.time.Duration.ZERO)) {
        ((LeaseApplyLock.Hold) held).renew();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lock.acquire("second", java.time.Duration.ZERO))
            .isInstanceOf(io.hybridcni.apply.LockUnavailableException.class);
      }
    }
    if (cluster == KubeSampleCluster.CALICO_BGP || cluster == KubeSampleCluster.CALICO_OPERATOR) {
      destroy();
    }
    sent.addAll(MockRequests.drain(server));
    return List.copyOf(sent);
  }

  @Test
  void theClusterRoleAndTheLeaseRoleAllowEveryRequestTheAdapterSendsAndGrantNothingElse() throws Exception {
    Set<Permission> used = new TreeSet<>();
    List<String> requests = new ArrayList<>();
    List<MockRequests.Recorded> sentRequests = new ArrayList<>();
    for (KubeSampleCluster cluster : KubeSampleCluster.values()) {
      for (MockRequests.Recorded r : adapterRequestsOn(cluster)) {
        used.add(permissionOf(r));
        requests.add(r.toString());
        sentRequests.add(r);
      }
    }
    ClusterRole role = clusterRole();
    Role leases = leaseRole();
    Set<Permission> granted = granted(role);
    granted.addAll(granted(leases.getRules()));

    assertThat(requests).as("requests the adapter sent").isNotEmpty();
    Set<ActionKind> wired = java.util.EnumSet.noneOf(ActionKind.class);
    KubeExecutors.create(client).forEach(e -> wired.addAll(e.kinds()));
    assertThat(ran).as("the kinds of KubeExecutors whose requests were checked here (run a new executor in "
        + "adapterRequestsOn)").containsAll(wired);
    assertThat(granted).as("every permission the adapter used is granted").containsAll(used);
    assertThat(used).as("every permission the role grants was used").containsAll(granted);
    assertThat(sentRequests).as("every request is allowed, by name where a rule names objects")
        .allSatisfy(r -> assertThat(allows(role, leases, r)).as(r.toString()).isTrue());
    assertThat(sentRequests).as("the adapter's Lease requests").anyMatch(r -> r.pathOnly().contains("/leases"));
  }

  /**
   * The ClusterRole grants no Lease at all; the Role grants the apply lock's Lease in kube-system and no other Lease:
   * not another controller's leader Lease there, not a Lease of the same name in another namespace.
   */
  @Test
  void theRoleMayWriteTheApplyLocksLeaseInKubeSystemAloneAndCreateLeasesThereButNowhereElse() throws Exception {
    ClusterRole role = clusterRole();
    Role leases = leaseRole();
    String lock = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hybridcni-apply";
    String scheduler = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler";
    String elsewhere = "/apis/coordination.k8s.io/v1/namespaces/default/leases/hybridcni-apply";

    assertThat(leases.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(granted(role)).as("the ClusterRole's Lease permissions").noneMatch(p -> "leases".equals(p.resource()));
    for (String method : List.of("GET", "PUT", "DELETE")) {
      assertThat(allows(role, leases, new MockRequests.Recorded(method, lock))).as(method + " the apply lock").isTrue();
      assertThat(allows(role, leases, new MockRequests.Recorded(method, scheduler))).as(method + " kube-scheduler's")
          .isFalse();
      assertThat(allows(role, leases, new MockRequests.Recorded(method, elsewhere))).as(method + " in default")
          .isFalse();
    }
    assertThat(allows(role, leases, new MockRequests.Recorded("POST",
        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"))).as("create in kube-system").isTrue();
    assertThat(allows(role, leases, new MockRequests.Recorded("POST",
        "/apis/coordination.k8s.io/v1/namespaces/default/leases"))).as("create in default").isFalse();
    assertThat(allows(role, leases, new MockRequests.Recorded("GET",
        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"))).as("list the Leases").isFalse();
  }

  @Test
  void theRoleMayReadAndWriteTheSharedSecretAloneAndCreateItButNoOtherSecret() throws Exception {
    ClusterRole role = clusterRole();
    String shared = "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret";
    String other = "/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef";

    for (String method : List.of("GET", "PUT", "DELETE")) {
      assertThat(allows(role, new MockRequests.Recorded(method, shared))).as(method + " the shared Secret").isTrue();
      assertThat(allows(role, new MockRequests.Recorded(method, other))).as(method + " another Secret").isFalse();
    }
    assertThat(allows(role, new MockRequests.Recorded("POST", "/api/v1/namespaces/kube-system/secrets"))).isTrue();
    assertThat(allows(role, new MockRequests.Recorded("GET", "/api/v1/namespaces/kube-system/secrets")))
        .as("list every Secret").isFalse();
  }

  /**
   * The role's header lists, for operators who add {@code resourceNames}, the objects the adapter reads by name: every
   * DaemonSet and ConfigMap a CNI detector or Terway's reader names must be there, or a narrowed role hides that CNI.
   */
  @Test
  void theNamesTheRoleSuggestsForResourceNamesCoverEveryObjectTheRegistryReads() throws Exception {
    String header;
    try (InputStream in = ClusterRoleTest.class.getClassLoader()
        .getResourceAsStream("io/hybridcni/kube/hybridcni-clusterrole.yaml")) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      header = text.substring(0, text.indexOf("apiVersion:")).replace("#", " ").replaceAll("\\s+", " ");
    }
    Set<String> daemonSets = suggested(header, "daemonsets");
    Set<String> configMaps = suggested(header, "configmaps");
    List<io.hybridcni.detect.KubeObject> named = new ArrayList<>(io.hybridcni.detect.CniDetectors.reads());
    TerwayReader.WORKLOADS.forEach(w -> named.add(w.object()));
    for (io.hybridcni.detect.KubeObject object : named) {
      switch (object.kind()) {
        case DAEMON_SET -> assertThat(daemonSets).as("daemonsets suggested in the role's header").contains(object.name());
        case CONFIG_MAP -> assertThat(configMaps).as("configmaps suggested in the role's header").contains(object.name());
        default -> { }
      }
    }
  }

  /** The names after {@code "<resource> "} up to the next {@code ;} in the header. */
  private static Set<String> suggested(String header, String resource) {
    int start = header.indexOf(" " + resource + " ");
    assertThat(start).as("the header names %s", resource).isNotNegative();
    String list = header.substring(start + resource.length() + 2, header.indexOf(';', start));
    Set<String> names = new TreeSet<>();
    for (String name : list.split(",")) {
      names.add(name.trim());
    }
    return names;
  }

  @Test
  void requestsMapToTheVerbsTheAuthorizerChecks() {
    assertThat(permissionOf(new MockRequests.Recorded("GET", "/api/v1/nodes?limit=500")))
        .hasToString("list core/nodes");
    assertThat(permissionOf(new MockRequests.Recorded("GET",
        "/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node"))).hasToString("get apps/daemonsets");
    assertThat(permissionOf(new MockRequests.Recorded("PUT",
        "/apis/operator.tigera.io/v1/installations/default?dryRun=All"))).hasToString("update operator.tigera.io/installations");
    assertThat(permissionOf(new MockRequests.Recorded("POST", "/api/v1/namespaces/default/events")))
        .hasToString("create core/events");
    assertThat(permissionOf(new MockRequests.Recorded("GET", "/version"))).hasToString("get /version");
  }
}
