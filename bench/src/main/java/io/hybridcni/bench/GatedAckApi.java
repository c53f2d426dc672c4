package io.hybridcni.bench;

import io.hybridcni.aliyun.AckApi;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.ClusterFacts;
import java.util.List;
import java.util.Optional;

/** An {@link AckApi} whose every call passes through a {@link CallGate}, named by its CS operation. */
final class GatedAckApi implements AckApi {

  private final AckApi ack;
  private final CallGate gate;

  GatedAckApi(AckApi ack, CallGate gate) {
    this.ack = ack;
    this.gate = gate;
  }

  @Override
  public Optional<ClusterFacts> describeCluster(String clusterId) {
    return gate.call("DescribeClusterDetail", () -> ack.describeCluster(clusterId));
  }

  @Override
  public List<AddonInstance> listAddonInstances(String clusterId) {
    return gate.call("ListClusterAddonInstances", () -> ack.listAddonInstances(clusterId));
  }

  @Override
  public Optional<AddonInstance> getAddonInstance(String clusterId, String addonName) {
    return gate.call("GetClusterAddonInstance", () -> ack.getAddonInstance(clusterId, addonName));
  }

  @Override
  public String installAddon(String clusterId, String addonName, String version, String config) {
    return gate.call("InstallClusterAddons", () -> ack.installAddon(clusterId, addonName, version, config));
  }

  @Override
  public String upgradeAddon(String clusterId, String addonName, String fromVersion, String toVersion,
      String config) {
    return gate.call("UpgradeClusterAddons",
        () -> ack.upgradeAddon(clusterId, addonName, fromVersion, toVersion, config));
  }

  @Override
  public String uninstallAddon(String clusterId, String addonName) {
    return gate.call("UnInstallClusterAddons", () -> ack.uninstallAddon(clusterId, addonName));
  }

  @Override
  public Optional<io.hybridcni.aliyun.AddonTask> describeTask(String taskId) {
    return gate.call("DescribeTaskInfo", () -> ack.describeTask(taskId));
  }

  @Override
  public java.util.List<io.hybridcni.aliyun.ClusterTask> listClusterTasks(String clusterId) {
    return gate.call("DescribeClusterTasks", () -> ack.listClusterTasks(clusterId));
  }
}
