package io.hybridcni.aliyun;

import com.aliyun.cs20151215.Client;
import com.aliyun.cs20151215.models.DescribeClusterDetailResponseBody;
import com.aliyun.cs20151215.models.UpgradeClusterAddonsRequest;
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
 * {@code [{"name": ...}]}), for its task id.
 */
public final class SdkAckApi implements AckApi {

  private static final String VERSION = "2015-12-15";

  private final Client typed;
  private final com.aliyun.teaopenapi.Client generic;
  private final Retrier retrier;
  private final io.hybridcni.error.Sensitive sensitive;

  public SdkAckApi(Client typed, com.aliyun.teaopenapi.Client generic, Retrier retrier) {
    this(typed, generic, retrier, io.hybridcni.error.Sensitive.NONE);
  }

  /** As {@link #SdkAckApi(Client, com.aliyun.teaopenapi.Client, Retrier)}, masking {@code sensitive} in errors. */
  public SdkAckApi(Client typed, com.aliyun.teaopenapi.Client generic, Retrier retrier,
      io.hybridcni.error.Sensitive sensitive) {
    this.typed = typed;
    this.generic = generic;
    this.retrier = retrier;
    this.sensitive = java.util.Objects.requireNonNull(sensitive, "sensitive");
  }

  @FunctionalInterface
  private interface SdkCall<T> {
    T run() throws Exception;
  }

  private <T> T retried(String operation, String resource, SdkCall<T> call) {
    return retrier.call(operation, () -> {
      try {
        return call.run();
      } catch (Exception e) {
        throw SdkErrors.translate(operation, resource, e, sensitive);
      }
    });
  }

  private static boolean notFound(AliyunCallException e) {
    return e.statusCode() != null && e.statusCode() == 404;
  }

  @Override
  public Optional<ClusterFacts> describeCluster(String clusterId) {
    try {
      DescribeClusterDetailResponseBody body = retried("DescribeClusterDetail", "ack/cluster/" + clusterId,
          () -> typed.describeClusterDetail(clusterId).getBody());
      return Optional.of(new ClusterFacts(body.getClusterId(), body.getClusterType(), body.getState(),
          body.getRegionId()));
    } catch (AliyunCallException e) {
      if (notFound(e)) {
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
      if (notFound(e)) {
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
    Map<String, ?> body = retried("InstallClusterAddons", "ack/cluster/" + clusterId + "/addon/" + addonName,
        () -> body(generic.callApi(params("InstallClusterAddons", "POST",
            "/clusters/" + clusterId + "/components/install"), new OpenApiRequest().setBody(List.of(item)),
            new RuntimeOptions())));
    return body == null ? null : (String) body.get("task_id");
  }

  @Override
  public String upgradeAddon(String clusterId, String addonName, String fromVersion, String toVersion,
      String config) {
    UpgradeClusterAddonsRequest.UpgradeClusterAddonsRequestBody item =
        new UpgradeClusterAddonsRequest.UpgradeClusterAddonsRequestBody()
            .setComponentName(addonName).setVersion(fromVersion).setNextVersion(toVersion).setConfig(config);
    retried("UpgradeClusterAddons", "ack/cluster/" + clusterId + "/addon/" + addonName,
        () -> typed.upgradeClusterAddons(clusterId, new UpgradeClusterAddonsRequest().setBody(List.of(item))));
    return null;
  }

  @Override
  public String uninstallAddon(String clusterId, String addonName) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("name", addonName);
    Map<String, ?> body = retried("UnInstallClusterAddons", "ack/cluster/" + clusterId + "/addon/" + addonName,
        () -> body(generic.callApi(params("UnInstallClusterAddons", "POST",
            "/clusters/" + clusterId + "/components/uninstall"), new OpenApiRequest().setBody(List.of(item)),
            new RuntimeOptions())));
    return body == null || body.get("task_id") == null ? null : String.valueOf(body.get("task_id"));
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
