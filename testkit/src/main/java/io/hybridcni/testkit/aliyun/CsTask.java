package io.hybridcni.testkit.aliyun;

import java.util.List;

/**
 * A Container Service task started by an addon install, upgrade or uninstall, as DescribeTaskInfo would show it.
 *
 * @param id the {@code task_id}
 * @param clusterId the cluster it works on
 * @param type {@code cluster_addon_install}, {@code cluster_addon_upgrade} or {@code cluster_addon_uninstall}
 * @param addons the names of the addons it changes
 * @param state {@code running} until every addon it changes has settled, then {@code success}, or {@code failed}
 *     when a {@linkplain FakeAliyun#failNextAddonTask scripted failure} ended it
 * @param errorCode the task's {@code error.code} once it failed, else {@code null}
 * @param errorMessage the task's {@code error.message} once it failed, else {@code null}
 */
public record CsTask(String id, String clusterId, String type, List<String> addons, String state, String errorCode,
    String errorMessage) {

  /** Copies the addon names, so the record stays immutable. */
  public CsTask {
    addons = List.copyOf(addons);
  }
}
