package io.hybridcni.render;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.plan.Plan;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The machine-readable plan: a stable JSON document with a {@code format_version}, snake_case names, what the plan
 * is for ({@code kind} {@code APPLY} or {@code DESTROY}, the {@code cluster_id} and the {@code spec_digest} of the
 * spec it was made from), the findings, the actions with their changes, typed details and fingerprints, a summary
 * and the outcome. It can be read back ({@link #read}) to apply a saved plan; {@code PlanCheck} then decides
 * whether it may run.
 *
 * <p>A fingerprint's fact values are opaque strings, compared whole: a node-set fact ({@code nodes.running/calico},
 * {@code nodes.labelled/<key>=<value>}) is {@code [a,b,c]} up to 100 nodes and {@code count=<n>;names.sha256=<hex>}
 * (the SHA-256 of that {@code [a,b,c]} text) beyond. Findings' evidence and messages are for people: past 20 nodes
 * they name the first 10 and {@code and <n> more}. Neither changed the layout, so the version stayed 2.
 */
public final class PlanJson {

  /**
   * The version of the JSON layout; readers refuse newer ones, and older ones, which do not say what they are for.
   * 2 added {@code kind} (replacing {@code destroy}) and {@code spec_digest}.
   */
  public static final int FORMAT_VERSION = 2;

  /** The fields a plan must carry to say what it is for; format 1 had none of them but the cluster id. */
  private static final String[] PURPOSE = {"kind", "cluster_id", "spec_digest"};

  static final JsonMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private PlanJson() {}

  /** The plan as a JSON document ending in a newline. */
  public static String write(Plan plan) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format_version", FORMAT_VERSION);
    ObjectNode body = MAPPER.valueToTree(plan);
    root.setAll(body);
    Plan.Summary summary = plan.summary();
    ObjectNode counts = root.putObject("summary");
    counts.put("add", summary.add());
    counts.put("change", summary.change());
    counts.put("destroy", summary.destroy());
    counts.put("total", summary.total());
    root.put("blocked", plan.hasBlockers());
    root.put("outcome", plan.outcome().name().toLowerCase(java.util.Locale.ROOT));
    root.put("exit_code", plan.outcome().exitCode());
    return MAPPER.writeValueAsString(root) + "\n";
  }

  /**
   * Reads a plan written by {@link #write}.
   *
   * @throws InvalidInputException naming {@code source} when the text is not such a plan, was written by a
   *     newer hybridcni, or by an older one that did not record the plan's kind and spec (then: plan again)
   */
  public static Plan read(String source, String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new InvalidInputException(source, "", "a plan JSON document (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(source, "", "a plan JSON object");
    }
    JsonNode version = root.get("format_version");
    if (version == null || !version.isInt()) {
      throw new InvalidInputException(source, "format_version", "an integer format version");
    }
    if (version.asInt() > FORMAT_VERSION) {
      throw new InvalidInputException(source, "format_version", "format version " + FORMAT_VERSION
          + " or older; this plan was written by a newer hybridcni (format " + version.asInt() + ")");
    }
    if (version.asInt() < FORMAT_VERSION) {
      throw new InvalidInputException(source, "format_version", "format version " + FORMAT_VERSION + ", which "
          + "records the plan's kind, cluster and spec; this plan was written by an older hybridcni (format "
          + version.asInt() + "): make it again with hybridcni plan --out");
    }
    java.util.List<InvalidInputException.Problem> missing = new java.util.ArrayList<>();
    for (String field : PURPOSE) {
      JsonNode value = root.get(field);
      if (value == null || value.isNull()) {
        missing.add(new InvalidInputException.Problem(source, field, switch (field) {
          case "kind" -> "APPLY or DESTROY, what the plan is for";
          case "cluster_id" -> "the id of the cluster the plan is for";
          default -> "the digest of the spec the plan was made from";
        } + " (the field is required; make the plan again with hybridcni plan --out)"));
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidInputException(missing);
    }
    ObjectNode body = ((ObjectNode) root).deepCopy();
    for (String derived : new String[] {"format_version", "summary", "blocked", "outcome", "exit_code"}) {
      body.remove(derived);
    }
    try {
      return MAPPER.treeToValue(body, Plan.class);
    } catch (JacksonException e) {
      throw new InvalidInputException(source, e.getPathReference(), "a valid plan field ("
          + e.getOriginalMessage() + ")");
    }
  }
}
