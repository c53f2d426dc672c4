package io.hybridcni.testkit.aliyun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Container Service (2015-12-15, ROA) side of the fake: seeded clusters, their addon instances and the
 * tasks that change them. An addon change shows its transitional state for a configured number of
 * observations, then settles: well, or as a {@linkplain #failNextTask scripted task failure}. Every method holds
 * this object's monitor, so each call is atomic.
 *
 * <p>Where each shape comes from:
 * <ul>
 *   <li>Instance states: {@code active}, {@code updating}, {@code upgrading}, {@code deleting} are documented in
 *       {@code GetClusterAddonInstanceResponseBody} (aliyun/alibabacloud-java-sdk,
 *       cs-20151215/src/main/java/com/aliyun/cs20151215/models/GetClusterAddonInstanceResponseBody.java);
 *       {@code installing}, {@code initial}, {@code Failed}, {@code failed}, {@code Canceled}, {@code unhealthy} are
 *       the states seen on the real service as collected in the project's issue 10 (the Terraform alicloud
 *       provider's old addon wait, alicloud/resource_alicloud_cs_kubernetes_addon.go, fails on {@code Failed} and
 *       {@code Canceled}; its cluster waits start from {@code initial}). An install starts as {@code installing}.</li>
 *   <li>DescribeTaskInfo ({@code GET /tasks/{task_id}}): {@code task_id}, {@code cluster_id}, {@code task_type},
 *       {@code state} ({@code running}, {@code failed}, {@code success}: the CS API reference "DescribeTaskInfo";
 *       newer SDK models write {@code fail}), {@code error} {@code {code, message}} (DescribeTaskInfoResponseBody of
 *       aliyun/alibabacloud-java-sdk cs-20151215), {@code task_result} {@code [{data, status}]} (the API reference:
 *       {@code data} is "the resources that are managed by the task"; for an addon task the fake writes the addon's
 *       name, a reading no document confirms), {@code created}, {@code updated}.</li>
 *   <li>DescribeClusterTasks ({@code GET /clusters/{cluster_id}/tasks}): see {@code listTasks}.</li>
 *   <li>{@code AddonNotFound} and {@code ErrorClusterNotFound}: the codes the Terraform provider matches
 *       (alicloud/service_alicloud_cs.go). The HTTP status of {@code AddonNotFound} is not documented anywhere we
 *       found: the fake answers {@link FakeAliyunOptions#addonNotFoundStatus()}, a guess (404 by default).</li>
 * </ul>
 */
final class CsService {

  static final String API_VERSION = "2015-12-15";
  static final String ACTIVE = "active";
  /** States a change passes through; seeded in one of them, an addon settles like one changed through the API. */
  static final Set<String> TRANSITIONAL = Set.of("installing", "initial", "updating", "upgrading", "deleting");
  /** States an addon stays in until something changes it: the real service's failure states, as spelled there. */
  static final Set<String> TERMINAL = Set.of(ACTIVE, "Failed", "failed", "Canceled", "unhealthy");
  static final Set<String> STATES;

  static {
    Set<String> all = new java.util.LinkedHashSet<>(TERMINAL);
    all.addAll(TRANSITIONAL);
    STATES = Set.copyOf(all);
  }

  /** A task failure scripted for the next change of one addon. */
  record TaskFailure(String code, String message, String stateAfter) {}

  private final Ids ids;
  private final int pollsBeforeSettled;
  private final int addonNotFoundStatus;
  private final Map<String, Cluster> clusters = new LinkedHashMap<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Map<String, java.util.ArrayDeque<TaskFailure>> failures = new LinkedHashMap<>();

  CsService(Ids ids, int pollsBeforeSettled, int addonNotFoundStatus) {
    this.ids = ids;
    this.pollsBeforeSettled = pollsBeforeSettled;
    this.addonNotFoundStatus = addonNotFoundStatus;
  }

  /** A recognised request: the operation and the path parameters it names. */
  record Route(String operation, String clusterId, String name) {}

  /** Maps a method and decoded path segments to an operation, if the fake serves it. */
  static Optional<Route> route(String method, List<String> segments) {
    int size = segments.size();
    if (size >= 2 && segments.get(0).equals("clusters")) {
      String clusterId = segments.get(1);
      if (method.equals("GET") && size == 2) {
        return Optional.of(new Route("DescribeClusterDetail", clusterId, null));
      }
      if (method.equals("GET") && size == 3 && segments.get(2).equals("addon_instances")) {
        return Optional.of(new Route("ListClusterAddonInstances", clusterId, null));
      }
      if (method.equals("GET") && size == 3 && segments.get(2).equals("tasks")) {
        return Optional.of(new Route("DescribeClusterTasks", clusterId, null));
      }
      if (method.equals("GET") && size == 4 && segments.get(2).equals("addon_instances")) {
        return Optional.of(new Route("GetClusterAddonInstance", clusterId, segments.get(3)));
      }
      if (method.equals("POST") && size == 4 && segments.get(2).equals("components")) {
        return switch (segments.get(3)) {
          case "install" -> Optional.of(new Route("InstallClusterAddons", clusterId, null));
          case "upgrade" -> Optional.of(new Route("UpgradeClusterAddons", clusterId, null));
          case "uninstall" -> Optional.of(new Route("UnInstallClusterAddons", clusterId, null));
          default -> Optional.empty();
        };
      }
    }
    if (method.equals("GET") && size == 2 && segments.get(0).equals("tasks")) {
      return Optional.of(new Route("DescribeTaskInfo", null, segments.get(1)));
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------------------------------------- the API

  synchronized JsonNode handle(Route route, String body, String requestId) {
    return switch (route.operation()) {
      case "DescribeClusterDetail" -> describeCluster(existingCluster(route.clusterId()));
      case "ListClusterAddonInstances" -> listAddons(existingCluster(route.clusterId()));
      case "GetClusterAddonInstance" -> getAddon(existingCluster(route.clusterId()), route.name());
      case "InstallClusterAddons" -> install(existingCluster(route.clusterId()), body, requestId);
      case "UpgradeClusterAddons" -> upgrade(existingCluster(route.clusterId()), body, requestId);
      case "UnInstallClusterAddons" -> uninstall(existingCluster(route.clusterId()), body, requestId);
      case "DescribeTaskInfo" -> describeTask(route.name());
      case "DescribeClusterTasks" -> listTasks(existingCluster(route.clusterId()), requestId);
      default -> throw new IllegalStateException("No handler for " + route.operation());
    };
  }

  /**
   * DescribeClusterDetail ({@code GET /clusters/{id}}): the fields of cs20151215's
   * {@code DescribeClusterDetailResponseBody} hybridcni reads, by their wire names ({@code cluster_id},
   * {@code cluster_type}, {@code state}, {@code region_id}: the region the cluster was registered in, whatever
   * region's endpoint was asked).
   */
  private static ObjectNode describeCluster(Cluster cluster) {
    ObjectNode node = Json.object();
    node.put("cluster_id", cluster.id);
    node.put("name", cluster.name);
    node.put("cluster_type", cluster.type);
    node.put("state", cluster.state);
    node.put("region_id", cluster.regionId);
    node.put("created", cluster.created);
    node.put("updated", cluster.created);
    return node;
  }

  private ObjectNode listAddons(Cluster cluster) {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("addons");
    for (Addon addon : new ArrayList<>(cluster.addons.values())) {
      if (observe(cluster, addon)) {
        ObjectNode node = list.addObject();
        node.put("name", addon.name);
        node.put("version", addon.version);
        node.put("state", addon.state);
      }
    }
    return body;
  }

  private ObjectNode getAddon(Cluster cluster, String name) {
    Addon addon = cluster.addons.get(name);
    if (addon == null || !observe(cluster, addon)) {
      throw addonNotFound(cluster, name);
    }
    ObjectNode node = Json.object();
    node.put("name", addon.name);
    node.put("version", addon.version);
    node.put("state", addon.state);
    node.put("config", addon.config);
    return node;
  }

  private ObjectNode install(Cluster cluster, String body, String requestId) {
    requireRunning(cluster);
    List<JsonNode> items = items(body, "install");
    Map<String, Addon> planned = new LinkedHashMap<>();
    for (JsonNode item : items) {
      String name = text(item, "name", true);
      if (cluster.addons.containsKey(name) || planned.containsKey(name)) {
        throw ApiError.badRequest("AddonAlreadyInstalled",
            "The addon is already installed in cluster " + cluster.id + ": " + name + ".");
      }
      String version = text(item, "version", false);
      // ACK installs its current default version when the request names none.
      planned.put(name, new Addon(name, version.isEmpty() ? FakeAliyun.DEFAULT_ADDON_VERSION : version,
          "installing", config(item)));
    }
    Task task = newTask(cluster, "cluster_addon_install", planned.keySet());
    for (Addon addon : planned.values()) {
      addon.beginChange("installing", null, task.id, pollsBeforeSettled);
      addon.failure = nextFailure(addon.name);
      cluster.addons.put(addon.name, addon);
    }
    return taskAnswer(cluster, task, requestId);
  }

  private ObjectNode upgrade(Cluster cluster, String body, String requestId) {
    requireRunning(cluster);
    List<JsonNode> items = items(body, "upgrade");
    Map<Addon, JsonNode> planned = new LinkedHashMap<>();
    for (JsonNode item : items) {
      String name = text(item, "component_name", true);
      Addon addon = cluster.addons.get(name);
      if (addon == null) {
        throw addonNotFound(cluster, name);
      }
      if (!addon.state.equalsIgnoreCase(ACTIVE)) {
        throw ApiError.badRequest("AddonNotReady",
            "The addon is " + addon.state + ", not active, in cluster " + cluster.id + ": " + name + ".");
      }
      text(item, "next_version", true);
      planned.put(addon, item);
    }
    Task task = newTask(cluster, "cluster_addon_upgrade",
        planned.keySet().stream().map(addon -> addon.name).toList());
    planned.forEach((addon, item) -> {
      String config = config(item);
      if (!config.isEmpty()) {
        addon.config = config;
      }
      addon.beginChange("upgrading", text(item, "next_version", true), task.id, pollsBeforeSettled);
      addon.failure = nextFailure(addon.name);
    });
    return taskAnswer(cluster, task, requestId);
  }

  private ObjectNode uninstall(Cluster cluster, String body, String requestId) {
    requireRunning(cluster);
    List<JsonNode> items = items(body, "uninstall");
    List<Addon> planned = new ArrayList<>();
    for (JsonNode item : items) {
      String name = text(item, "name", true);
      Addon addon = cluster.addons.get(name);
      if (addon == null) {
        throw addonNotFound(cluster, name);
      }
      planned.add(addon);
    }
    Task task = newTask(cluster, "cluster_addon_uninstall", planned.stream().map(addon -> addon.name).toList());
    for (Addon addon : planned) {
      addon.beginChange("deleting", null, task.id, pollsBeforeSettled);
      addon.failure = nextFailure(addon.name);
    }
    return taskAnswer(cluster, task, requestId);
  }

  private ObjectNode describeTask(String taskId) {
    Task task = tasks.get(taskId);
    if (task == null) {
      throw ApiError.notFound("ErrorTaskNotFound", "The task does not exist: " + taskId + ".");
    }
    Cluster cluster = clusters.get(task.clusterId);
    ObjectNode node = Json.object();
    node.put("task_id", task.id);
    node.put("cluster_id", task.clusterId);
    node.put("task_type", task.type);
    ArrayNode results = Json.array();
    boolean running = false;
    for (String name : task.addons) {
      Addon addon = cluster == null ? null : cluster.addons.get(name);
      // Describing the task observes its addons; an addon that settles now is no longer pending.
      boolean pending = addon != null && task.id.equals(addon.taskId) && observe(cluster, addon)
          && addon.taskId != null;
      running |= pending;
      ObjectNode result = results.addObject();
      result.put("data", name);
      result.put("status", pending ? "running" : task.failure != null ? "failed" : "success");
    }
    if (!running && task.finished == null) {
      task.finished = ids.now();
    }
    node.put("state", running ? "running" : task.failure != null ? "failed" : "success");
    node.put("created", task.created);
    node.put("updated", running ? task.created : task.finished);
    if (!running && task.failure != null) {
      ObjectNode error = node.putObject("error");
      error.put("code", task.failure.code());
      error.put("message", task.failure.message());
    }
    node.set("task_result", results);
    return node;
  }

  /**
   * DescribeClusterTasks ({@code GET /clusters/{cluster_id}/tasks}): the cluster's tasks, in the shape of
   * cs20151215 3.0.15's {@code DescribeClusterTasksResponseBody} ({@code tasks [{task_id, task_type, state, created,
   * updated, error {code, message}}]}, {@code page_info {page_number, page_size, total_count}}, and
   * {@code requestId}, which that model names so, without the {@code request_id} of the other CS answers).
   * An entry does not say which addon its task changes (the model has no such field): only DescribeTaskInfo's
   * {@code task_result} does. Listing is not an observation: no addon settles because of it. All tasks come on one
   * page, in creation order; the real service's order and page size are not documented.
   */
  private ObjectNode listTasks(Cluster cluster, String requestId) {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("tasks");
    int count = 0;
    for (Task task : tasks.values()) {
      if (!task.clusterId.equals(cluster.id)) {
        continue;
      }
      count++;
      boolean running = task.addons.stream().map(cluster.addons::get)
          .anyMatch(addon -> addon != null && task.id.equals(addon.taskId));
      ObjectNode node = list.addObject();
      node.put("task_id", task.id);
      node.put("task_type", task.type);
      node.put("state", running ? "running" : task.failure != null ? "failed" : "success");
      node.put("created", task.created);
      node.put("updated", running || task.finished == null ? task.created : task.finished);
      if (!running && task.failure != null) {
        ObjectNode error = node.putObject("error");
        error.put("code", task.failure.code());
        error.put("message", task.failure.message());
      }
    }
    ObjectNode page = body.putObject("page_info");
    page.put("page_number", 1);
    page.put("page_size", Math.max(count, 10));
    page.put("total_count", count);
    body.put("requestId", requestId);
    return body;
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /**
   * Counts one observation of the addon: a transitional state is shown while polls remain, then the change
   * settles. Returns false when the addon settled by being removed.
   */
  private boolean observe(Cluster cluster, Addon addon) {
    if (addon.taskId == null && TERMINAL.contains(addon.state)) {
      return true;
    }
    if (addon.pollsLeft > 0) {
      addon.pollsLeft--;
      return true;
    }
    return settle(cluster, addon);
  }

  private boolean settle(Cluster cluster, Addon addon) {
    Task task = addon.taskId == null ? null : tasks.get(addon.taskId);
    addon.taskId = null;
    if (addon.failure != null) {
      TaskFailure failure = addon.failure;
      addon.failure = null;
      if (task != null) {
        task.failure = failure;
      }
      addon.targetVersion = null;
      if (failure.stateAfter() == null) {
        cluster.addons.remove(addon.name);
        return false;
      }
      addon.state = failure.stateAfter();
      return true;
    }
    if (addon.state.equals("deleting")) {
      cluster.addons.remove(addon.name);
      return false;
    }
    if (addon.targetVersion != null) {
      addon.version = addon.targetVersion;
      addon.targetVersion = null;
    }
    addon.state = ACTIVE;
    return true;
  }

  private Cluster existingCluster(String id) {
    Cluster cluster = clusters.get(id);
    if (cluster == null) {
      throw ApiError.notFound("ErrorClusterNotFound", "The cluster does not exist: " + id + ".");
    }
    return cluster;
  }

  private static void requireRunning(Cluster cluster) {
    if (!cluster.state.equals("running")) {
      throw ApiError.badRequest("ErrorClusterState",
          "The cluster is " + cluster.state + ", not running: " + cluster.id + ".");
    }
  }

  private ApiError addonNotFound(Cluster cluster, String name) {
    return new ApiError(addonNotFoundStatus, "AddonNotFound",
        "The addon is not installed in cluster " + cluster.id + ": " + name + ".");
  }

  private TaskFailure nextFailure(String addonName) {
    java.util.ArrayDeque<TaskFailure> queue = failures.get(addonName);
    return queue == null ? null : queue.poll();
  }

  /**
   * The next install, upgrade or uninstall of {@code addonName} starts a task that fails when it settles: the task
   * reads {@code failed} with {@code error {code, message}}, and the addon is left in {@code stateAfter}
   * ({@code null}: gone, as an install that never happened).
   */
  synchronized void failNextTask(String addonName, String code, String message, String stateAfter) {
    if (stateAfter != null && !STATES.contains(stateAfter)) {
      throw new IllegalArgumentException("Addon state must be one of " + STATES + ", was " + stateAfter);
    }
    failures.computeIfAbsent(addonName, n -> new java.util.ArrayDeque<>())
        .add(new TaskFailure(code, message, stateAfter));
  }

  private static List<JsonNode> items(String body, String what) {
    JsonNode parsed = Json.parseOrNull(body);
    if (parsed != null && parsed.isObject() && parsed.has("addons")) {
      parsed = parsed.get("addons");
    }
    if (parsed == null || !parsed.isArray() || parsed.isEmpty()) {
      throw ApiError.badRequest("InvalidParameter",
          "The " + what + " request body must be a non-empty JSON array of addons.");
    }
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode item : parsed) {
      if (!item.isObject()) {
        throw ApiError.badRequest("InvalidParameter", "Each addon in the " + what + " request must be a JSON object.");
      }
      items.add(item);
    }
    return items;
  }

  private static String text(JsonNode item, String field, boolean required) {
    JsonNode value = item.get(field);
    if (value == null || value.isNull() || (value.isString() && value.stringValue().isEmpty())) {
      if (required) {
        throw ApiError.badRequest("InvalidParameter", "The addon field \"" + field + "\" is required.");
      }
      return "";
    }
    if (!value.isString()) {
      throw ApiError.badRequest("InvalidParameter", "The addon field \"" + field + "\" must be a string.");
    }
    return value.stringValue();
  }

  /** The {@code config} field: absent, or a string that holds a JSON object. */
  private static String config(JsonNode item) {
    String config = text(item, "config", false);
    if (!config.isEmpty()) {
      JsonNode parsed = Json.parseOrNull(config);
      if (parsed == null || !parsed.isObject()) {
        throw ApiError.badRequest("InvalidParameter",
            "The addon field \"config\" must be a string holding a JSON object.");
      }
    }
    return config;
  }

  private Task newTask(Cluster cluster, String type, Iterable<String> addonNames) {
    List<String> names = new ArrayList<>();
    addonNames.forEach(names::add);
    Task task = new Task(ids.taskId(), cluster.id, type, List.copyOf(names), ids.now());
    tasks.put(task.id, task);
    return task;
  }

  private static ObjectNode taskAnswer(Cluster cluster, Task task, String requestId) {
    ObjectNode node = Json.object();
    node.put("cluster_id", cluster.id);
    node.put("request_id", requestId);
    node.put("task_id", task.id);
    return node;
  }

  // ---------------------------------------------------------------------------------------------- seeding

  synchronized void addCluster(String id, String type, String state, String regionId) {
    if (clusters.containsKey(id)) {
      throw new IllegalStateException("Cluster " + id + " is already added");
    }
    clusters.put(id, new Cluster(id, type, state, regionId, id, ids.now()));
  }

  synchronized void seedAddon(String clusterId, String name, String version, String state) {
    Cluster cluster = clusters.get(clusterId);
    if (cluster == null) {
      throw new IllegalStateException("Cluster " + clusterId + " is not added");
    }
    if (!STATES.contains(state)) {
      throw new IllegalArgumentException("Addon state must be one of " + STATES + ", was " + state);
    }
    Addon addon = new Addon(name, version, state, "");
    if (TRANSITIONAL.contains(state)) {
      addon.beginChange(state, null, null, pollsBeforeSettled);
    }
    cluster.addons.put(name, addon);
  }

  synchronized void settleAll() {
    for (Cluster cluster : clusters.values()) {
      // A copy, because settling a deleting addon removes it from the map.
      for (Addon addon : new ArrayList<>(cluster.addons.values())) {
        if (addon.taskId != null || TRANSITIONAL.contains(addon.state)) {
          settle(cluster, addon);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- views

  synchronized Optional<CsCluster> cluster(String id) {
    return Optional.ofNullable(clusters.get(id))
        .map(cluster -> new CsCluster(cluster.id, cluster.type, cluster.state, cluster.regionId, cluster.name));
  }

  synchronized List<CsAddon> addons(String clusterId) {
    Cluster cluster = clusters.get(clusterId);
    if (cluster == null) {
      return List.of();
    }
    return cluster.addons.values().stream()
        .map(addon -> new CsAddon(addon.name, addon.version, addon.state, addon.config))
        .toList();
  }

  synchronized Optional<CsTask> task(String id) {
    Task task = tasks.get(id);
    if (task == null) {
      return Optional.empty();
    }
    Cluster cluster = clusters.get(task.clusterId);
    boolean running = cluster != null && task.addons.stream()
        .map(cluster.addons::get)
        .anyMatch(addon -> addon != null && task.id.equals(addon.taskId));
    String state = running ? "running" : task.failure != null ? "failed" : "success";
    return Optional.of(new CsTask(task.id, task.clusterId, task.type, task.addons, state,
        running || task.failure == null ? null : task.failure.code(),
        running || task.failure == null ? null : task.failure.message()));
  }

  // ---------------------------------------------------------------------------------------------- records

  private static final class Cluster {
    final String id;
    final String type;
    final String state;
    final String regionId;
    final String name;
    final String created;
    final Map<String, Addon> addons = new LinkedHashMap<>();

    Cluster(String id, String type, String state, String regionId, String name, String created) {
      this.id = id;
      this.type = type;
      this.state = state;
      this.regionId = regionId;
      this.name = name;
      this.created = created;
    }
  }

  private static final class Addon {
    final String name;
    String version;
    String state;
    String config;
    String targetVersion;
    String taskId;
    int pollsLeft;
    TaskFailure failure;

    Addon(String name, String version, String state, String config) {
      this.name = name;
      this.version = version;
      this.state = state;
      this.config = config;
    }

    void beginChange(String transitionalState, String target, String task, int polls) {
      state = transitionalState;
      targetVersion = target;
      taskId = task;
      pollsLeft = polls;
    }
  }

  private static final class Task {
    final String id;
    final String clusterId;
    final String type;
    final List<String> addons;
    final String created;
    String finished;
    TaskFailure failure;

    Task(String id, String clusterId, String type, List<String> addons, String created) {
      this.id = id;
      this.clusterId = clusterId;
      this.type = type;
      this.addons = addons;
      this.created = created;
    }
  }
}
