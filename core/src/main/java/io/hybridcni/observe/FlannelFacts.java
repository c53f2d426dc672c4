package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;

/**
 * Flannel's configuration: the ConfigMap it was read from ({@value #FLANNEL_CONFIG_MAP} of a Flannel install, or
 * {@value #CANAL_CONFIG_MAP} of Canal, Calico's manifest that runs Flannel for networking and Calico for policy
 * in one DaemonSet), where it was found and its {@code net-conf.json} as read ({@code null} when the key is
 * missing), plus the DaemonSet that runs flanneld when one was found ({@code canal} for Canal).
 */
public record FlannelFacts(String namespace, String configMap, String netConfJson, Workload daemonSet)
    implements CniPart {

  /** Flannel's own ConfigMap. */
  public static final String FLANNEL_CONFIG_MAP = "kube-flannel-cfg";
  /** Canal's ConfigMap (Calico's {@code manifests/canal.yaml}), whose {@code net-conf.json} flanneld mounts. */
  public static final String CANAL_CONFIG_MAP = "canal-config";

  public FlannelFacts {
    Objects.requireNonNull(namespace, "namespace");
    configMap = configMap == null ? FLANNEL_CONFIG_MAP : configMap;
  }

  /** Flannel's facts from its own ConfigMap, {@value #FLANNEL_CONFIG_MAP}. */
  public FlannelFacts(String namespace, String netConfJson, Workload daemonSet) {
    this(namespace, FLANNEL_CONFIG_MAP, netConfJson, daemonSet);
  }

  /** Whether this Flannel runs as part of Canal. */
  @JsonIgnore
  public boolean canal() {
    return CANAL_CONFIG_MAP.equals(configMap);
  }

  @Override
  @JsonIgnore
  public List<Workload> workloads() {
    return daemonSet == null ? List.of() : List.of(daemonSet);
  }
}
