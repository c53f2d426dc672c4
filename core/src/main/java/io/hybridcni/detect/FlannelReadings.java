package io.hybridcni.detect;

import io.hybridcni.plan.Scenario;
import io.hybridcni.observe.FlannelFacts;
import io.hybridcni.observe.WorkloadRef;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Flannel's reading from its net-conf.json, shared by the Flannel and the Canal detectors. */
final class FlannelReadings {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private FlannelReadings() {}

  /**
   * Flannel's reading; for Canal (Flannel networking, Calico policy in one DaemonSet) the same reading under the
   * name {@code canal}, since Flannel's backend decides the scenario and Canal's DaemonSet is the workload.
   */
  static CniReading read(FlannelFacts flannel, List<String> evidence) {
    CniReading r = flannelReading(flannel, evidence);
    if (!flannel.canal()) {
      return r;
    }
    return new CniReading("canal", r.scenario(), "Canal: " + r.summary() + ", Calico for policy only",
        r.undecidedReason() == null ? null : "Canal's " + r.undecidedReason(), r.workload(), r.note());
  }

  private static CniReading flannelReading(FlannelFacts flannel, List<String> evidence) {
    WorkloadRef workload = flannel.daemonSet() == null ? null : flannel.daemonSet().ref();
    String where = "ConfigMap " + flannel.namespace() + "/" + flannel.configMap();
    if (flannel.netConfJson() == null) {
      evidence.add(where + " has no net-conf.json");
      return new CniReading("flannel", Scenario.UNKNOWN, "Flannel without net-conf.json",
          "Flannel's " + where + " has no net-conf.json, so its backend is unknown.", workload);
    }
    JsonNode conf;
    try {
      conf = JSON.readTree(flannel.netConfJson());
    } catch (JacksonException e) {
      conf = null;
    }
    if (conf == null || !conf.isObject()) {
      evidence.add(where + " net-conf.json is not a JSON object");
      return new CniReading("flannel", Scenario.UNKNOWN, "Flannel with unreadable net-conf.json",
          "Flannel's net-conf.json in " + where + " is not a JSON object.", workload);
    }
    // Flannel decodes net-conf.json with Go's encoding/json: keys match case-insensitively, a missing Backend
    // means udp, but a Backend without a Type is an error ("unknown backend type").
    JsonNode backend = ignoreCase(conf, "Backend");
    String backendType;
    if (backend == null) {
      evidence.add(where + " net-conf.json Backend.Type=absent (udp)");
      backendType = "udp";
    } else {
      JsonNode type = ignoreCase(backend, "Type");
      if (type == null || !type.isString() || type.asString().isEmpty()) {
        evidence.add(where + " net-conf.json Backend has no Type string: " + backend);
        return new CniReading("flannel", Scenario.UNKNOWN, "Flannel Backend without Type",
            "Flannel's net-conf.json in " + where + " has a Backend without a Type, which flannel refuses.",
            workload);
      }
      evidence.add(where + " net-conf.json Backend.Type=" + type.asString());
      backendType = type.asString().toLowerCase(Locale.ROOT);
    }
    JsonNode direct = ignoreCase(backend, "DirectRouting");
    boolean directRouting = direct != null && direct.isBoolean() && direct.asBoolean();
    if (directRouting) {
      evidence.add(where + " net-conf.json Backend.DirectRouting=true");
    }
    switch (backendType) {
      case "vxlan":
      case "ipip":
        String name = backendType.toUpperCase(Locale.ROOT);
        if (directRouting) {
          return new CniReading("flannel", Scenario.UNKNOWN, "Flannel " + name + " with DirectRouting",
              "Flannel " + name + " with DirectRouting routes natively between nodes of one subnet.", workload);
        }
        return new CniReading("flannel", Scenario.OVERLAY, "Flannel " + name + " overlay", null, workload);
      case "udp":
        return new CniReading("flannel", Scenario.OVERLAY, "Flannel UDP overlay", null, workload);
      case "host-gw":
        return new CniReading("flannel", Scenario.UNKNOWN, "Flannel host-gw",
            "Flannel host-gw routes pod traffic through node IPs on one layer-2 network, which cloud nodes are "
                + "not part of.", workload);
      default:
        return new CniReading("flannel", Scenario.UNKNOWN, "Flannel " + backendType,
            "Flannel's backend " + backendType + " is not one the runbook covers.", workload);
    }
  }

  private static JsonNode ignoreCase(JsonNode object, String name) {
    if (object == null || !object.isObject()) {
      return null;
    }
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
