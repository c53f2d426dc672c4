package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.RamFacts.PolicyHolder;
import io.hybridcni.observe.RamFacts.PolicyHolder.Kind;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.PolicyDocument;
import org.junit.jupiter.api.Test;

/**
 * The shared policy against the fake RAM through the real SDK: the observer lists who holds it, and the plan
 * never narrows it for them.
 */
class SharedPolicyCloudTest {

  private static final String OTHER_USER = SampleClusters.OTHER_CLUSTER_USER;

  private static RamFacts.Policy observedPolicy(CloudTestBed bed) {
    return new AliyunObserver(bed.ram, bed.ack).observe(CloudTestBed.spec()).ram().policy();
  }

  /** Our user and another cluster's user hold the policy, whose only version is {@code document}. */
  private static CloudTestBed sharedBed(String document) {
    CloudTestBed bed = CloudTestBed.hostNetwork();
    bed.fake.seedPolicy(Specs.RAM_POLICY, document).seedUser(Specs.RAM_USER).seedUser(OTHER_USER)
        .seedAttachment(Specs.RAM_USER, Specs.RAM_POLICY).seedAttachment(OTHER_USER, Specs.RAM_POLICY);
    return bed;
  }

  @Test
  void theObserverListsTheUsersGroupsAndRolesHoldingThePolicy() {
    try (CloudTestBed bed = sharedBed(PolicyDocument.TERWAY_ENIIP_TEXT)) {
      bed.fake.seedGroupAttachment(SampleClusters.OTHER_GROUP, Specs.RAM_POLICY)
          .seedRoleAttachment(SampleClusters.OTHER_ROLE, Specs.RAM_POLICY);

      RamFacts.Policy policy = observedPolicy(bed);

      assertThat(policy.holders()).containsExactlyInAnyOrder(new PolicyHolder(Kind.USER, Specs.RAM_USER),
          new PolicyHolder(Kind.USER, OTHER_USER), new PolicyHolder(Kind.GROUP, SampleClusters.OTHER_GROUP),
          new PolicyHolder(Kind.ROLE, SampleClusters.OTHER_ROLE));
      assertThat(policy.attachmentCount()).isEqualTo(4);
      assertThat(bed.fake.journal().operations()).contains("ListEntitiesForPolicy");
    }
  }

  @Test
  void aRefusedListOfHoldersIsObservedAsUnknownNotAsNobody() {
    try (CloudTestBed bed = sharedBed(PolicyDocument.TERWAY_ENIIP_TEXT)) {
      bed.fake.faults().on("ListEntitiesForPolicy").failWith("NoPermission", 403);

      RamFacts.Policy policy = observedPolicy(bed);

      assertThat(bed.fake.faults().taken("ListEntitiesForPolicy")).isEqualTo(1);
      assertThat(policy.holders()).isNull();
      assertThat(policy.attachmentCount()).isEqualTo(2);
    }
  }

  @Test
  void aPolicyThatGrantsMoreThanTheSpecIsLeftAlone() {
    try (CloudTestBed bed = sharedBed(SampleClusters.wildcardDocument())) {
      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.plan().findings()).extracting(Finding::code).contains("POLICY_GRANTS_MORE");
      assertThat(bed.fake.journal().operations()).doesNotContain("CreatePolicyVersion");
      assertThat(bed.fake.policy(Specs.RAM_POLICY).orElseThrow().versionIds()).containsExactly("v1");
    }
  }

  @Test
  void narrowingAPolicyAnotherClusterHoldsIsBlockedAndWritesNoVersion() {
    try (CloudTestBed bed = sharedBed(SampleClusters.driftedDocumentWithExtraAction())) {
      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).isFalse();
      assertThat(result.plan().findings()).filteredOn(f -> f.code().equals("POLICY_SHARED_NARROWING"))
          .singleElement().satisfies(f -> assertThat(f.message()).contains("user " + OTHER_USER));
      assertThat(bed.fake.journal().operations()).doesNotContain("CreatePolicyVersion");
      assertThat(bed.fake.policy(Specs.RAM_POLICY).orElseThrow().versionIds()).containsExactly("v1");
    }
  }

  @Test
  void wideningAPolicyAnotherClusterHoldsWarnsNamingItAndConverges() {
    try (CloudTestBed bed = sharedBed(SampleClusters.driftedDocument())) {
      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(result.plan().findings()).filteredOn(f -> f.code().equals("POLICY_SHARED_WIDENED"))
          .singleElement().satisfies(f -> assertThat(f.message()).contains("user " + OTHER_USER));
      var policy = bed.fake.policy(Specs.RAM_POLICY).orElseThrow();
      assertThat(policy.versionIds()).containsExactly("v1", "v2");
      assertThat(PolicyDocument.terwayEniip().semanticallyEquals(policy.defaultDocument())).isTrue();
    }
  }

  @Test
  void aPolicyHeldOnlyByOurUserIsNarrowedAsBefore() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedPolicy(Specs.RAM_POLICY, SampleClusters.driftedDocumentWithExtraAction())
          .seedUser(Specs.RAM_USER).seedAttachment(Specs.RAM_USER, Specs.RAM_POLICY);

      ReconcileResult result = bed.reconciler().reconcile(CloudTestBed.spec(), ApplyOptions.defaults());

      assertThat(result.converged()).as(result.why()).isTrue();
      assertThat(PolicyDocument.terwayEniip().semanticallyEquals(
          bed.fake.policy(Specs.RAM_POLICY).orElseThrow().defaultDocument())).isTrue();
    }
  }

  @Test
  void aSavedPolicyUpdateIsRefusedWhenAnotherClusterAttachedThePolicySinceThePlan() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      bed.fake.seedPolicy(Specs.RAM_POLICY, SampleClusters.driftedDocumentWithExtraAction())
          .seedUser(Specs.RAM_USER).seedAttachment(Specs.RAM_USER, Specs.RAM_POLICY);
      var plan = bed.reconciler().plan(CloudTestBed.spec());
      bed.fake.seedUser(OTHER_USER).seedAttachment(OTHER_USER, Specs.RAM_POLICY);

      var result = bed.reconciler().apply(CloudTestBed.spec(), plan, ApplyOptions.defaults());

      assertThat(plan.findings()).extracting(Finding::code).doesNotContain("POLICY_SHARED_NARROWING");
      assertThat(result.succeeded()).isFalse();
      assertThat(String.valueOf(result.refused()) + result.outcomes())
          .contains("ram.policy_holders/" + Specs.RAM_POLICY);
      assertThat(bed.fake.journal().operations()).doesNotContain("CreatePolicyVersion");
    }
  }
}
