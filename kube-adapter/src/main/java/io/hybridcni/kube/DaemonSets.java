package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Reads DaemonSets and ConfigMaps, and turns a DaemonSet into core's {@link Workload}. */
final class DaemonSets {

  private final SpeculativeReads reads;

  DaemonSets(KubernetesClient client) {
    this(SpeculativeReads.none(ClusterReads.live(client, KubernetesObserver.DEFAULT_PAGE_SIZE)));
  }

  /** DaemonSets and ConfigMaps answered from {@code reads} where it already read them. */
  DaemonSets(SpeculativeReads reads) {
    this.reads = reads;
  }

  /** The DaemonSet, or {@code null} when it (or its namespace) does not exist. */
  DaemonSet get(String namespace, String name) {
    return reads.daemonSet(namespace, name);
  }

  /** The first of these DaemonSets that exists in {@code namespace}, or {@code null}. */
  DaemonSet first(String namespace, String... names) {
    for (String name : names) {
      DaemonSet ds = get(namespace, name);
      if (ds != null) {
        return ds;
      }
    }
    return null;
  }

  /** The ConfigMap, or {@code null} when it does not exist. */
  ConfigMap configMap(String namespace, String name) {
    return reads.configMap(namespace, name);
  }

  static Workload workload(DaemonSet ds) {
    if (ds == null) {
      return null;
    }
    PodSpec spec = podSpec(ds);
    return new Workload(WorkloadRef.daemonSet(ds.getMetadata().getNamespace(), ds.getMetadata().getName()),
        ds.getMetadata().getResourceVersion(), Placements.of(spec), images(spec),
        syncedBy(ds.getMetadata().getLabels(), ds.getMetadata().getAnnotations()), updateStrategy(ds),
        selector(ds.getSpec() == null ? null : ds.getSpec().getSelector()));
  }

  /**
   * {@code spec.updateStrategy}, defaulted as the API server defaults an {@code apps/v1} DaemonSet (kubernetes
   * {@code pkg/apis/apps/v1/defaults.go}: RollingUpdate, maxUnavailable 1), so a DaemonSet read from a server
   * always carries it and one written without it in a test reads the same.
   */
  static UpdateStrategy updateStrategy(DaemonSet ds) {
    DaemonSetUpdateStrategy s = ds.getSpec() == null ? null : ds.getSpec().getUpdateStrategy();
    if (s == null) {
      return UpdateStrategy.DEFAULT;
    }
    IntOrString max = s.getRollingUpdate() == null ? null : s.getRollingUpdate().getMaxUnavailable();
    return UpdateStrategy.of(s.getType(), intOrString(max));
  }

  static String intOrString(IntOrString value) {
    if (value == null) {
      return null;
    }
    return value.getIntVal() != null ? String.valueOf(value.getIntVal()) : value.getStrVal();
  }

  /**
   * The label selector in the syntax {@code kubectl -l} takes: {@code key=value} for each matchLabels entry, then
   * {@code key in (a,b)}, {@code key notin (a,b)}, {@code key} and {@code !key} for matchExpressions
   * (apimachinery {@code pkg/labels/selector.go}); {@code null} when there is none.
   */
  static String selector(LabelSelector selector) {
    if (selector == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    new TreeMap<>(Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of()))
        .forEach((k, v) -> parts.add(k + "=" + v));
    for (LabelSelectorRequirement r : Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
      String values = String.join(",", Optional.ofNullable(r.getValues()).orElse(List.of()));
      switch (String.valueOf(r.getOperator())) {
        case "In" -> parts.add(r.getKey() + " in (" + values + ")");
        case "NotIn" -> parts.add(r.getKey() + " notin (" + values + ")");
        case "Exists" -> parts.add(r.getKey());
        case "DoesNotExist" -> parts.add("!" + r.getKey());
        default -> parts.add(r.getKey() + " " + r.getOperator() + " (" + values + ")");
      }
    }
    return parts.isEmpty() ? null : String.join(",", parts);
  }

