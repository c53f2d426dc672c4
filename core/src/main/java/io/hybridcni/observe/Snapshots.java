package io.hybridcni.observe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.cfg.MapperBuilder;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;
import tools.jackson.dataformat.yaml.util.StringQuotingChecker;

/**
 * Saves an {@link ObservedState} as a YAML or JSON snapshot and reads it back, exactly: for every state
 * {@code s}, {@code fromYaml(source, toYaml(s)).equals(s)} and the same for JSON. A snapshot holds facts only,
 * never a secret value ({@link SecretFacts} carries {@link ValueHash hashes}).
 *
 * <p>The document has two fields, in this order: {@code format_version} ({@value #FORMAT_VERSION}) and
 * {@code observed}, the state with snake_case field names:
 *
 * <pre>{@code
 * format_version: 1
 * observed:
 *   nodes:
 *   - name: ecs-node-1
 *     labels:
 *       alibabacloud.com/external: "true"
 *     provider_id: cn-hangzhou.i-bp1example
 *     runs_calico: false
 *     runs_terway: true
 *   cni:
 *     calico:
 *       ip_pools: [...]
 * ...
 * }</pre>
 *
 * <p>A YAML snapshot ends with YAML's end-of-document line {@code ...}, and reading requires it: YAML cut off at
 * a line break is often still valid YAML, and a silently shortened state would be planned against as if the
 * missing parts were absent from the cluster. (A JSON snapshot cannot lose its closing brace unnoticed.)
 *
 * <p>Writing is deterministic: the same state always gives the same bytes. Fields whose value is {@code null}
 * are left out, map keys are sorted, lists keep their order, lines end with {@code \n}. In YAML a string is
 * written unquoted only when it cannot be read back as anything but that string.
 *
 * <p>Reading is strict and every failure is an {@link InvalidInputException} that names the source, the field
 * path (for example {@code observed.nodes[3].labels}) and what was expected: unknown fields, duplicate keys,
 * a wrong type (no string-to-number or number-to-string coercion), a {@code null} inside a list or map, a
 * missing required field, a missing, non-integer or newer {@code format_version}, and text that is not valid
 * YAML or JSON (including truncated text) are all refused. An absent field reads as {@code null}, an empty list
 * or map, or {@code false}, as the model's constructors make of it; the writer writes every field that is not
 * {@code null}.
 */
public final class Snapshots {

  /** The snapshot format this version of hybridcni writes and the newest one it reads. */
  public static final int FORMAT_VERSION = 1;

  /** Snapshots larger than this many bytes (64 MiB) are refused before they are read ({@code files.InputFiles}). */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  private static final String VERSION_FIELD = "format_version";
  private static final String OBSERVED_FIELD = "observed";
  private static final String EXPECTED_DOCUMENT = "a mapping with " + VERSION_FIELD + " and " + OBSERVED_FIELD;
  /** YAML's end-of-document marker, written as the last line so that a cut-off file is recognised. */
  private static final String YAML_END = "...";

  private static final ObjectMapper JSON = common(JsonMapper.builder())
      .defaultPrettyPrinter(jsonPrettyPrinter())
      .build();

  private static final ObjectMapper YAML = common(YAMLMapper.builder(YAMLFactory.builder()
      .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
      .disable(YAMLWriteFeature.SPLIT_LINES)
      .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
      .stringQuotingChecker(new PlainWhenUnambiguous())
      .loadSettings(LoadSettings.builder().setCodePointLimit(MAX_BYTES).build())
      .build()))
      .build();

  /** The whole file: the format version first, then the state. */
  private record Document(int formatVersion, ObservedState observed) {}

  private Snapshots() {}

  /**
   * The state as a YAML snapshot: {@code format_version}, then {@code observed}, then the end-of-document line
   * {@code ...}.
   *
   * @param state the state to save; not {@code null}
   * @return the YAML text; byte for byte the same for equal states
   */
  public static String toYaml(ObservedState state) {
    return Format.YAML.write(state);
  }

