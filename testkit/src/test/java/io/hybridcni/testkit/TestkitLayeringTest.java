package io.hybridcni.testkit;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The testkit's packages form no cycle: the fake Aliyun server and the fabric8 mock fixtures each stand alone, on
 * top of what the root package shares. (The adapters and the CLI are one package each, so a cycle rule has nothing
 * to check there; {@code core} has its own.)
 */
class TestkitLayeringTest {

  @Test
  void testkitPackagesDependOnEachOtherWithoutCycles() {
    JavaClasses testkit = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.hybridcni.testkit");
    // Guard against a vacuous pass: both subpackages must be seen.
    assertThat(testkit.contain("io.hybridcni.testkit.SecretForms")).isTrue();
    assertThat(testkit.stream().map(c -> c.getPackageName()).distinct())
        .contains("io.hybridcni.testkit.aliyun", "io.hybridcni.testkit.kube");
    slices().matching("io.hybridcni.(**)").should().beFreeOfCycles().check(testkit);
  }
}
