package io.hybridcni.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package of every module says what it holds in a {@code package-info.java} with Javadoc. Read from the
 * sources rather than the classes, because javac writes no {@code package-info.class} for a package without
 * annotations. Test sources count where their package exists only in tests (fixtures, architecture tests, the
 * reliability module); a test package that mirrors a main package is described by the main one.
 */
class PackageInfoTest {

  private static final Pattern JAVADOC_THEN_PACKAGE =
      Pattern.compile("\\A\\s*/\\*\\*(.*?)\\*/\\s*package\\s+([\\w.]+)\\s*;", Pattern.DOTALL);

  @Test
  void everyPackageOfEveryModuleHasAPackageInfoSayingWhatItHolds() throws IOException {
    Path root = projectRoot();
    List<String> problems = new ArrayList<>();
    List<Path> modules;
    try (Stream<Path> children = Files.list(root)) {
      modules = children.filter(m -> Files.isDirectory(m.resolve("src"))).sorted().toList();
    }
    // Guard against a vacuous pass: the walk must see the modules and their packages.
    assertThat(modules).extracting(m -> m.getFileName().toString()).contains("core", "cli", "testkit");
    int packages = 0;
    for (Path module : modules) {
      TreeSet<String> mainPackages = packagesUnder(module.resolve("src/main/java"));
      TreeSet<String> testOnly = packagesUnder(module.resolve("src/test/java"));
      testOnly.removeAll(mainPackages);
      packages += mainPackages.size() + testOnly.size();
      for (String pkg : mainPackages) {
        check(module.resolve("src/main/java"), pkg, root, problems);
      }
      for (String pkg : testOnly) {
        check(module.resolve("src/test/java"), pkg, root, problems);
      }
    }
    assertThat(packages).isGreaterThan(20);
    assertThat(problems).as("packages without a package-info.java that says what they hold").isEmpty();
  }

  private static void check(Path sources, String pkg, Path root, List<String> problems) {
    Path info = sources.resolve(pkg.replace('.', '/')).resolve("package-info.java");
    String where = root.relativize(info).toString();
    if (!Files.isRegularFile(info)) {
      problems.add(where + ": missing; expected a package-info.java whose Javadoc says what " + pkg + " holds");
      return;
    }
    String text;
    try {
      text = Files.readString(info, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + where, e);
    }
    Matcher m = JAVADOC_THEN_PACKAGE.matcher(text);
    if (!m.find()) {
      problems.add(where + ": expected a Javadoc comment followed by the package declaration");
    } else if (!m.group(2).equals(pkg)) {
      problems.add(where + ": declares package " + m.group(2) + ", expected " + pkg);
    } else if (m.group(1).replaceAll("[\\s*]", "").length() < 40) {
      problems.add(where + ": expected a Javadoc of at least a sentence saying what " + pkg + " holds");
    }
  }

  /** The packages with at least one Java source directly in their directory. */
  private static TreeSet<String> packagesUnder(Path sources) throws IOException {
    TreeSet<String> packages = new TreeSet<>();
    if (!Files.isDirectory(sources)) {
      return packages;
    }
    try (Stream<Path> files = Files.walk(sources)) {
      files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !f.getFileName().toString().equals("package-info.java"))
          .map(f -> sources.relativize(f.getParent()).toString().replace(f.getFileSystem().getSeparator(), "."))
          .forEach(packages::add);
    }
    return packages;
  }

  /** The directory of the parent pom: Maven runs this test in {@code core/}, one level below it. */
  private static Path projectRoot() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>core</module>")) {
        return dir;
      }
    }
    throw new IllegalStateException("no parent pom listing the module core above " + Path.of("").toAbsolutePath());
  }
}