  /**
   * The state as a JSON snapshot: an object with {@code format_version} then {@code observed}, indented by two
   * spaces and ending with a line break.
   *
   * @param state the state to save; not {@code null}
   * @return the JSON text; byte for byte the same for equal states
   */
  public static String toJson(ObservedState state) {
    return Format.JSON.write(state);
  }

  /**
   * Reads a YAML snapshot, which must end with the end-of-document line {@code ...} as {@link #toYaml} writes
   * it.
   *
   * @param source what the text is, named in errors (a file path, or a label such as {@code stdin})
   * @param text the YAML text
   * @return the state, equal to the one that was written
   * @throws InvalidInputException when the text is not a valid snapshot of a supported format version
   */
  public static ObservedState fromYaml(String source, String text) {
    return Format.YAML.read(source, text);
  }

  /**
   * Reads a JSON snapshot.
   *
   * @param source what the text is, named in errors (a file path, or a label such as {@code stdin})
   * @param text the JSON text
   * @return the state, equal to the one that was written
   * @throws InvalidInputException when the text is not a valid snapshot of a supported format version
   */
  public static ObservedState fromJson(String source, String text) {
    return Format.JSON.read(source, text);
  }

  /** The two formats: each knows its mapper and how to name itself in errors. */
  private enum Format {
    JSON(Snapshots.JSON, "JSON"),
    YAML(Snapshots.YAML, "YAML");

    private final ObjectMapper mapper;
    private final String label;

    Format(ObjectMapper mapper, String label) {
      this.mapper = mapper;
      this.label = label;
    }

    String write(ObservedState state) {
      Objects.requireNonNull(state, "state");
      String text = mapper.writeValueAsString(new Document(FORMAT_VERSION, state));
      if (!text.endsWith("\n")) {
        text += "\n";
      }
      return this == YAML ? text + YAML_END + "\n" : text;
    }

    ObservedState read(String source, String text) {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(text, "text");
      // First a streaming pass over the top level: the format version decides whether the rest may be read at
      // all, and a newer file must be refused for its version, not for the fields it added.
      checkTopLevel(source, text);
      if (this == YAML && !endsWithDocumentEnd(text)) {
        // YAML cut at a line boundary is still valid YAML; JSON cannot lose its closing brace unnoticed.
        throw new InvalidInputException(source, "", "the end-of-document line \"" + YAML_END + "\" as the last line,"
            + " which ends every YAML snapshot; without it the file may be truncated");
      }
      ObservedState state;
      try {
        state = mapper.readValue(text, Document.class).observed();
      } catch (JacksonException e) {
        throw Failures.of(this, source, e);
      }
      refuseRepeatedNodes(source, state);
      return state;
    }

    /**
     * A cluster has each node name once (it is the Node object's name); a snapshot listing one twice was edited or
     * merged by hand, and which of the two entries the planner would believe is an accident of order.
     */
    private static void refuseRepeatedNodes(String source, ObservedState state) {
      // The first repetition only: a generated file may repeat one name a hundred thousand times.
      java.util.Map<String, Integer> first = new java.util.HashMap<>();
      for (int i = 0; i < state.nodes().size(); i++) {
        String name = state.nodes().get(i).name();
        Integer seen = first.putIfAbsent(name, i);
        if (seen != null) {
          throw new InvalidInputException(source, OBSERVED_FIELD + ".nodes[" + i + "].name", "each node at most once, "
              + "found \"" + name + "\" again (first at " + OBSERVED_FIELD + ".nodes[" + seen + "])");
        }
      }
    }

    /**
     * Whether the last line that is neither blank nor a comment is the end marker, from the first column: an
     * indented "..." is the content of a block string, not the end of the document.
     */
    private static boolean endsWithDocumentEnd(String text) {
      int end = text.length();
      while (end > 0) {
        int start = text.lastIndexOf('\n', end - 1) + 1;
        String line = text.substring(start, end).stripTrailing();
        if (!line.isEmpty() && !line.startsWith("#")) {
          return line.equals(YAML_END);
        }
        end = start - 1;
      }
      return false;
    }

