package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Faults injected into the fake Aliyun: retries converge, AccessKeys never dangle, secrets never leak. */
class CloudFaultsTest {

  /** A key whose create answer was lost is an orphan: deleted only when the spec allows it. */
  private static final io.hybridcni.spec.HybridNetworkSpec DELETE_ORPHANS = Specs.hostNetwork().toBuilder()
      .deleteOrphanAccessKeys(true).build();

  @Test
  void aThrottlingStormConverges() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("GetUser").throttleTimes(3);
      bed.fake.faults().on("CreatePolicy").throttleTimes(2);
      bed.fake.faults().on("AttachPolicyToUser").serviceUnavailable(2);
      bed.fake.faults().on("CreateAccessKey").throttleTimes(2);
      bed.fake.faults().on("InstallClusterAddons").serviceUnavailable(2);
      bed.fake.faults().on("ListClusterAddonInstances").throttleTimes(2);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).hasSize(1);
      assertThat(bed.fake.journal().of("CreateAccessKey")).hasSize(3);
      assertThat(bed.sleeps).isNotEmpty();
    }
  }

  @Test
  void aCreateAccessKeyWhoseAnswerIsLostLeavesExactlyOneKeyInTheSecret() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreateAccessKey").dropAfterCommit(1);

      ReconcileResult result = bed.reconciler().reconcile(DELETE_ORPHANS, ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      List<RamAccessKey> keys = bed.fake.accessKeys(Specs.RAM_USER);
      assertThat(keys).extracting(RamAccessKey::id).containsExactly(bed.written().accessKeyId());
      // The first key was created but its secret was lost: it was found by listing and deleted (the spec allows).
      assertThat(bed.fake.journal().operations()).containsSubsequence("CreateAccessKey", "ListAccessKeys",
          "DeleteAccessKey", "CreateAccessKey");
    }
  }

  @Test
  void aSecretWriteThatFailsForGoodLeavesNoNewKeyBehind() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.failSecretWrites(CloudTestBed.permanentSecretFailure());

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("access-key-secret").message()).contains("was deleted again")
          .contains("403 Forbidden");
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).isEmpty();
      assertThat(bed.fake.journal().count("CreateAccessKey")).isEqualTo(1);
      assertThat(bed.fake.journal().count("DeleteAccessKey")).isEqualTo(1);
      assertThat(result.outcome("addon-install").status()).isEqualTo(OutcomeStatus.SKIPPED);
    }
  }

  @Test
  void aKeyDeletionWhoseAnswerIsLostCountsAsDone() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      // The lost CreateAccessKey's key is deleted; that delete's answer is lost too, and its retry finds no key.
      bed.fake.faults().on("CreateAccessKey").dropAfterCommit(1);
      bed.fake.faults().on("DeleteAccessKey").dropAfterCommit(1);

      ReconcileResult result = bed.reconciler().reconcile(DELETE_ORPHANS, ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).extracting(RamAccessKey::id)
          .containsExactly(bed.written().accessKeyId());
      assertThat(bed.fake.journal().count("DeleteAccessKey")).isEqualTo(2);
    }
  }

  @Test
  void aSecretWriteThatFailsForGoodIsReportedAsCleanedUpWhenTheDeletionsAnswerIsLost() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.failSecretWrites(CloudTestBed.permanentSecretFailure());
      bed.fake.faults().on("DeleteAccessKey").dropAfterCommit(1);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(result.outcome("access-key-secret").message()).contains("was deleted again")
          .doesNotContain("by hand");
      assertThat(bed.fake.accessKeys(Specs.RAM_USER)).isEmpty();
    }
  }

  @Test
  void anInstallWhoseAnswerIsLostIsTheInstallNotAFailure() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      // The install is carried out, its answer lost; reading the addon back finds it installing, so the install is
      // not sent a second time.
      bed.fake.faults().on("InstallClusterAddons").dropAfterCommit(1);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.apply().outcome("addon-install").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(bed.fake.faults().taken("InstallClusterAddons")).isEqualTo(1);
      assertThat(bed.fake.journal().count("InstallClusterAddons")).isEqualTo(1);
      assertThat(bed.fake.addons(Specs.CLUSTER_ID)).hasSize(1);
    }
  }

  @Test
  void anUpgradeWhoseAnswerIsLostIsTheUpgradeNotAFailure() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, "v1.9.0", "active");
      // The upgrade starts, its answer is lost; the retry is refused because the addon is upgrading now.
      bed.fake.faults().on("UpgradeClusterAddons").dropAfterCommit(1);

      ReconcileResult result = bed.reconciler().reconcile(
          Specs.hostNetwork().toBuilder().addonVersion("v1.10.0").build(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.apply().outcome("addon-upgrade").status()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(bed.fake.addon(Specs.CLUSTER_ID, Specs.ADDON).orElseThrow().version()).isEqualTo("v1.10.0");
    }
  }

  @Test
  void aVersionAddedBySomeoneElseSincePlanningIsMadeRoomForAtApply() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      String drifted = io.hybridcni.fixtures.SampleClusters.driftedDocument();
      bed.fake.seedPolicy(Specs.RAM_POLICY, drifted, drifted, drifted, drifted);
      // RAM answers as if a fifth version had appeared between plan and apply.
      bed.fake.faults().on("CreatePolicyVersion").failWith("LimitExceeded.Policy.Version", 409, 1);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(bed.fake.policy(Specs.RAM_POLICY).orElseThrow().versionIds()).containsExactly("v2", "v3", "v4",
          "v5");
    }
  }

  @Test
  void errorsNameTheOperationTheResourceAndTheRequestId() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreateUser").failWith("NoPermission", 403);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      AliyunCallException cause = (AliyunCallException) result.outcome("ram-user").cause();
      assertThat(cause.getMessage()).contains("CreateUser").contains("ram/user/" + Specs.RAM_USER)
          .contains("NoPermission").contains("HTTP 403").contains("request id");
      assertThat(cause.requestId()).isEqualTo(bed.fake.journal().of("CreateUser").get(0).requestId());
    }
  }

  @Test
  void theAccessKeySecretIsAbsentFromLogsExceptionsResultsAndTheJournal() throws IOException {
    StringBuilder outputs = new StringBuilder();
    String created;
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreateAccessKey").dropAfterCommit(1);
      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());
      created = bed.written().accessKeySecret().reveal();
      outputs.append(result).append(bed.written()).append(bed.fake.journal());
      bed.fake.journal().forEach(e -> outputs.append(e.rendering()));
      bed.failSecretWrites(CloudTestBed.permanentSecretFailure());
      bed.fake.faults().on("DeleteAccessKey").failWith("NoPermission", 403);
      ReconcileResult failed = bed.reconciler().reconcile(
          Specs.hostNetwork().toBuilder().secret("kube-system", "another-secret").build(), ApplyOptions.defaults());
      outputs.append(failed);
      failed.apply().outcomes().forEach(o -> outputs.append(o.message()).append(o.cause()));
    }
    // Surefire sends every log line of this JVM, at DEBUG, to this file (see the module's pom).
    String logs = Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
    assertThat(logs).contains("Wrote AccessKey").contains("DEBUG");
    outputs.append(logs);
    for (String secret : List.of(created, CloudTestBed.CALLER_SECRET)) {
      assertThat(outputs.toString()).doesNotContain(secret)
          .doesNotContain(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(outputs.toString()).contains("(sensitive value)");
  }
}
