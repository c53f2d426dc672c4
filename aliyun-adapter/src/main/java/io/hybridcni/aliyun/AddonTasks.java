package io.hybridcni.aliyun;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ACK task ids this run's addon writes started, by cluster and addon, so that the wait that follows can ask
 * DescribeTaskInfo: the task, not the instance's state, says whether the change failed. In memory only: after a crash
 * the next run has no task id, and its wait looks for the addon's running task among the cluster's
 * ({@code AddonPoller}), or else judges by the instance's state alone.
 */
final class AddonTasks {

  private final Map<String, String> started = new ConcurrentHashMap<>();

  void started(String clusterId, String addonName, String taskId) {
    if (taskId == null || taskId.isBlank()) {
      started.remove(key(clusterId, addonName));
    } else {
      started.put(key(clusterId, addonName), taskId);
    }
  }

  Optional<String> taskOf(String clusterId, String addonName) {
    return Optional.ofNullable(started.get(key(clusterId, addonName)));
  }

  private static String key(String clusterId, String addonName) {
    return clusterId + "/" + addonName;
  }
}
