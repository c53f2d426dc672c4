package io.hybridcni.aliyun;

import com.aliyun.cs20151215.Client;
import com.aliyun.cs20151215.models.DescribeClusterDetailResponseBody;
import com.aliyun.cs20151215.models.DescribeClusterTasksResponseBody;
import com.aliyun.teaopenapi.models.OpenApiRequest;
import com.aliyun.teaopenapi.models.Params;
import com.aliyun.teautil.models.RuntimeOptions;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link AckApi} over the CS SDK V2 ({@code cs20151215} 3.0.15). That version lacks
 * {@code ListClusterAddonInstances} and {@code GetClusterAddonInstance} and drops the {@code task_id} of
 * {@code InstallClusterAddons}, so those go through the generic OpenAPI {@code callApi}; so does
 * {@code UnInstallClusterAddons} ({@code POST /clusters/{id}/components/uninstall}, body
 * {@code [{"name": ...}]}), for its task id, and {@code UpgradeClusterAddons}, whose typed answer has no task id
 * either. DescribeTaskInfo goes through {@code callApi} too: 3.0.15's model lacks the task's {@code error}.
 */
public final class SdkAckApi implements AckApi {

  private static final String VERSION = "2015-12-15";

  private final Client typed;
  private final com.aliyun.teaopenapi.Client generic;
  private final Retrier retrier;
  /** The account's shared call budget, taken by every attempt; null: no limit. */
  private final AliyunCallLimiter limiter;
  private final io.hybridcni.error.Sensitive sensitive;

  public SdkAckApi(Client typed, com.aliyun.teaopenapi.Client generic, Retrier retrier) {
    this(typed, generic, retrier, io.hybridcni.error.Sensitive.NONE);
  }

  /** As {@link #SdkAckApi(Client, com.aliyun.teaopenapi.Client, Retrier)}, masking {@code sensitive} in errors. */
  public SdkAckApi(Client typed, com.aliyun.teaopenapi.Client generic, Retrier retrier,
      io.hybridcni.error.Sensitive sensitive) {
    this(typed, generic, retrier, sensitive, null);
  }

  /**
   * As {@link #SdkAckApi(Client, com.aliyun.teaopenapi.Client, Retrier, io.hybridcni.error.Sensitive)}, with every
   * attempt (the first and each retry) taking a permit and a slot of {@code limiter}, or with no limit when it is null.
   */
  public SdkAckApi(Client typed, com.aliyun.teaopenapi.Client generic, Retrier retrier,
      io.hybridcni.error.Sensitive sensitive, AliyunCallLimiter limiter) {
    this.typed = typed;
    this.generic = generic;
    this.retrier = retrier;
    this.limiter = limiter;
    this.sensitive = java.util.Objects.requireNonNull(sensitive, "sensitive");
  }

  private <T> T retried(String operation, String resource, SdkErrors.SdkCall<T> call) {
    return retrier.call(operation, () -> once(operation, resource, call));
  }

  /** The code ACK answers for an addon that is not installed, whatever HTTP status carries it. */
  static final String ADDON_NOT_FOUND = "AddonNotFound";
  /** The code ACK answers for a cluster that does not exist (Terraform's service_alicloud_cs.go matches it). */
  static final String CLUSTER_NOT_FOUND = "ErrorClusterNotFound";

  /**
   * "Not there" is ACK's error code, never the HTTP status: the status of {@code AddonNotFound} is undocumented,
   * and the Terraform alicloud provider (alicloud/service_alicloud_cs.go, {@code DescribeCsKubernetesAddon}) matches
   * the codes {@code AddonNotFound} and {@code ErrorClusterNotFound}. A 404 with another code (a wrong endpoint's
   * {@code InvalidAction.NotFound}) is an error, not an absent addon.
   */
  static boolean notFound(AliyunCallException e, String code) {
    return code.equals(e.code());
  }

