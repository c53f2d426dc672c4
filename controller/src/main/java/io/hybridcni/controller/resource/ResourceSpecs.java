package io.hybridcni.controller.resource;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.SpecFiles;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a {@link HybridNetwork}'s spec into a {@link HybridNetworkSpec} through {@link SpecFiles}' strict parser, so
 * that a spec in a custom resource and the same spec in a file can never be judged by different rules: the sections
 * are rendered to JSON (which is YAML) exactly as the API server returned them and parsed with the source
 * {@code HybridNetwork <namespace>/<name>}. Every problem names the field as it is written in the resource, under
 * {@code spec.}.
 */
public final class ResourceSpecs {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ResourceSpecs() {}

  /** The network spec a resource holds; throws {@link InvalidInputException} naming each bad {@code spec.} field. */
  public static HybridNetworkSpec toSpec(HybridNetwork resource) {
    return toSpec(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), resource.getSpec());
  }

  /** The network spec of the resource {@code namespace/name} whose spec is {@code spec} ({@code null}: none). */
  public static HybridNetworkSpec toSpec(String namespace, String name, HybridNetworkResourceSpec spec) {
    String source = HybridNetwork.describe(namespace, name);
    if (spec == null) {
      throw new InvalidInputException(source, "spec", "a mapping with at least cluster.id and cluster.region");
    }
    String body = JSON.writeValueAsString(spec.sections());
    if (body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > SpecFiles.MAX_BYTES) {
      // The same limit as a file's: the API server would take up to its request limit (about 1.5 MiB).
      throw new InvalidInputException(source, "spec", "a spec of at most " + SpecFiles.MAX_BYTES + " bytes");
    }
    try {
      return SpecFiles.parse(source, body);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(e.problems().stream().map(ResourceSpecs::underSpec).toList());
    }
  }

  /** A problem of the spec body, its field moved under {@code spec.} ({@code spec} itself for the whole body). */
  private static Problem underSpec(Problem p) {
    return new Problem(p.source(), p.field().isEmpty() ? "spec" : "spec." + p.field(), p.expected());
  }

  /** The problems of an invalid spec on one line, for a condition's message. */
  static String oneLine(InvalidInputException e) {
    List<Problem> problems = e.problems();
    StringBuilder line = new StringBuilder();
    for (Problem p : problems) {
      line.append(line.length() == 0 ? "" : "; ").append(p);
    }
    return line.toString();
  }
}
