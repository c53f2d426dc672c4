package io.hybridcni.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code core} pure: no fabric8, Aliyun or HTTP client type, no network or process API, and no clock, so
 * that planning stays a deterministic function of the spec and the observed state.
 */
class CorePurityTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.hybridcni");
    // Guard against a vacuous pass: the rules must see the planner itself.
    org.assertj.core.api.Assertions.assertThat(core.contain("io.hybridcni.planner.Planner")).isTrue();
  }

  @Test
  void coreUsesNoKubernetesClientType() {
    ArchRule rule = noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "io.kubernetes..", "io.vertx..");
    rule.check(core);
  }

  @Test
  void coreUsesNoAliyunSdkType() {
    ArchRule rule = noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("com.aliyun..", "com.alibaba..", "com.aliyuncs..");
    rule.check(core);
  }

  @Test
  void coreUsesNoHttpClientOrNetworkApi() {
    ArchRule rule = noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("java.net.http..", "okhttp3..", "org.apache.http..", "org.apache.hc..",
            "com.sun.net.httpserver..", "javax.net..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.URLConnection")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.HttpURLConnection");
    rule.check(core);
  }

  @Test
  void thePlannerReadsNoClockAndStartsNoProcess() {
    ArchRule rule = noClasses().that().resideInAnyPackage("io.hybridcni.planner..", "io.hybridcni.detect..",
            "io.hybridcni.status..",
            "io.hybridcni.plan..", "io.hybridcni.render..")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder");
    rule.check(core);
  }
}
