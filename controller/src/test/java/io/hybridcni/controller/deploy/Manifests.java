package io.hybridcni.controller.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The repository's {@code deploy/} and {@code charts/hybridcni/}, read as Kubernetes objects. */
final class Manifests {

  /** The files of deploy/ that are not objects to compare: Kustomize's own file and the CRD (helper M's). */
  static final List<String> NOT_OBJECTS = List.of("kustomization.yaml", "crds");

  private Manifests() {}

  /** The repository root: tests run in the module's directory. */
  static Path root() {
    Path module = Path.of("").toAbsolutePath();
    Path root = module.getParent();
    if (!Files.isDirectory(root.resolve("deploy")) || !Files.isDirectory(root.resolve("charts"))) {
      throw new IllegalStateException("expected deploy/ and charts/ next to " + module);
    }
    return root;
  }

  static Path deploy() {
    return root().resolve("deploy");
  }

  static Path chart() {
    return root().resolve("charts/hybridcni");
  }

  /** Every object of deploy/ (the CRD and kustomization.yaml aside), by kind/namespace/name. */
  static Map<String, Map<String, Object>> deployObjects() {
    Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    addObjectsOf(objects, deploy());
    return objects;
  }

  /** Every object of deploy/fleet/ (the fleet hub's overlay) and of the base it builds on, by kind/namespace/name. */
  static Map<String, Map<String, Object>> fleetObjects() {
    Map<String, Map<String, Object>> objects = deployObjects();
    addObjectsOf(objects, deploy().resolve("fleet"));
    return objects;
  }

  /** Adds the objects of every YAML file directly in {@code folder} (the CRD and kustomization.yaml aside). */
  private static void addObjectsOf(Map<String, Map<String, Object>> objects, Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (!NOT_OBJECTS.contains(file.getFileName().toString())) {
          add(objects, file.toString(), read(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chart's values.yaml. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> values() {
    return (Map<String, Object>) yaml(read(chart().resolve("values.yaml"))).get(0);
  }

  /** Every object the chart's templates render with {@code values} in namespace {@code hybridcni-system}. */
  static Map<String, Map<String, Object>> chartObjects(Map<String, Object> values) {
    Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    for (Map.Entry<String, String> rendered : renderChart(values).entrySet()) {
      if (rendered.getKey().endsWith(".yaml")) {
        add(objects, rendered.getKey(), rendered.getValue());
      }
    }
    return objects;
  }

  /** Every template of the chart rendered with {@code values}, by file name. */
  @SuppressWarnings("unchecked")
  static Map<String, String> renderChart(Map<String, Object> values) {
    Map<String, Object> chart = (Map<String, Object>) yaml(read(chart().resolve("Chart.yaml"))).get(0);
    Map<String, Object> dot = Map.of("Values", values,
        "Release", Map.of("Namespace", "hybridcni-system", "Name", "hybridcni", "Service", "Helm"),
        "Chart", Map.of("Name", chart.get("name"), "Version", chart.get("version"),
            "AppVersion", chart.get("appVersion")));
    Map<String, String> rendered = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(chart().resolve("templates"))) {
      for (Path file : files.sorted().toList()) {
        rendered.put(file.getFileName().toString(), GoTemplateSubset.render(file.toString(), read(file), dot));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rendered;
  }

  /** Every file under deploy/ and charts/, with its text. */
  static Map<Path, String> allFiles() {
    Map<Path, String> texts = new LinkedHashMap<>();
    for (Path dir : List.of(deploy(), root().resolve("charts"))) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          texts.put(root().relativize(file), read(file));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return texts;
  }

  static List<Object> yaml(String text) {
    List<Object> docs = new ArrayList<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
      if (doc != null) {
        docs.add(doc);
      }
    }
    return docs;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static String key(Map<String, Object> object) {
    Map<String, Object> metadata = (Map<String, Object>) object.getOrDefault("metadata", Map.of());
    return object.get("kind") + "/" + metadata.getOrDefault("namespace", "") + "/" + metadata.get("name");
  }

  @SuppressWarnings("unchecked")
  private static void add(Map<String, Map<String, Object>> objects, String source, String text) {
    for (Object doc : yaml(text)) {
      Map<String, Object> object = (Map<String, Object>) doc;
      if (objects.put(key(object), object) != null) {
        throw new IllegalStateException(source + ": " + key(object) + " is there twice");
      }
    }
  }
}
