package io.hybridcni.controller.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Renders the chart's templates without a {@code helm} binary (there is none on the build machines), for the small
 * part of Go's {@code text/template} and Helm's functions the chart uses, and refuses everything else so the chart
 * cannot drift outside what this checks: text; {@code {{ .A.B }}} (a missing value is an error, not Helm's empty
 * output, to catch typos); {@code if} / {@code else} / {@code end} with Go's truth (false, 0, "", null, empty map or
 * list are false) and {@code not}; the pipeline functions {@code quote}, {@code toYaml}, {@code nindent N},
 * {@code indent N}; and the {@code {{-} / {@code -}}} markers, which trim all white space (newlines included) before
 * or after the action, as {@code text/template} documents. What this does not prove: that Helm renders the same
 * (sprig's {@code toYaml} sorts keys and may quote differently; the tests compare parsed objects, not text).
 */
final class GoTemplateSubset {

  private static final Pattern ACTION = Pattern.compile("\\{\\{(-\\s)?(.*?)(\\s-)?}}", Pattern.DOTALL);

  private final String source;

  private GoTemplateSubset(String source) {
    this.source = source;
  }

  /** {@code template} rendered with {@code dot} as {@code .}; {@code source} names the file in errors. */
  static String render(String source, String template, Map<String, Object> dot) {
    GoTemplateSubset renderer = new GoTemplateSubset(source);
    List<Object> tokens = renderer.tokenize(template);
    StringBuilder out = new StringBuilder();
    int end = renderer.run(tokens, 0, dot, out, true);
    if (end != tokens.size()) {
      throw renderer.error("an {{ end }} or {{ else }} without its {{ if }}");
    }
    return out.toString();
  }

  private record Action(String text) {}

  private List<Object> tokenize(String template) {
    List<Object> tokens = new ArrayList<>();
    Matcher m = ACTION.matcher(template);
    int at = 0;
    boolean trimNext = false;
    while (m.find()) {
      String text = template.substring(at, m.start());
      if (trimNext) {
        text = text.stripLeading();
      }
      if (m.group(1) != null) {
        text = text.stripTrailing();
      }
      tokens.add(text);
      tokens.add(new Action(m.group(2).trim()));
      trimNext = m.group(3) != null;
      at = m.end();
    }
    String rest = template.substring(at);
    tokens.add(trimNext ? rest.stripLeading() : rest);
    return tokens;
  }

  /** Runs tokens from {@code i} until an {@code else} or {@code end} at this level; returns where it stopped. */
  private int run(List<Object> tokens, int i, Map<String, Object> dot, StringBuilder out, boolean emit) {
    while (i < tokens.size()) {
      Object token = tokens.get(i);
      if (token instanceof String text) {
        if (emit) {
          out.append(text);
        }
        i++;
        continue;
      }
      String action = ((Action) token).text();
      if (action.equals("end") || action.equals("else")) {
        return i;
      }
      if (action.startsWith("if ")) {
        boolean cond = emit && truthy(pipeline(action.substring(3), dot));
        i = run(tokens, i + 1, dot, out, emit && cond);
        if (i < tokens.size() && ((Action) tokens.get(i)).text().equals("else")) {
          i = run(tokens, i + 1, dot, out, emit && !cond);
        }
        if (i >= tokens.size() || !((Action) tokens.get(i)).text().equals("end")) {
          throw error("{{ " + action + " }} without its {{ end }}");
        }
        i++;
        continue;
      }
      if (emit) {
        out.append(print(pipeline(action, dot), action));
      }
      i++;
    }
    return i;
  }

  private Object pipeline(String pipeline, Map<String, Object> dot) {
    String[] stages = pipeline.split("\\|");
    Object value = command(stages[0].trim(), dot, null, false);
    for (int s = 1; s < stages.length; s++) {
      value = command(stages[s].trim(), dot, value, true);
    }
    return value;
  }

  private Object command(String command, Map<String, Object> dot, Object piped, boolean hasPiped) {
    String[] words = command.split("\\s+");
    if (words.length == 1 && !hasPiped) {
      return words[0].startsWith(".") ? field(words[0], dot) : literal(words[0], command);
    }
    if (!List.of("not", "quote", "toYaml", "nindent", "indent").contains(words[0])) {
      throw error("{{ " + command + " }} uses what this renderer does not know; keep the chart to "
          + "fields, if/else/end, not, quote, toYaml, indent and nindent");
    }
    List<Object> args = new ArrayList<>();
    for (int w = 1; w < words.length; w++) {
      args.add(words[w].startsWith(".") ? field(words[w], dot) : literal(words[w], command));
    }
    if (hasPiped) {
      args.add(piped);
    }
    return switch (words[0]) {
      case "not" -> !truthy(only(args, command));
      case "quote" -> "\"" + print(only(args, command), command).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      case "toYaml" -> toYaml(only(args, command));
      case "nindent" -> "\n" + indent(number(args, command), print(args.get(1), command));
      case "indent" -> indent(number(args, command), print(args.get(1), command));
      default -> throw new IllegalStateException(words[0]);
    };
  }

  private Object field(String path, Map<String, Object> dot) {
    Object value = dot;
    for (String name : path.substring(1).split("\\.")) {
      if (!(value instanceof Map<?, ?> map) || !map.containsKey(name)) {
        throw error("no value " + path + " (at " + name + ")");
      }
      value = map.get(name);
    }
    return value;
  }

  private Object literal(String word, String command) {
    if (word.matches("-?\\d+")) {
      return Integer.parseInt(word);
    }
    if (word.startsWith("\"") && word.endsWith("\"")) {
      return word.substring(1, word.length() - 1);
    }
    throw error("{{ " + command + " }}: " + word + " is neither a field, a number nor a string");
  }

  private Object only(List<Object> args, String command) {
    if (args.size() != 1) {
      throw error("{{ " + command + " }} takes one argument, got " + args.size());
    }
    return args.get(0);
  }

  private int number(List<Object> args, String command) {
    if (args.size() != 2 || !(args.get(0) instanceof Integer n)) {
      throw error("{{ " + command + " }} takes a width and a value");
    }
    return n;
  }

  private String print(Object value, String where) {
    if (value instanceof String || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof Number n) {
      return n.doubleValue() == Math.rint(n.doubleValue()) ? Long.toString(n.longValue()) : n.toString();
    }
    throw error("{{ " + where + " }} prints " + (value == null ? "nothing" : "a " + value.getClass().getSimpleName())
        + "; print a map or list with toYaml");
  }

  private static boolean truthy(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s) {
      return !s.isEmpty();
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    if (value instanceof List<?> l) {
      return !l.isEmpty();
    }
    return true;
  }

  /** As Helm's: block style, keys sorted (it marshals through JSON), no final newline. */
  private static String toYaml(Object value) {
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build();
    return new Dump(settings).dumpToString(sorted(value)).stripTrailing();
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> tree = new TreeMap<>();
      map.forEach((k, v) -> tree.put(String.valueOf(k), sorted(v)));
      return tree;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(GoTemplateSubset::sorted).toList();
    }
    return value;
  }

  private static String indent(int width, String text) {
    String pad = " ".repeat(width);
    return pad + text.replace("\n", "\n" + pad);
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(source + ": " + what);
  }
}
