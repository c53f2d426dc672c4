package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ApplyResult;
import io.hybridcni.apply.OutcomeStatus;
import io.hybridcni.fixtures.Specs;
import org.junit.jupiter.api.Test;

/**
 * A write whose first attempt was committed but lost its answer, and whose retry (our {@link Retrier}'s) was refused
 * with a definite 403: the refusal says only that the retry did nothing, so the executor reads the resource back
 * (Crossplane's rule) and reports the change that is there as applied. Through the real SDK against the fake.
 */
class RefusedRetryAfterLostAnswerTest {

  @Test
  void anAttachmentWhoseAnswerWasLostAndWhoseRetryIsRefusedIsApplied() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("AttachPolicyToUser").dropAfterCommit(1).failWith("NoPermission", 403);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.faults().taken("AttachPolicyToUser")).isEqualTo(2);
      assertThat(bed.fake.faults().pending("AttachPolicyToUser")).isZero();
      assertThat(result.outcome("ram-policy-attachment").status()).as(result.outcome("ram-policy-attachment")
          .message()).isEqualTo(OutcomeStatus.APPLIED);
      assertThat(result.outcome("ram-policy-attachment").message()).contains("answer was lost");
      assertThat(bed.fake.attachedPolicies(Specs.RAM_USER)).contains(Specs.RAM_POLICY);
    }
  }

  @Test
  void aPolicyWhoseCreationAnswerWasLostAndWhoseRetryIsRefusedIsApplied() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.faults().on("CreatePolicy").dropAfterCommit(1).failWith("NoPermission", 403);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.faults().taken("CreatePolicy")).isEqualTo(2);
      assertThat(bed.fake.faults().pending("CreatePolicy")).isZero();
      assertThat(result.outcome("ram-policy").status()).as(result.outcome("ram-policy").message())
          .isEqualTo(OutcomeStatus.APPLIED);
      assertThat(bed.fake.policy(Specs.RAM_POLICY)).isPresent();
    }
  }

  @Test
  void aRefusalAfterALostAnswerWhoseChangeIsNotThereFailsNamingBoth() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      // 503 before anything is stored leaves nothing behind; 504 is a lost answer for the client all the same.
      bed.fake.faults().on("AttachPolicyToUser").failWith("ServiceUnavailable", 504, 1).failWith("NoPermission", 403);

      ApplyResult result = bed.reconciler().apply(CloudTestBed.spec(), bed.reconciler().plan(CloudTestBed.spec()),
          ApplyOptions.defaults());

      assertThat(bed.fake.faults().taken("AttachPolicyToUser")).isEqualTo(2);
      assertThat(result.outcome("ram-policy-attachment").status()).isEqualTo(OutcomeStatus.FAILED);
      assertThat(result.outcome("ram-policy-attachment").message()).contains("lost its answer")
          .contains("HTTP 504").contains("NoPermission HTTP 403").contains("not made");
      assertThat(bed.fake.attachedPolicies(Specs.RAM_USER)).doesNotContain(Specs.RAM_POLICY);
    }
  }
}
