package io.hybridcni.aliyun;

import static io.hybridcni.fixtures.PlanAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.planner.Planner;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.aliyun.FakeAliyun;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster.region} is compared with the region ACK reports for the cluster: DescribeClusterDetail's
 * {@code region_id}, read through the real SDK from the fake Aliyun.
 */
class CloudRegionTest {

  private static final Set<String> WRITES = Set.of("CreateUser", "CreatePolicy", "CreatePolicyVersion",
      "DeletePolicyVersion", "AttachPolicyToUser", "CreateAccessKey", "DeleteAccessKey", "InstallClusterAddons",
      "UpgradeClusterAddons");

  @Test
  void theRegionAckReportsIsReadThroughTheSdk() {
    try (FakeAliyun fake = FakeAliyun.start().addAccessKey(CloudTestBed.CALLER_ID, CloudTestBed.CALLER_SECRET)
        .addCluster(Specs.CLUSTER_ID, FakeAliyun.REGISTERED_CLUSTER_TYPE, "running", "cn-beijing")) {
      AckApi ack = AliyunConnection.forRegion(Specs.REGION).endpoint(fake.endpoint()).protocol("HTTP")
          .accessKey(CloudTestBed.CALLER_ID, SecretValue.of(CloudTestBed.CALLER_SECRET)).build()
          .ack(new Retrier(RetryPolicy.defaults(), d -> { }, () -> 0.5));

      assertThat(ack.describeCluster(Specs.CLUSTER_ID).orElseThrow().regionId()).isEqualTo("cn-beijing");
    }
  }

  @Test
  void aClusterRegisteredInAnotherRegionBlocksThePlanAndNothingIsWritten() {
    try (CloudTestBed bed = new CloudTestBed(io.hybridcni.testkit.aliyun.FakeAliyunOptions.defaults(),
        SampleClusters.freshHostNetwork().kubernetes(), "ap-southeast-1")) {
      Reconciler reconciler = bed.reconciler();

      CloudFacts cloud = new AliyunObserver(bed.ram, bed.ack).observe(CloudTestBed.spec());
      assertThat(new Planner().plan(CloudTestBed.spec(), ObservedState.of(bed.observe(CloudTestBed.spec()), cloud)))
          .hasBlocker("CLUSTER_REGION_MISMATCH")
          .findingNames("CLUSTER_REGION_MISMATCH", "ap-southeast-1", Specs.REGION, Specs.CLUSTER_ID);
      ReconcileResult result = reconciler.reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).isFalse();
      assertThat(result.plan().blockers()).extracting(f -> f.code()).contains("CLUSTER_REGION_MISMATCH");
      assertThat(bed.fake.journal().operations()).contains("DescribeClusterDetail").noneMatch(WRITES::contains);
      assertThat(bed.written()).isNull();
      assertThat(bed.fake.users()).isEmpty();
    }
  }
}
