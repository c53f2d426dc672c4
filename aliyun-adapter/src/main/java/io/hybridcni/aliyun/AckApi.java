package io.hybridcni.aliyun;

import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import java.util.List;
import java.util.Optional;

/**
 * The ACK (CS) operations hybridcni uses, in its own types. Every method throws {@link AliyunCallException} on
 * failure; "not found" is an empty answer. The three writes (install, upgrade, uninstall) are sent once, never
 * retried here: after a lost answer only a read-back can tell whether ACK started the change (see
 * {@code AddonExecutors}).
 */
public interface AckApi {

  Optional<ClusterFacts> describeCluster(String clusterId);

  List<AddonInstance> listAddonInstances(String clusterId);

  Optional<AddonInstance> getAddonInstance(String clusterId, String addonName);

  /** Installs an addon ({@code version} and {@code config} may be {@code null}); answers the task id. */
  String installAddon(String clusterId, String addonName, String version, String config);

  /** Upgrades an addon from {@code fromVersion} to {@code toVersion}; answers the task id when ACK gives one. */
  String upgradeAddon(String clusterId, String addonName, String fromVersion, String toVersion, String config);

  /** Uninstalls an addon; answers the task id when ACK gives one. */
  String uninstallAddon(String clusterId, String addonName);

  /** DescribeTaskInfo: the task an install, upgrade or uninstall started; empty when ACK does not know it. */
  Optional<AddonTask> describeTask(String taskId);

  /**
   * DescribeClusterTasks: the cluster's tasks as ACK lists them (one page; which addon each changes is not said
   * there). How a wait that knows no task id finds the one its addon is running.
   */
  List<ClusterTask> listClusterTasks(String clusterId);
}
