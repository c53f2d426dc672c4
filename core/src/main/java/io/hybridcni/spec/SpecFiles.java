package io.hybridcni.spec;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.text.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads a {@link HybridNetworkSpec} from YAML, strictly: unknown fields, wrong types, duplicate keys and invalid
 * values are all reported at once, each with the file, the field path and what was expected.
 *
 * <pre>{@code
 * cluster:
 *   id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b   # required
 *   region: cn-hangzhou                     # required
 * network:
 *   mode: AUTO                              # AUTO | OVERLAY | BGP | HOST_NETWORK
 *   cloudNodeLabel: alibabacloud.com/external=true
 *   onPremisesCni: {kind: DaemonSet, namespace: kube-system, name: calico-node}
 *   deleteCloudNodePods: true               # OnDelete calico-node: delete its pods on cloud nodes
 * ram:
 *   userName: ack-one-user-c5f0e4a3b2
 *   policyName: ack-one-registered-cluster-policy-terway-eniip
 *   policyDocument: '{"Version":"1","Statement":[...]}'
 *   deleteOrphanAccessKeys: false
 * secret: {namespace: kube-system, name: alibaba-addon-secret}
 * addon: {name: terway-eniip, version: v1.9.0, config: '{"key":"value"}'}
 * controller:                               # what `hybridcni controller` applies by itself (not in the digest)
 *   autoApply: [EXCLUDE_CLOUD_NODES_FROM_CNI, ENSURE_ACCESS_KEY_SECRET, RESTART_TERWAY]   # the default; [] = report only
 * }</pre>
 */
public final class SpecFiles {

  /** Spec files above this size are refused before parsing. */
  public static final int MAX_BYTES = 256 * 1024;

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private static final Map<String, Set<String>> FIELDS = Map.of(
      "", Set.of("apiVersion", "kind", "cluster", "network", "ram", "secret", "addon", "controller"),
      "controller", Set.of("autoApply"),
      "cluster", Set.of("id", "region", "idVerifiedBy"),
      "network", Set.of("mode", "cloudNodeLabel", "onPremisesCni", "deleteCloudNodePods"),
      "network.onPremisesCni", Set.of("kind", "namespace", "name"),
      "ram", Set.of("userName", "policyName", "policyDocument", "deleteOrphanAccessKeys"),
      "secret", Set.of("namespace", "name", "readBy"),
      "addon", Set.of("name", "version", "config"));

  public static final String API_VERSION = "hybridcni.io/v1alpha1";
  public static final String KIND = "HybridNetwork";

  private SpecFiles() {}