  /**
   * One attempt, through the account's limiter when there is one, so that no attempt reaches the cloud unmetered.
   * Writes call it directly and are sent once: after a lost answer only a read-back can say whether ACK acted on it.
   */
  private <T> T once(String operation, String resource, SdkErrors.SdkCall<T> call) {
    return SdkErrors.attempt(limiter, sensitive, operation, resource, call);
  }

  @Override
  public Optional<ClusterFacts> describeCluster(String clusterId) {
    try {
      DescribeClusterDetailResponseBody body = retried("DescribeClusterDetail", "ack/cluster/" + clusterId,
          () -> typed.describeClusterDetail(clusterId).getBody());
      return Optional.of(new ClusterFacts(body.getClusterId(), body.getClusterType(), body.getState(),
          body.getRegionId()));
    } catch (AliyunCallException e) {
      if (notFound(e, CLUSTER_NOT_FOUND)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<AddonInstance> listAddonInstances(String clusterId) {
    Map<String, ?> body = retried("ListClusterAddonInstances", "ack/cluster/" + clusterId + "/addon_instances",
        () -> body(generic.callApi(params("ListClusterAddonInstances", "GET",
            "/clusters/" + clusterId + "/addon_instances"), new OpenApiRequest(), new RuntimeOptions())));
    List<AddonInstance> result = new ArrayList<>();
    if (body != null && body.get("addons") instanceof List<?> addons) {
      for (Object o : addons) {
        if (o instanceof Map<?, ?> addon) {
          result.add(instance(addon));
        }
      }
    }
    return result;
  }

  @Override
  public Optional<AddonInstance> getAddonInstance(String clusterId, String addonName) {
    try {
      Map<String, ?> body = retried("GetClusterAddonInstance",
          "ack/cluster/" + clusterId + "/addon/" + addonName,
          () -> body(generic.callApi(params("GetClusterAddonInstance", "GET",
              "/clusters/" + clusterId + "/addon_instances/" + addonName), new OpenApiRequest(),
              new RuntimeOptions())));
      return Optional.of(instance(body));
    } catch (AliyunCallException e) {
      if (notFound(e, ADDON_NOT_FOUND)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public String installAddon(String clusterId, String addonName, String version, String config) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("name", addonName);
    if (version != null) {
      item.put("version", version);
    }
    if (config != null) {
      item.put("config", config);
    }
    Map<String, ?> body = once("InstallClusterAddons", "ack/cluster/" + clusterId + "/addon/" + addonName,
        () -> body(generic.callApi(params("InstallClusterAddons", "POST",
            "/clusters/" + clusterId + "/components/install"), new OpenApiRequest().setBody(List.of(item)),
            new RuntimeOptions())));
    return taskId(body);
  }

  @Override
  public String upgradeAddon(String clusterId, String addonName, String fromVersion, String toVersion,
      String config) {
    // The typed call of 3.0.15 drops the answer's task_id; the generic call sends the same body and keeps it.
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("component_name", addonName);
    if (fromVersion != null) {
      item.put("version", fromVersion);
    }
    item.put("next_version", toVersion);
    if (config != null) {
      item.put("config", config);
    }
    Map<String, ?> body = once("UpgradeClusterAddons", "ack/cluster/" + clusterId + "/addon/" + addonName,
        () -> body(generic.callApi(params("UpgradeClusterAddons", "POST",
            "/clusters/" + clusterId + "/components/upgrade"), new OpenApiRequest().setBody(List.of(item)),
            new RuntimeOptions())));
    return taskId(body);
  }

  @Override
  public String uninstallAddon(String clusterId, String addonName) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("name", addonName);
    Map<String, ?> body = once("UnInstallClusterAddons", "ack/cluster/" + clusterId + "/addon/" + addonName,
        () -> body(generic.callApi(params("UnInstallClusterAddons", "POST",
            "/clusters/" + clusterId + "/components/uninstall"), new OpenApiRequest().setBody(List.of(item)),
            new RuntimeOptions())));
    return taskId(body);
  }

  @Override
  public Optional<AddonTask> describeTask(String taskId) {
    Map<String, ?> response;
    try {
      response = retried("DescribeTaskInfo", "ack/task/" + taskId,
          () -> generic.callApi(params("DescribeTaskInfo", "GET", "/tasks/" + taskId), new OpenApiRequest(),
              new RuntimeOptions()));
    } catch (AliyunCallException e) {
      // Terraform's DescribeTaskRefreshFunc takes a task ACK does not know as "no state yet"; so does this.
      if (e.code() != null && e.code().contains("NotFound")) {
        return Optional.empty();
      }
      throw e;
    }
    Map<String, ?> body = body(response);
    if (body == null) {
      return Optional.empty();
    }
    String code = null;
    String message = null;
    if (body.get("error") instanceof Map<?, ?> error) {
      code = error.get("code") == null ? null : sensitive.mask(String.valueOf(error.get("code")));
      message = error.get("message") == null ? null : sensitive.mask(String.valueOf(error.get("message")));
    }
    List<String> resources = new ArrayList<>();
    if (body.get("task_result") instanceof List<?> results) {
      for (Object result : results) {
        if (result instanceof Map<?, ?> entry && entry.get("data") != null) {
          resources.add(String.valueOf(entry.get("data")));
        }
      }
    }
    return Optional.of(new AddonTask(taskId, body.get("state") == null ? null : String.valueOf(body.get("state")),
        code, message, requestId(response, body), resources));
  }

  /**
   * Through 3.0.15's typed {@code describeClusterTasks}: its model ({@code DescribeClusterTasksResponseBody}) has
   * every field read here. That release sends no paging parameters, so this is the first page ACK answers.
   */
  @Override
  public List<ClusterTask> listClusterTasks(String clusterId) {
    DescribeClusterTasksResponseBody body = retried("DescribeClusterTasks", "ack/cluster/" + clusterId + "/tasks",
        () -> typed.describeClusterTasks(clusterId).getBody());
    List<ClusterTask> result = new ArrayList<>();
    if (body != null && body.getTasks() != null) {
      for (DescribeClusterTasksResponseBody.DescribeClusterTasksResponseBodyTasks task : body.getTasks()) {
        if (task != null && task.getTaskId() != null) {
          result.add(new ClusterTask(task.getTaskId(), task.getTaskType(), task.getState(), task.getCreated()));
        }
      }
    }
    return result;
  }

  private static String taskId(Map<String, ?> body) {
    return body == null || body.get("task_id") == null ? null : String.valueOf(body.get("task_id"));
  }

  private static String requestId(Map<String, ?> response, Map<String, ?> body) {
    if (response.get("headers") instanceof Map<?, ?> headers) {
      for (Map.Entry<?, ?> h : headers.entrySet()) {
        if ("x-acs-request-id".equalsIgnoreCase(String.valueOf(h.getKey())) && h.getValue() != null) {
          return String.valueOf(h.getValue());
        }
      }
    }
    Object id = body.get("request_id") != null ? body.get("request_id") : body.get("requestId");
    return id == null ? null : String.valueOf(id);
  }

  private static Params params(String action, String method, String path) {
    return new Params().setAction(action).setVersion(VERSION).setProtocol("HTTPS").setPathname(path)
        .setMethod(method).setAuthType("AK").setStyle("ROA").setReqBodyType("json").setBodyType("json");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> body(Map<String, ?> response) {
    Object body = response == null ? null : response.get("body");
    return body instanceof Map<?, ?> m ? (Map<String, ?>) m : null;
  }

  private static AddonInstance instance(Map<?, ?> addon) {
    Object name = addon.get("name");
    Object version = addon.get("version");
    Object state = addon.get("state");
    return new AddonInstance(String.valueOf(name), version == null ? null : String.valueOf(version),
        state == null ? null : String.valueOf(state));
  }
}
