package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hybridcni.detect.KubeObject;
import io.hybridcni.detect.OwnedWorkload;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Finds Terway's DaemonSet in {@code kube-system}: {@code terway-eniip} (the ACK addon) or {@code terway}. */
final class TerwayReader {

  static final String NAMESPACE = "kube-system";
  private static final String[] NAMES = {"terway-eniip", "terway"};
  /**
   * Where Terway's DaemonSet may be, and how its pods are expected to be labelled, for the speculative reads: the
   * ACK addon and AliyunContainerService/terway {@code charts/terway} label them {@code app=terway-eniip}; for the
   * older {@code terway} DaemonSet no selector is assumed (its pods are listed once the DaemonSet is read).
   */
  static final List<OwnedWorkload> WORKLOADS = List.of(
      new OwnedWorkload(KubeObject.daemonSet(NAMESPACE, "terway-eniip"), "app=terway-eniip", false),
      new OwnedWorkload(KubeObject.daemonSet(NAMESPACE, "terway"), null, false));

  private final DaemonSets daemonSets;

  TerwayReader(DaemonSets daemonSets) {
    this.daemonSets = daemonSets;
  }

  /** The DaemonSet, or {@code null} when Terway is not installed. */
  DaemonSet read() {
    return daemonSets.first(NAMESPACE, NAMES);
  }

  /** The DaemonSet as core's {@link TerwayFacts}, or {@code null} for {@code null}. */
  static TerwayFacts facts(DaemonSet ds) {
    Workload workload = DaemonSets.workload(ds);
    return workload == null ? null : new TerwayFacts(workload, secretNames(ds), restartedForKey(ds));
  }

  /**
   * The Secrets the pod template reads: secret volumes (also inside projected volumes), and {@code secretKeyRef}
   * and {@code secretRef} env of its containers and init containers. Kubernetes resolves every one of them in the
   * pod's own namespace, the DaemonSet's. The ACK addon mounts {@code alibaba-addon-secret} at
   * {@code /var/alibaba-addon-secret}, where Terway (AliyunContainerService/terway {@code types/daemon/config.go},
   * GetAddonSecret) reads {@code access-key-id} and {@code access-key-secret} when its daemon starts.
   */
  static List<String> secretNames(DaemonSet ds) {
    TreeSet<String> names = new TreeSet<>();
    PodSpec spec = DaemonSets.podSpec(ds);
    if (spec == null) {
      return List.of();
    }
    for (Volume v : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
      if (v.getSecret() != null && v.getSecret().getSecretName() != null) {
        names.add(v.getSecret().getSecretName());
      }
      if (v.getProjected() != null && v.getProjected().getSources() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          if (p.getSecret() != null && p.getSecret().getName() != null) {
            names.add(p.getSecret().getName());
          }
        }
      }
    }
    List<Container> containers = new ArrayList<>(Optional.ofNullable(spec.getContainers()).orElse(List.of()));
    containers.addAll(Optional.ofNullable(spec.getInitContainers()).orElse(List.of()));
    for (Container c : containers) {
      for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
            && e.getValueFrom().getSecretKeyRef().getName() != null) {
          names.add(e.getValueFrom().getSecretKeyRef().getName());
        }
      }
      for (EnvFromSource e : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
        if (e.getSecretRef() != null && e.getSecretRef().getName() != null) {
          names.add(e.getSecretRef().getName());
        }
      }
    }
    return List.copyOf(names);
  }

  /** The pod template's {@link TerwayFacts#RESTARTED_FOR_KEY_ANNOTATION}, or {@code null}. */
  static String restartedForKey(DaemonSet ds) {
    Map<String, String> annotations = templateAnnotations(ds);
    return annotations == null ? null : annotations.get(TerwayFacts.RESTARTED_FOR_KEY_ANNOTATION);
  }

  static Map<String, String> templateAnnotations(DaemonSet ds) {
    return ds.getSpec() == null || ds.getSpec().getTemplate() == null
        || ds.getSpec().getTemplate().getMetadata() == null ? null
        : ds.getSpec().getTemplate().getMetadata().getAnnotations();
  }
}