    private void checkTopLevel(String source, String text) {
      List<Problem> problems = new ArrayList<>();
      try (JsonParser p = mapper.createParser(text)) {
        JsonToken token = p.nextToken();
        if (token == null) {
          throw new InvalidInputException(source, "", EXPECTED_DOCUMENT + ", found an empty document");
        }
        if (token != JsonToken.START_OBJECT) {
          throw new InvalidInputException(source, "", EXPECTED_DOCUMENT + ", found " + Failures.found(p, token));
        }
        boolean version = false;
        boolean observed = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          token = p.nextToken();
          if (VERSION_FIELD.equals(name)) {
            version = true;
            String problem = versionProblem(p, token);
            if (problem != null) {
              // Nothing else in the file can be judged against a version we do not know.
              throw new InvalidInputException(source, VERSION_FIELD, problem);
            }
          } else if (OBSERVED_FIELD.equals(name)) {
            observed = true;
            if (token != JsonToken.START_OBJECT) {
              problems.add(new Problem(source, OBSERVED_FIELD, "a mapping of observed facts, found "
                  + Failures.found(p, token)));
            }
          } else {
            problems.add(new Problem(source, Failures.render(List.of(name)),
                "no such field; allowed here: " + VERSION_FIELD + ", " + OBSERVED_FIELD));
          }
          skipRefusingAliases(p, source);
        }
        if (p.nextToken() != null) {
          problems.add(new Problem(source, "", "a single " + label + " document, found more after its end"
              + Failures.at(p.currentTokenLocation())));
        }
        if (!version) {
          problems.add(0, new Problem(source, VERSION_FIELD,
              "the snapshot format version, an integer such as " + FORMAT_VERSION + " (the field is required)"));
        }
        if (!observed) {
          problems.add(new Problem(source, OBSERVED_FIELD, "a mapping of observed facts (the field is required)"));
        }
      } catch (JacksonException e) {
        throw Failures.of(this, source, e);
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
    }

    /**
     * Skips the value just read, refusing YAML aliases ({@code *name}) in it: Jackson reads an alias as its anchor's
     * name, not as the anchored value, so a snapshot using one would silently hold something else. Nothing is
     * expanded, so an alias bomb costs nothing.
     */
    private static void skipRefusingAliases(JsonParser p, String source) {
      int depth = 0;
      for (JsonToken token = p.currentToken(); token != null; token = p.nextToken()) {
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        } else if (p instanceof YAMLParser y && y.isCurrentAlias()) {
          throw new InvalidInputException(source, Failures.pathOf(p.streamReadContext()),
              "a value written out, found the YAML alias *" + p.getText() + Failures.at(p.currentTokenLocation())
                  + " (aliases are not expanded)");
        }
        if (depth == 0) {
          return;
        }
      }
    }

