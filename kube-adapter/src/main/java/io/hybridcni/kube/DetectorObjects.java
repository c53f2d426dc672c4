package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.detect.ObservedDaemonSet;
import io.hybridcni.detect.ObservedObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster's objects as CNI detectors build their facts from them ({@link ObservedObjects}): answered from the
 * observation's speculative reads ({@link DaemonSets} over {@link SpeculativeReads}), so that the objects every
 * detector names cost one round trip together and one a DaemonSet points to costs one more. A ConfigMap is its
 * data; a DaemonSet is core's {@code Workload} plus its containers' images and mounts and its ConfigMap volumes.
 */
final class DetectorObjects implements ObservedObjects {

  private final DaemonSets daemonSets;

  DetectorObjects(DaemonSets daemonSets) {
    this.daemonSets = daemonSets;
  }

  @Override
  public Map<String, String> configMapData(String namespace, String name) {
    ConfigMap config = daemonSets.configMap(namespace, name);
    if (config == null) {
      return null;
    }
    return config.getData() == null ? Map.of() : config.getData();
  }

  @Override
  public ObservedDaemonSet daemonSet(String namespace, String name) {
    return of(daemonSets.get(namespace, name));
  }

  /** The DaemonSet as detectors see it, or {@code null}. */
  static ObservedDaemonSet of(DaemonSet ds) {
    if (ds == null) {
      return null;
    }
    PodSpec spec = DaemonSets.podSpec(ds);
    List<ObservedDaemonSet.Container> containers = new ArrayList<>();
    Map<String, String> volumes = new TreeMap<>();
    if (spec != null) {
      for (Container c : Optional.ofNullable(spec.getContainers()).orElse(List.of())) {
        List<ObservedDaemonSet.Mount> mounts = new ArrayList<>();
        for (VolumeMount m : Optional.ofNullable(c.getVolumeMounts()).orElse(List.of())) {
          mounts.add(new ObservedDaemonSet.Mount(m.getName(), m.getMountPath(),
              m.getSubPath() == null || m.getSubPath().isEmpty() ? null : m.getSubPath()));
        }
        containers.add(new ObservedDaemonSet.Container(c.getName(), c.getImage(), mounts));
      }
      for (Volume v : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
        if (v.getName() != null && v.getConfigMap() != null && v.getConfigMap().getName() != null
            && !v.getConfigMap().getName().isEmpty()) {
          volumes.put(v.getName(), v.getConfigMap().getName());
        }
      }
    }
    return new ObservedDaemonSet(DaemonSets.workload(ds), containers, volumes);
  }
}
