package io.hybridcni.testkit.aliyun;

import java.util.List;

/**
 * A Container Service task started by an addon install, upgrade or uninstall.
 *
 * @param id the {@code task_id}
 * @param clusterId the cluster it works on
 * @param type {@code cluster_addon_install}, {@code cluster_addon_upgrade} or {@code cluster_addon_uninstall}
 * @param addons the names of the addons it changes
 * @param state {@code running} until every addon it changes has settled, then {@code success}
 */
public record CsTask(String id, String clusterId, String type, List<String> addons, String state) {

  /** Copies the addon names, so the record stays immutable. */
  public CsTask {
    addons = List.copyOf(addons);
  }
}