  /**
   * The tools whose marks an object carries and that write its whole manifest again on their next sync:
   * <ul>
   *   <li>Helm 3: annotations {@code meta.helm.sh/release-name} and {@code meta.helm.sh/release-namespace}, which
   *       Helm sets on every object of a release and checks before it adopts one (helm/helm,
   *       {@code pkg/action/validate.go}), or label {@code app.kubernetes.io/managed-by=Helm};</li>
   *   <li>Argo CD: annotation {@code argocd.argoproj.io/tracking-id} (annotation tracking, Argo CD's
   *       {@code util/argo/resource_tracking.go}); the label method's {@code app.kubernetes.io/instance} is
   *       not counted, since charts set that label themselves;</li>
   *   <li>Flux: labels {@code kustomize.toolkit.fluxcd.io/name} (kustomize-controller) and
   *       {@code helm.toolkit.fluxcd.io/name} (helm-controller), with their {@code .../namespace} labels.</li>
   * </ul>
   */
  static List<String> syncedBy(Map<String, String> labels, Map<String, String> annotations) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    List<String> tools = new ArrayList<>();
    String helmRelease = a.get("meta.helm.sh/release-name");
    if (helmRelease != null) {
      String ns = a.get("meta.helm.sh/release-namespace");
      tools.add("Helm release " + helmRelease + (ns == null ? "" : " in " + ns));
    } else if ("Helm".equals(l.get("app.kubernetes.io/managed-by"))) {
      tools.add("Helm (label app.kubernetes.io/managed-by=Helm)");
    }
    if (a.containsKey("argocd.argoproj.io/tracking-id")) {
      String id = a.get("argocd.argoproj.io/tracking-id");
      int colon = id == null ? -1 : id.indexOf(':');
      tools.add("Argo CD application " + (colon > 0 ? id.substring(0, colon) : id));
    }
    fluxOwner(l, "kustomize.toolkit.fluxcd.io", "Flux Kustomization").ifPresent(tools::add);
    fluxOwner(l, "helm.toolkit.fluxcd.io", "Flux HelmRelease").ifPresent(tools::add);
    return tools;
  }

  private static Optional<String> fluxOwner(Map<String, String> labels, String prefix, String what) {
    String name = labels.get(prefix + "/name");
    if (name == null) {
      return Optional.empty();
    }
    String ns = labels.get(prefix + "/namespace");
    return Optional.of(what + " " + (ns == null ? "" : ns + "/") + name);
  }

  static PodSpec podSpec(DaemonSet ds) {
    return ds.getSpec() == null || ds.getSpec().getTemplate() == null ? null : ds.getSpec().getTemplate().getSpec();
  }

  /** Images of the containers, then of the init containers, each once. */
  static List<String> images(PodSpec spec) {
    Set<String> images = new LinkedHashSet<>();
    if (spec != null) {
      Optional.ofNullable(spec.getContainers()).orElse(List.of()).forEach(c -> addImage(images, c));
      Optional.ofNullable(spec.getInitContainers()).orElse(List.of()).forEach(c -> addImage(images, c));
    }
    return new ArrayList<>(images);
  }

  private static void addImage(Set<String> images, Container c) {
    if (c.getImage() != null && !c.getImage().isEmpty()) {
      images.add(c.getImage());
    }
  }

  /** The container named {@code preferred}, else the first container, else {@code null}. */
  static Container container(DaemonSet ds, String preferred) {
    PodSpec spec = podSpec(ds);
    if (spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()) {
      return null;
    }
    return spec.getContainers().stream().filter(c -> preferred.equals(c.getName())).findFirst()
        .orElse(spec.getContainers().get(0));
  }

  /**
   * The values of the environment variables {@code names} of {@code container}: literal values, and values from
   * {@code configMapKeyRef} read from the DaemonSet's namespace. Other sources ({@code secretKeyRef},
   * {@code fieldRef}) are never resolved; a variable whose value cannot be found is left out.
   */
  Map<String, String> env(DaemonSet ds, Container container, Set<String> names) {
    Map<String, String> env = new TreeMap<>();
    if (container == null || container.getEnv() == null) {
      return env;
    }
    Map<String, Optional<ConfigMap>> configMaps = new HashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (!names.contains(var.getName())) {
        continue;
      }
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
        continue;
      }
      ConfigMapKeySelector ref = var.getValueFrom() == null ? null : var.getValueFrom().getConfigMapKeyRef();
      if (ref == null || ref.getName() == null || ref.getKey() == null) {
        continue;
      }
      String namespace = ds.getMetadata().getNamespace();
      Optional<ConfigMap> cm = configMaps.computeIfAbsent(ref.getName(),
          n -> Optional.ofNullable(configMap(namespace, n)));
      String value = cm.map(ConfigMap::getData).map(d -> d.get(ref.getKey())).orElse(null);
      if (value != null) {
        env.put(var.getName(), value);
      }
    }
    return env;
  }
}
