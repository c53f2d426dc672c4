package io.hybridcni.controller.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two image builds (the Dockerfile and cli's Jib profile) agree with each other and with the manifests: the
 * entrypoint is {@code hybridcni controller}, the user is the non-root one the pod's securityContext names, the base
 * is a JRE 17 and the port is the health port. Neither build runs here (no Docker daemon, no registry), so this
 * reads their text; that the Jib profile builds and its class path runs the CLI was checked by hand (report).
 */
class ImageTest {

  @Test
  void theDockerfileRunsTheControllerOnAJre17AsTheManifestsNonRootUser() {
    List<String> lines = Arrays.asList(Manifests.read(Manifests.root().resolve("Dockerfile")).split("\n"));
    List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();

    assertThat(froms).hasSize(2);
    assertThat(froms.get(0)).startsWith("FROM eclipse-temurin:17-jdk AS build");
    assertThat(froms.get(1)).isEqualTo("FROM eclipse-temurin:17-jre");
    assertThat(lines).anyMatch(l -> l.contains("./mvnw -B -q -pl cli -am package"));
    assertThat(lines).contains("USER " + podUser() + ":" + podUser(), "EXPOSE " + containerPort(),
        "ENTRYPOINT [\"hybridcni\", \"controller\"]");
  }

  @Test
  void theJibProfileBuildsTheSameImageOutsideVerify() {
    String pom = Manifests.read(Manifests.root().resolve("cli/pom.xml"));
    Matcher profile = Pattern.compile("<profile>\\s*(?:<!--.*?-->\\s*)?<id>jib</id>(.*?)</profile>", Pattern.DOTALL)
        .matcher(pom);

    assertThat(profile.find()).as("a profile with id jib in cli/pom.xml").isTrue();
    assertThat(profile.group(1)).contains("<artifactId>jib-maven-plugin</artifactId>", "<version>3.5.2</version>",
        "<goal>buildTar</goal>", "<image>eclipse-temurin:17-jre</image>",
        "<user>" + podUser() + ":" + podUser() + "</user>",
        "<entrypoint>java,-cp,@/app/jib-classpath-file,io.hybridcni.cli.Main,controller</entrypoint>",
        "<port>" + containerPort() + "</port>");
    assertThat(pom.substring(0, profile.start())).doesNotContain("jib-maven-plugin");
    assertThat(profile.group(1)).doesNotContain("activeByDefault");
  }

  private static Object podUser() {
    return HelmChartTest.map(HelmChartTest.map(HelmChartTest.map(HelmChartTest.map(deployment(), "spec"),
        "template"), "spec"), "securityContext").get("runAsUser");
  }

  @SuppressWarnings("unchecked")
  private static Object containerPort() {
    Map<String, Object> container = HelmChartTest.container(Manifests.deployObjects());
    return ((List<Map<String, Object>>) container.get("ports")).get(0).get("containerPort");
  }

  private static Map<String, Object> deployment() {
    return Manifests.deployObjects().get("Deployment/hybridcni-system/hybridcni-controller");
  }
}