    private static String versionProblem(JsonParser p, JsonToken token) {
      if (token != JsonToken.VALUE_NUMBER_INT) {
        return "the snapshot format version, an integer such as " + FORMAT_VERSION + ", found "
            + Failures.found(p, token);
      }
      BigInteger version = p.getBigIntegerValue();
      if (version.compareTo(BigInteger.valueOf(FORMAT_VERSION)) > 0) {
        return "format version " + FORMAT_VERSION + " or lower, found " + version + ": the file was written by a"
            + " newer hybridcni; read it with that version or newer";
      }
      if (version.signum() <= 0) {
        return (FORMAT_VERSION == 1 ? "format version 1" : "a format version from 1 to " + FORMAT_VERSION)
            + ", found " + version;
      }
      return null;
    }
  }

  /** Turns Jackson's exceptions into problems that say where, in the snapshot's own field names. */
  private static final class Failures {

    private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Failures() {}

    static InvalidInputException of(Format format, String source, JacksonException e) {
      if (!(e instanceof DatabindException)) {
        // The text itself is broken: bad syntax, a duplicate key, truncated input.
        String field = e.processor() instanceof JsonParser p ? pathOf(p.streamReadContext()) : "";
        return new InvalidInputException(source, field, syntaxProblem(format, e) + at(e));
      }
      String field = pathOf(e.getPath());
      if (e instanceof UnrecognizedPropertyException u) {
        return new InvalidInputException(source, field,
            "no such field; allowed here: " + names(u.getKnownPropertyIds()) + at(e));
      }
      if (e instanceof ValueInstantiationException && e.getCause() instanceof NullPointerException npe
          && npe.getMessage() != null && SIMPLE_NAME.matcher(npe.getMessage()).matches()) {
        // A record's constructor refused a missing component; Objects.requireNonNull names it in Java style.
        String missing = snakeCase(npe.getMessage());
        return new InvalidInputException(source, field.isEmpty() ? missing : field + "." + missing,
            "a value (the field is required)" + at(e));
      }
      if (e instanceof ValueInstantiationException && e.getCause() != null) {
        Throwable cause = e.getCause();
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new InvalidInputException(source, field, "a valid value: " + reason + at(e));
      }
      if (e instanceof InvalidNullException n) {
        return new InvalidInputException(source, field, typeOf(n.getTargetType()) + ", found null"
            + at(e));
      }
      if (e instanceof InvalidFormatException f) {
        return new InvalidInputException(source, field, typeOf(f.getTargetType()) + ", found "
            + quoted(f.getValue()) + at(e));
      }
      if (e instanceof MismatchedInputException m) {
        JsonToken token = m.getCurrentToken();
        if (token == null && e.processor() instanceof JsonParser p) {
          token = p.currentToken();
        }
        String found = token == null ? "" : ", found " + describe(token);
        return new InvalidInputException(source, field, typeOf(m.getTargetType()) + found + at(e));
      }
      return new InvalidInputException(source, field, e.getOriginalMessage() + at(e));
    }

    /** {@code providerId} as {@code provider_id}: the naming the mapper applies to record components. */
    private static String snakeCase(String javaName) {
      StringBuilder name = new StringBuilder();
      for (char c : javaName.toCharArray()) {
        if (Character.isUpperCase(c)) {
          name.append('_').append(Character.toLowerCase(c));
        } else {
          name.append(c);
        }
      }
      return name.toString();
    }

    private static String syntaxProblem(Format format, JacksonException e) {
      String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
      if (message.startsWith("Duplicate Object property")) {
        return "each key at most once in a mapping, found this one again";
      }
      if (message.contains("end-of-input") || message.contains("<stream end>")
          || message.contains("end of stream")) {
        return "complete " + format.label + ", but the text ends here (is the file truncated?)";
      }
      // snakeyaml-engine explains over several lines, with indented excerpts and "in reader" positions: keep the
      // unindented lines that say what is wrong. Jackson's own messages may end in a source description.
      String detail = message.lines()
          .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
          .map(line -> line.replaceAll("\\s*\\(?(start marker )?at \\[Source:.*$", "").strip())
          .filter(line -> !line.isEmpty())
          .collect(Collectors.joining("; "));
      return "valid " + format.label + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    /** Where the problem is: the exception's location, else where the parser stood. */
    private static String at(JacksonException e) {
      TokenStreamLocation location = e.getLocation();
      if ((location == null || location.getLineNr() <= 0) && e.processor() instanceof JsonParser p) {
        location = p.currentTokenLocation();
      }
      return at(location);
    }

    static String at(TokenStreamLocation location) {
      if (location == null || location.getLineNr() <= 0) {
        return "";
      }
      return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    static String found(JsonParser p, JsonToken token) {
      if (token == JsonToken.VALUE_STRING) {
        return "the string " + quoted(p.getString());
      }
      if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
        return "the number " + p.getString();
      }
      return describe(token);
    }

    private static String describe(JsonToken token) {
      return switch (token) {
        case START_OBJECT -> "a mapping";
        case START_ARRAY -> "a list";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT -> "an integer";
        case VALUE_NUMBER_FLOAT -> "a decimal number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> token.name();
      };
    }

    private static String typeOf(Class<?> type) {
      if (type == null) {
        return "a value of another type";
      }
      if (type == String.class) {
        return "a string";
      }
      if (type == boolean.class || type == Boolean.class) {
        return "true or false";
      }
      if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
        return "an integer";
      }
      if (type.isEnum()) {
        return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
            .collect(Collectors.joining(", "));
      }
      if (Collection.class.isAssignableFrom(type)) {
        return "a list";
      }
      return "a mapping";
    }

    private static String quoted(Object value) {
      return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String names(Collection<Object> known) {
      if (known == null || known.isEmpty()) {
        return "(none)";
      }
      return String.join(", ", known.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)));
    }

    static String pathOf(List<JacksonException.Reference> references) {
      List<Object> parts = new ArrayList<>();
      for (JacksonException.Reference r : references) {
        if (r.getPropertyName() != null) {
          parts.add(r.getPropertyName());
        } else if (r.getIndex() >= 0) {
          parts.add(r.getIndex());
        }
      }
      return render(parts);
    }

    static String pathOf(TokenStreamContext context) {
      List<Object> parts = new ArrayList<>();
      for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
        if (c.inArray()) {
          parts.add(0, Math.max(c.getCurrentIndex(), 0));
        } else if (c.currentName() != null) {
          parts.add(0, c.currentName());
        }
      }
      return render(parts);
    }

    /** Names and indices as {@code observed.nodes[3].labels["kubernetes.io/os"]}. */
    static String render(List<Object> parts) {
      StringBuilder path = new StringBuilder();
      for (Object part : parts) {
        if (part instanceof Integer index) {
          path.append('[').append(index).append(']');
        } else {
          appendName(path, (String) part);
        }
      }
      return path.toString();
    }

    private static void appendName(StringBuilder path, String name) {
      if (SIMPLE_NAME.matcher(name).matches()) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(name);
      } else {
        // Label keys hold dots and slashes: bracket them so that the path stays unambiguous.
        path.append("[\"").append(name.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
      }
    }
  }

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B common(B builder) {
    return builder
        // One field per CNI, as a record with a field per CNI wrote it, but from the registry (CniFactsJson).
        .addModule(CniFactsJson.module())
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        // Only record components are properties: a computed accessor such as isEmpty() is never written.
        .enable(MapperFeature.INFER_RECORD_GETTERS_FROM_COMPONENTS_ONLY)
        .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
        .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        // Enum constants are written and read by name, whatever their toString() says.
        .disable(EnumFeature.WRITE_ENUMS_USING_TO_STRING)
        .disable(EnumFeature.READ_ENUMS_USING_TO_STRING)
        .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
        .changeDefaultNullHandling(n -> JsonSetter.Value.forContentNulls(Nulls.FAIL))
        .withCoercionConfig(LogicalType.Textual, c -> c
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .withCoercionConfig(LogicalType.Boolean, c -> c
            .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
        .withCoercionConfigDefaults(c -> c
            .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail));
  }

  private static DefaultPrettyPrinter jsonPrettyPrinter() {
    // Fixed "\n" line breaks: the system's line separator would make the bytes depend on the machine.
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    return new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
  }

  /**
   * Leaves a YAML string unquoted only when it is a plain word that no YAML reader takes for a number, a
   * boolean or null; anything else is quoted, so that every string reads back as exactly the same string.
   */
  private static final class PlainWhenUnambiguous extends StringQuotingChecker {
    private static final long serialVersionUID = 1L;
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*(:[A-Za-z0-9._/-]+)*");

    @Override
    public boolean needToQuoteName(String name) {
      return !plain(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return !plain(value);
    }

    private boolean plain(String text) {
      return PLAIN.matcher(text).matches() && !isReservedKeyword(text);
    }
  }
}