  /** Reads and validates a spec from a stream; {@code source} names it in errors. */
  public static HybridNetworkSpec load(String source, InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new InvalidInputException(source, "", "a spec of at most " + MAX_BYTES + " bytes");
    }
    return parse(source, bytes);
  }

  /** Validates a spec given as UTF-8 bytes; {@code source} names it in errors. */
  public static HybridNetworkSpec parse(String source, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(source, "", "UTF-8 text, found bytes that are not UTF-8");
    }
    return parse(source, text);
  }

  /** Validates a spec given as YAML text; {@code source} names it in errors. */
  public static HybridNetworkSpec parse(String source, String yaml) {
    JsonNode root;
    try {
      refuseAliases(source, yaml);
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new InvalidInputException(source, fieldOf(e), yamlProblem(e));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidInputException(source, "", "a YAML mapping with at least cluster.id and cluster.region");
    }
    return new Reader(source).read(root);
  }

  /**
   * Refuses YAML aliases ({@code *name}): Jackson reads an alias as its anchor's name, not as the anchored value,
   * so a spec using one would silently say something else. Nothing is expanded, so an alias bomb costs nothing.
   */
  private static void refuseAliases(String source, String yaml) {
    try (JsonParser p = YAML.createParser(yaml)) {
      while (p.nextToken() != null) {
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
          var at = p.currentTokenLocation();
          throw new InvalidInputException(source, fieldOf(p), "a value written out, found the YAML alias *"
              + p.getText() + " at line " + at.getLineNr() + ", column " + at.getColumnNr()
              + " (aliases are not expanded)");
        }
      }
    }
  }

  /** The field the parser was in when it failed, e.g. {@code cluster.id} for a duplicate key; "" if unknown. */
  private static String fieldOf(JacksonException e) {
    return e.processor() instanceof JsonParser parser ? fieldOf(parser) : "";
  }

  /** The field the parser is at, e.g. {@code addon.config.items[2]}; "" if unknown. */
  private static String fieldOf(JsonParser parser) {
    if (parser.streamReadContext() == null) {
      return "";
    }
    StringBuilder field = new StringBuilder();
    for (String step : parser.streamReadContext().pathAsPointer().toString().split("/")) {
      if (step.isEmpty()) {
        continue;
      }
      String name = step.replace("~1", "/").replace("~0", "~");
      if (name.chars().allMatch(Character::isDigit)) {
        field.append('[').append(name).append(']');
      } else {
        field.append(field.length() == 0 ? "" : ".").append(name);
      }
    }
    return field.toString();
  }

  private static String yamlProblem(JacksonException e) {
    String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr();
    String message = e.getOriginalMessage();
    if (message != null && message.startsWith("Duplicate Object property")) {
      return "each key at most once, found it again" + where;
    }
    return "valid YAML" + where + " (" + message + ")";
  }

  private static final class Reader {
    private final String source;
    private final List<Problem> problems = new ArrayList<>();

    Reader(String source) {
      this.source = source;
    }

    HybridNetworkSpec read(JsonNode root) {
      if (!mapping(root, "")) {
        throw new InvalidInputException(problems);
      }
      String apiVersion = string(root, "", "apiVersion");
      if (apiVersion != null && !API_VERSION.equals(apiVersion)) {
        problem("apiVersion", API_VERSION + " (or no field)");
      }
      String kind = string(root, "", "kind");
      if (kind != null && !KIND.equals(kind)) {
        problem("kind", KIND + " (or no field)");
      }
      HybridNetworkSpec.Builder b = HybridNetworkSpec.builder().source(source);

      JsonNode cluster = section(root, "cluster", true);
      if (cluster != null) {
        b.clusterId(required(cluster, "cluster", "id"));
        b.regionId(required(cluster, "cluster", "region"));
        String verifiedBy = string(cluster, "cluster", "idVerifiedBy");
        if (verifiedBy != null) {
          switch (verifiedBy) {
            case "cluster" -> b.clusterIdVerifiedBy(ClusterIdVerification.CLUSTER);
            case "operator" -> b.clusterIdVerifiedBy(ClusterIdVerification.OPERATOR);
            default -> problem("cluster.idVerifiedBy", "cluster or operator, found \"" + verifiedBy + "\"");
          }
        }
      }
      JsonNode network = section(root, "network", false);
      if (network != null) {
        String mode = string(network, "network", "mode");
        if (mode != null) {
          try {
            b.mode(NetworkMode.valueOf(mode.toUpperCase(Locale.ROOT).replace('-', '_')));
          } catch (IllegalArgumentException e) {
            problem("network.mode", "one of AUTO, OVERLAY, BGP, HOST_NETWORK, found \"" + mode + "\"");
          }
        }
        String label = string(network, "network", "cloudNodeLabel");
        if (label != null) {
          String labelProblem = SpecRules.labelProblem(label);
          if (labelProblem != null) {
            problem("network.cloudNodeLabel", labelProblem);
          } else {
            b.cloudNodeLabel(NodeLabel.parse(label));
          }
        }
        JsonNode cni = section(network, "network.onPremisesCni", false);
        if (cni != null) {
          b.onPremisesCni(workload(cni));
        }
        Boolean deletePods = bool(network, "network", "deleteCloudNodePods");
        if (deletePods != null) {
          b.deleteCloudNodePods(deletePods);
        }
      }
      JsonNode ram = section(root, "ram", false);
      if (ram != null) {
        b.ramUserName(string(ram, "ram", "userName"));
        b.ramPolicyName(string(ram, "ram", "policyName"));
        String document = string(ram, "ram", "policyDocument");
        if (document != null) {
          String documentProblem = PolicyDocument.problemWith(document);
          if (documentProblem != null) {
            problem("ram.policyDocument", documentProblem);
          } else if (!PolicyDocument.parse(document).allowsAnyOf(PolicyDocument.TERWAY_ACTIONS)) {
            // Valid, but Terway could do nothing with the key: the whole RAM half of the plan would be for nothing.
            problem("ram.policyDocument", "a policy that allows at least one of the actions Terway needs ("
                + String.join(", ", PolicyDocument.TERWAY_ACTIONS) + "), found one that allows none of them");
          } else {
            b.policyDocument(PolicyDocument.parse(document));
          }
        }
        Boolean orphans = bool(ram, "ram", "deleteOrphanAccessKeys");
        if (orphans != null) {
          b.deleteOrphanAccessKeys(orphans);
        }
      }
      JsonNode secret = section(root, "secret", false);
      if (secret != null) {
        String ns = string(secret, "secret", "namespace");
        String name = string(secret, "secret", "name");
        b.secret(ns != null ? ns : HybridNetworkSpec.DEFAULT_SECRET_NAMESPACE,
            name != null ? name : HybridNetworkSpec.DEFAULT_SECRET_NAME);
        b.secretReadBy(string(secret, "secret", "readBy"));
      }
      JsonNode addon = section(root, "addon", false);
      if (addon != null) {
        String name = string(addon, "addon", "name");
        if (name != null) {
          b.addonName(name);
        }
        String version = string(addon, "addon", "version");
        if (version != null && Printable.hasControlCharacters(version)) {
          problem("addon.version", "an addon version such as v1.9.0, without control characters, found \""
              + version + "\"");
        } else {
          b.addonVersion(version);
        }
        JsonNode config = addon.get("config");
        if (config != null && !config.isNull()) {
          if (config.isObject()) {
            b.addonConfig(config.toString());
          } else if (config.isString()) {
            b.addonConfig(config.asString());
          } else {
            problem("addon.config", "a JSON object as a string, or a YAML mapping, found " + describe(config));
          }
        }
      }
      JsonNode controller = section(root, "controller", false);
      if (controller != null) {
        ControllerPolicy policy = controllerPolicy(controller);
        if (policy != null) {
          b.controller(policy);
        }
      }
      // Validate the values too, even when the shape already has problems, so that one run reports everything;
      // a field the shape check already reported is not reported a second time.
      HybridNetworkSpec spec = null;
      try {
        spec = b.build();
      } catch (InvalidInputException e) {
        e.problems().stream().filter(p -> !reported(p.field())).forEach(problems::add);
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      return spec;
    }

    /**
     * {@code controller.autoApply}: a list of action kind names as plans print them; absent or null keeps the
     * default, {@code []} is report only. Unknown names are one problem naming them and the accepted ones.
     */
    private ControllerPolicy controllerPolicy(JsonNode controller) {
      String field = "controller.autoApply";
      JsonNode list = controller.get("autoApply");
      if (list == null || list.isNull()) {
        return null;
      }
      if (!list.isArray()) {
        problem(field, "a list of action kinds among " + String.join(", ", ControllerPolicy.ACCEPTED) + ", found "
            + describe(list));
        return null;
      }
      Set<String> names = new java.util.LinkedHashSet<>();
      List<String> unknown = new ArrayList<>();
      for (JsonNode item : list) {
        if (!item.isString()) {
          unknown.add(describe(item));
        } else if (!ControllerPolicy.ACCEPTED.contains(item.asString())) {
          unknown.add("\"" + Printable.escape(item.asString()) + "\"");
        } else {
          names.add(item.asString());
        }
      }
      if (!unknown.isEmpty()) {
        problem(field, "action kinds among " + String.join(", ", ControllerPolicy.ACCEPTED) + ", found "
            + String.join(", ", unknown));
        return null;
      }
      return new ControllerPolicy(names);
    }

    private boolean reported(String field) {
      return problems.stream().map(Problem::field).anyMatch(f -> f.equals(field) || field.startsWith(f + ".")
          || f.startsWith(field + "."));
    }

    private WorkloadRef workload(JsonNode cni) {
      String path = "network.onPremisesCni";
      String kind = string(cni, path, "kind");
      String namespace = string(cni, path, "namespace");
      String name = required(cni, path, "name");
      if (name == null) {
        return null;
      }
      if (kind == null || kind.equals("DaemonSet")) {
        if (namespace == null) {
          problem(path + ".namespace", "the DaemonSet's namespace, e.g. kube-system (required for kind DaemonSet)");
          return null;
        }
        return WorkloadRef.daemonSet(namespace, name);
      }
      if (kind.equals("Installation")) {
        if (namespace != null) {
          problem(path + ".namespace", "no namespace: a Tigera Installation is cluster-scoped, found \"" + namespace
              + "\"");
        }
        return WorkloadRef.tigeraInstallation(name);
      }
      problem(path + ".kind", "DaemonSet or Installation, found \"" + kind + "\"");
      return null;
    }

    private JsonNode section(JsonNode parent, String path, boolean required) {
      String name = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : path;
      JsonNode node = parent.get(name);
      if (node == null || node.isNull()) {
        if (required) {
          problem(path, "a mapping (the section is required)");
        }
        return null;
      }
      return mapping(node, path) ? node : null;
    }

    private boolean mapping(JsonNode node, String path) {
      if (!node.isObject()) {
        problem(path, "a mapping, found " + describe(node));
        return false;
      }
      Set<String> allowed = FIELDS.get(path);
      for (String name : node.propertyNames()) {
        if (!allowed.contains(name)) {
          problem(join(path, name), "no such field; allowed here: " + String.join(", ", new java.util.TreeSet<>(allowed)));
        }
      }
      return true;
    }

    private String required(JsonNode parent, String path, String name) {
      String value = string(parent, path, name);
      if (value == null && (parent.get(name) == null || parent.get(name).isNull())) {
        problem(join(path, name), "a value (the field is required)");
      }
      return value;
    }

    private String string(JsonNode parent, String path, String name) {
      JsonNode node = parent.get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isString()) {
        problem(join(path, name), "a string, found " + describe(node));
        return null;
      }
      return node.asString();
    }

    private Boolean bool(JsonNode parent, String path, String name) {
      JsonNode node = parent.get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isBoolean()) {
        problem(join(path, name), "true or false, found " + describe(node));
        return null;
      }
      return node.asBoolean();
    }

    private void problem(String field, String expected) {
      problems.add(new Problem(source, field, expected));
    }

    private static String join(String path, String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(JsonNode node) {
      if (node.isObject()) {
        return "a mapping";
      }
      if (node.isArray()) {
        return "a list";
      }
      if (node.isBoolean()) {
        return "a boolean (" + node + ")";
      }
      if (node.isNumber()) {
        return "a number (" + node + ")";
      }
      return "\"" + node.asString() + "\"";
    }
  }
}
