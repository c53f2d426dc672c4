package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.WorkloadRef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a pod template's placement ({@code nodeSelector} and required node affinity terms) into core's
 * {@link Placement}, from fabric8's typed model or from an untyped object tree, and writes planned terms back into
 * an untyped tree touching nothing but the terms.
 */
final class Placements {

  private Placements() {}

  // ---- typed ----------------------------------------------------------------------------------------------------

  static Placement of(PodSpec spec) {
    if (spec == null) {
      return Placement.ANYWHERE;
    }
    List<NodeSelectorTerm> terms = List.of();
    Affinity affinity = spec.getAffinity();
    NodeAffinity nodeAffinity = affinity == null ? null : affinity.getNodeAffinity();
    NodeSelector required = nodeAffinity == null ? null
        : nodeAffinity.getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required != null && required.getNodeSelectorTerms() != null) {
      terms = required.getNodeSelectorTerms().stream().map(Placements::term).toList();
    }
    return new Placement(spec.getNodeSelector(), terms);
  }

  private static NodeSelectorTerm term(io.fabric8.kubernetes.api.model.NodeSelectorTerm t) {
    return new NodeSelectorTerm(requirements(t.getMatchExpressions()), requirements(t.getMatchFields()));
  }

  private static List<NodeSelectorRequirement> requirements(
      List<io.fabric8.kubernetes.api.model.NodeSelectorRequirement> list) {
    if (list == null) {
      return List.of();
    }
    return list.stream().map(r -> new NodeSelectorRequirement(nonNull(r.getKey()), nonNull(r.getOperator()),
        r.getValues())).toList();
  }

  // ---- untyped --------------------------------------------------------------------------------------------------

  /**
   * The pod spec inside an untyped DaemonSet ({@code spec.template.spec}) or Tigera Installation
   * ({@code spec.calicoNodeDaemonSet.spec.template.spec}); with {@code create}, missing levels are added, otherwise
   * {@code null} when a level is missing.
   */
  static Map<String, Object> podSpec(Map<String, Object> root, WorkloadRef.Kind kind, boolean create) {
    List<String> path = kind == WorkloadRef.Kind.DAEMON_SET
        ? List.of("spec", "template", "spec")
        : List.of("spec", "calicoNodeDaemonSet", "spec", "template", "spec");
    Map<String, Object> current = root;
    for (String key : path) {
      current = create ? child(current, key) : map(current.get(key));
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  static Placement of(Map<String, Object> podSpec) {
    if (podSpec == null) {
      return Placement.ANYWHERE;
    }
    Map<String, String> nodeSelector = new TreeMap<>();
    Map<String, Object> rawSelector = map(podSpec.get("nodeSelector"));
    if (rawSelector != null) {
      rawSelector.forEach((k, v) -> nodeSelector.put(k, v == null ? "" : v.toString()));
    }
    List<NodeSelectorTerm> terms = new ArrayList<>();
    for (Object raw : rawTerms(podSpec)) {
      Map<String, Object> term = map(raw);
      terms.add(term == null ? new NodeSelectorTerm(List.of(), List.of())
          : new NodeSelectorTerm(requirements(term.get("matchExpressions")), requirements(term.get("matchFields"))));
    }
    return new Placement(nodeSelector, terms);
  }

  private static List<Object> rawTerms(Map<String, Object> podSpec) {
    Map<String, Object> affinity = map(podSpec.get("affinity"));
    Map<String, Object> nodeAffinity = affinity == null ? null : map(affinity.get("nodeAffinity"));
    Map<String, Object> required = nodeAffinity == null ? null
        : map(nodeAffinity.get("requiredDuringSchedulingIgnoredDuringExecution"));
    List<Object> terms = required == null ? null : list(required.get("nodeSelectorTerms"));
    return terms == null ? List.of() : terms;
  }

  private static List<NodeSelectorRequirement> requirements(Object raw) {
    List<Object> list = list(raw);
    if (list == null) {
      return List.of();
    }
    List<NodeSelectorRequirement> result = new ArrayList<>();
    for (Object o : list) {
      Map<String, Object> r = map(o);
      if (r == null) {
        continue;
      }
      List<String> values = new ArrayList<>();
      List<Object> rawValues = list(r.get("values"));
      if (rawValues != null) {
        rawValues.forEach(v -> values.add(String.valueOf(v)));
      }
      result.add(new NodeSelectorRequirement(text(r.get("key")), text(r.get("operator")), values));
    }
    return result;
  }

  /**
   * Replaces the required terms of {@code podSpec}, read as {@code current}, with {@code after}. A term that gains
   * one appended expression keeps its own map (and every field in it) with the expression appended; a term that
   * does not change is not touched; only terms changed in another way are rewritten whole.
   */
  static void writeTerms(Map<String, Object> podSpec, List<NodeSelectorTerm> current, List<NodeSelectorTerm> after) {
    if (after.equals(current)) {
      return;
    }
    Map<String, Object> required = child(child(child(podSpec, "affinity"), "nodeAffinity"),
        "requiredDuringSchedulingIgnoredDuringExecution");
    List<Object> raw = list(required.get("nodeSelectorTerms"));
    if (current.isEmpty() || raw == null || raw.size() != current.size() || after.size() != current.size()) {
      List<Object> terms = new ArrayList<>();
      after.forEach(t -> terms.add(toMap(t)));
      required.put("nodeSelectorTerms", terms);
      return;
    }
    for (int i = 0; i < after.size(); i++) {
      NodeSelectorTerm was = current.get(i);
      NodeSelectorTerm now = after.get(i);
      if (now.equals(was)) {
        continue;
      }
      Map<String, Object> rawTerm = map(raw.get(i));
      NodeSelectorRequirement appended = appendedExpression(was, now);
      if (appended != null && rawTerm != null) {
        List<Object> expressions = list(rawTerm.get("matchExpressions"));
        if (expressions == null) {
          expressions = new ArrayList<>();
          rawTerm.put("matchExpressions", expressions);
        }
        expressions.add(toMap(appended));
      } else {
        raw.set(i, toMap(now));
      }
    }
  }

  /**
   * Takes every {@code matchExpressions} entry equal to {@code requirement} out of the required terms of the pod
   * spec inside {@code root} (an untyped DaemonSet or Tigera Installation), touching nothing else: a term keeps its
   * own map and every other field in it; a term left with neither expressions nor fields is dropped; with no term
   * left, {@code requiredDuringSchedulingIgnoredDuringExecution} goes, and so does each level above it
   * ({@code nodeAffinity}, {@code affinity}, and for an Installation {@code calicoNodeDaemonSet} and below) that
   * held nothing else. Should the tree then not read as {@code after} (an entry that is not a mapping, say), the
   * terms are rewritten whole from {@code after}.
   */
  static void removeFromTerms(Map<String, Object> root, WorkloadRef.Kind kind, NodeSelectorRequirement requirement,
      List<NodeSelectorTerm> after) {
    Map<String, Object> podSpec = podSpec(root, kind, false);
    List<Object> raw = podSpec == null ? null : list(requiredSelector(podSpec).get("nodeSelectorTerms"));
    if (raw == null) {
      return;
    }
    for (Iterator<Object> it = raw.iterator(); it.hasNext(); ) {
      Map<String, Object> term = map(it.next());
      List<Object> expressions = term == null ? null : list(term.get("matchExpressions"));
      if (expressions == null || !expressions.removeIf(e -> requirement.equals(requirement(e)))) {
        continue;
      }
      if (expressions.isEmpty()) {
        term.remove("matchExpressions");
        List<Object> fields = list(term.get("matchFields"));
        if (fields == null || fields.isEmpty()) {
          it.remove();
        }
      }
    }
    if (!of(podSpec).requiredTerms().equals(after)) {
      List<Object> terms = new ArrayList<>();
      after.forEach(t -> terms.add(toMap(t)));
      raw.clear();
      raw.addAll(terms);
    }
    if (raw.isEmpty()) {
      List<String> path = new ArrayList<>(kind == WorkloadRef.Kind.DAEMON_SET
          ? List.of("spec", "template", "spec")
          : List.of("spec", "calicoNodeDaemonSet", "spec", "template", "spec"));
      path.addAll(List.of("affinity", "nodeAffinity", REQUIRED));
      removeAndPrune(root, path);
    }
  }

  private static final String REQUIRED = "requiredDuringSchedulingIgnoredDuringExecution";

  /** The required node selector of a pod spec, or an empty map when it has none. */
  private static Map<String, Object> requiredSelector(Map<String, Object> podSpec) {
    Map<String, Object> affinity = map(podSpec.get("affinity"));
    Map<String, Object> nodeAffinity = affinity == null ? null : map(affinity.get("nodeAffinity"));
    Map<String, Object> required = nodeAffinity == null ? null : map(nodeAffinity.get(REQUIRED));
    return required == null ? Map.of() : required;
  }

  /** Removes the last key of {@code path}, then every map on the path it leaves empty (the top level stays). */
  private static void removeAndPrune(Map<String, Object> root, List<String> path) {
    List<Map<String, Object>> maps = new ArrayList<>();
    Map<String, Object> current = root;
    for (String key : path.subList(0, path.size() - 1)) {
      maps.add(current);
      current = map(current.get(key));
      if (current == null) {
        return;
      }
    }
    current.remove(path.get(path.size() - 1));
    for (int i = maps.size() - 1; i >= 1 && current.isEmpty(); i--) {
      maps.get(i).remove(path.get(i));
      current = maps.get(i);
    }
  }

  private static NodeSelectorRequirement requirement(Object raw) {
    Map<String, Object> r = map(raw);
    if (r == null) {
      return null;
    }
    List<String> values = new ArrayList<>();
    List<Object> rawValues = list(r.get("values"));
    if (rawValues != null) {
      rawValues.forEach(v -> values.add(String.valueOf(v)));
    }
    return new NodeSelectorRequirement(text(r.get("key")), text(r.get("operator")), values);
  }

  /** The one expression {@code now} appends to {@code was}, or {@code null} if it differs otherwise. */
  private static NodeSelectorRequirement appendedExpression(NodeSelectorTerm was, NodeSelectorTerm now) {
    List<NodeSelectorRequirement> before = was.matchExpressions();
    List<NodeSelectorRequirement> after = now.matchExpressions();
    if (!was.matchFields().equals(now.matchFields()) || after.size() != before.size() + 1
        || !after.subList(0, before.size()).equals(before)) {
      return null;
    }
    return after.get(after.size() - 1);
  }

  static Map<String, Object> toMap(NodeSelectorTerm term) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (!term.matchExpressions().isEmpty()) {
      map.put("matchExpressions", new ArrayList<>(term.matchExpressions().stream().map(Placements::toMap).toList()));
    }
    if (!term.matchFields().isEmpty()) {
      map.put("matchFields", new ArrayList<>(term.matchFields().stream().map(Placements::toMap).toList()));
    }
    return map;
  }

  private static Map<String, Object> toMap(NodeSelectorRequirement requirement) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("key", requirement.key());
    map.put("operator", requirement.operator());
    if (!requirement.values().isEmpty()) {
      map.put("values", new ArrayList<>(requirement.values()));
    }
    return map;
  }

  /** The node label keys a placement looks at. */
  static Set<String> labelKeys(Placement placement) {
    Set<String> keys = new TreeSet<>(placement.nodeSelector().keySet());
    for (NodeSelectorTerm term : placement.requiredTerms()) {
      term.matchExpressions().forEach(r -> keys.add(r.key()));
    }
    return keys;
  }

  // ---- tree helpers ---------------------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : null;
  }

  static Map<String, Object> child(Map<String, Object> parent, String key) {
    Map<String, Object> existing = map(parent.get(key));
    if (existing != null) {
      return existing;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    parent.put(key, created);
    return created;
  }

  static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
