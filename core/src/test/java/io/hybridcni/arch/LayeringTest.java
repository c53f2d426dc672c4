package io.hybridcni.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code core} layered: its packages form no cycle, only {@code files} touches the file system, and no other
 * package reads a clock, sleeps or starts a process, so that what core answers is a function of its arguments and
 * time comes in as one (a {@code Sleeper}; the reconciler's real one is the single exception).
 */
class LayeringTest {

  /**
   * The one class outside {@code files} allowed to wait for real: {@code Sleeper.REAL}, the default with which
   * {@code apply} waits between polls; everything else in {@code apply} gets its waiting as a {@code Sleeper}.
   */
  private static final String REAL_SLEEPER = "io.hybridcni.apply.Sleeper";

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.hybridcni");
    // Guard against a vacuous pass: every rule below must see the classes it is about.
    assertThat(core.contain("io.hybridcni.detect.ScenarioDetector")).isTrue();
    assertThat(core.contain("io.hybridcni.files.InputFiles")).isTrue();
    assertThat(core.contain("io.hybridcni.observe.Snapshots")).isTrue();
  }

  @Test
  void corePackagesDependOnEachOtherWithoutCycles() {
    slices().matching("io.hybridcni.(*)..").should().beFreeOfCycles().check(core);
  }

  @Test
  void onlyTheFilesPackageTouchesTheFileSystem() {
    noClasses().that().resideOutsideOfPackage("io.hybridcni.files..")
        .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileReader")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileWriter")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.FileChannel")
        .because("file I/O and its errors belong to io.hybridcni.files; the rest of core works on text and values")
        .check(core);
  }

  @Test
  void everyComputingPackageReadsNoClockSleepsNotAndStartsNoProcess() {
    noClasses().that().resideOutsideOfPackage("io.hybridcni.files..")
        .and().doNotHaveFullyQualifiedName(REAL_SLEEPER)
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Instant.class, "now")
        .orShould().callMethod(LocalDate.class, "now")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(OffsetDateTime.class, "now")
        .orShould().callMethod(ZonedDateTime.class, "now")
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder")
        .orShould().callMethod(Runtime.class, "exec", String.class)
        .orShould().callMethod(Runtime.class, "exec", String[].class)
        .because("the answer of a computing package must follow from its arguments; time comes in as one")
        .check(core);
  }
}
