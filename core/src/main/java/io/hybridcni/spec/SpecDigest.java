package io.hybridcni.spec;

import io.hybridcni.observe.Frozen;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What a plan remembers of the spec it was made from: a {@code digest} of the whole spec and one digest per spec
 * field ({@code fields}, keyed by the field's path as in the YAML form, e.g. {@code addon.version}), so that a
 * saved plan given another spec can name the fields that differ without holding any value.
 *
 * <p>Both are computed from the canonical spec, the {@link HybridNetworkSpec} a file or builder yields after
 * defaults, never from its text: YAML formatting, comments, key order and a default written out or left out do
 * not change them. A policy document counts as its compact JSON (what is sent to RAM), an addon config as its
 * sorted compact JSON. The spec holds no secret (the AccessKey lives only in the Kubernetes Secret), and each value
 * enters only a one-way SHA-256, so a digest never reveals a value. {@code digest} is the full SHA-256 of every
 * field and decides; a field's digest is cut to 64 bits, which is enough to name the fields that differ.
 */
public record SpecDigest(String digest, Map<String, String> fields) {

  /**
   * Record components that are not about what the plan does and so never enter a digest: the controller's policy
   * ({@code controller.autoApply}) says who may apply a plan, not what it is, and a saved plan must still apply
   * after it changes.
   */
  static final Set<String> NOT_DIGESTED = Set.of("controller");

  /** Spec fields by record component, with their YAML path and canonical text; {@code null} is "not set". */
  private static final Map<String, Field> KNOWN = known();

  public SpecDigest {
    Objects.requireNonNull(digest, "digest");
    fields = Frozen.map(fields);
  }

  /** The digest of {@code spec}. */
  public static SpecDigest of(HybridNetworkSpec spec) {
    Map<String, String> canonical = canonical(spec);
    MessageDigest whole = sha256();
    // One digest for every field in turn: digest() resets it.
    MessageDigest one = sha256();
    Map<String, String> fields = new TreeMap<>();
    for (Map.Entry<String, String> field : canonical.entrySet()) {
      byte[] entry = entry(field.getKey(), field.getValue());
      whole.update(entry);
      one.update(entry);
      fields.put(field.getKey(), "sha256:" + HexFormat.of().formatHex(one.digest()).substring(0, 16));
    }
    return new SpecDigest("sha256:" + HexFormat.of().formatHex(whole.digest()), fields);
  }

  /**
   * The paths of the fields whose digests differ between this digest and {@code other}, a field only one of them
   * knows included, sorted. Empty when the digests are equal; when only the whole digest differs (an edited
   * digest), it is {@code [(spec)]}.
   */
  public List<String> differingFields(SpecDigest other) {
    if (digest.equals(other.digest)) {
      return List.of();
    }
    Set<String> paths = new TreeSet<>(fields.keySet());
    paths.addAll(other.fields.keySet());
    List<String> differing = new ArrayList<>();
    for (String path : paths) {
      if (!Objects.equals(fields.get(path), other.fields.get(path))) {
        differing.add(path);
      }
    }
    return differing.isEmpty() ? List.of("(spec)") : List.copyOf(differing);
  }

  /** Every field of the spec by YAML path, with its canonical text ({@code null}: not set), in path order. */
  static Map<String, String> canonical(HybridNetworkSpec spec) {
    Map<String, String> result = new TreeMap<>();
    // Every record component counts but those NOT_DIGESTED names on purpose, even one added later without a YAML
    // path here: it then goes under its Java name (and a test says so), rather than being left out of the digest.
    for (RecordComponent component : HybridNetworkSpec.class.getRecordComponents()) {
      if (NOT_DIGESTED.contains(component.getName())) {
        continue;
      }
      Object value;
      try {
        value = component.getAccessor().invoke(spec);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read spec field " + component.getName(), e);
      }
      Field field = KNOWN.get(component.getName());
      String path = field != null ? field.path : component.getName();
      String text = value == null ? null : field != null ? field.text.apply(value) : String.valueOf(value);
      result.put(path, text);
    }
    return result;
  }

  /** The record components that have a YAML path here; a test keeps this equal to all of them. */
  static Set<String> knownComponents() {
    return KNOWN.keySet();
  }

  private static Map<String, Field> known() {
    Map<String, Field> m = new LinkedHashMap<>();
    m.put("clusterId", new Field("cluster.id", String::valueOf));
    m.put("regionId", new Field("cluster.region", String::valueOf));
    m.put("clusterIdVerifiedBy", new Field("cluster.idVerifiedBy", String::valueOf));
    m.put("mode", new Field("network.mode", String::valueOf));
    m.put("cloudNodeLabel", new Field("network.cloudNodeLabel", String::valueOf));
    m.put("onPremisesCni", new Field("network.onPremisesCni", String::valueOf));
    m.put("deleteCloudNodePods", new Field("network.deleteCloudNodePods", String::valueOf));
    m.put("ramUserName", new Field("ram.userName", String::valueOf));
    m.put("ramPolicyName", new Field("ram.policyName", String::valueOf));
    m.put("policyDocument", new Field("ram.policyDocument", v -> ((PolicyDocument) v).compactText()));
    m.put("deleteOrphanAccessKeys", new Field("ram.deleteOrphanAccessKeys", String::valueOf));
    m.put("secretNamespace", new Field("secret.namespace", String::valueOf));
    m.put("secretName", new Field("secret.name", String::valueOf));
    m.put("secretReadBy", new Field("secret.readBy", String::valueOf));
    m.put("addonName", new Field("addon.name", String::valueOf));
    m.put("addonVersion", new Field("addon.version", String::valueOf));
    m.put("addonConfig", new Field("addon.config", String::valueOf));
    return Map.copyOf(m);
  }

  private record Field(String path, Function<Object, String> text) {}

  /** One field as hashed: its path and value, each length-prefixed so that no two fields encode alike. */
  private static byte[] entry(String path, String value) {
    StringBuilder b = new StringBuilder();
    b.append(path.length()).append(':').append(path);
    if (value == null) {
      b.append('-');
    } else {
      b.append(value.length()).append(':').append(value);
    }
    return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
