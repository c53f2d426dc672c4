package io.hybridcni.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.planner.Facts;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.PolicyDocument;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apply's re-read before one action, through the real SDK against the fake: the observer reads only the calls the
 * action's facts come from, and every fact it was asked for has the value a whole observation gives after the
 * world changed.
 */
class CloudRefreshTest {

  private static final HybridNetworkSpec SPEC = CloudTestBed.spec();

  static Stream<Arguments> factsAndTheirCalls() {
    String user = Specs.RAM_USER;
    String policy = Specs.RAM_POLICY;
    return Stream.of(
        Arguments.of("ram.user/" + user, List.of("GetUser"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedUser(user)),
        Arguments.of("ram.user_comments/" + user, List.of("GetUser"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedUser(user)),
        Arguments.of("ram.attachments/" + user, List.of("GetUser", "ListPoliciesForUser"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedUser(user).seedPolicy(policy, PolicyDocument.TERWAY_ENIIP_TEXT)
                .seedAttachment(user, policy)),
        Arguments.of("ram.access_keys/" + user, List.of("GetUser", "ListAccessKeys"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedUser(user).seedAccessKey(user)),
        Arguments.of("ram.policy/" + policy, List.of("GetPolicy", "ListPolicyVersions"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedPolicy(policy, PolicyDocument.TERWAY_ENIIP_TEXT)),
        Arguments.of("ram.policy_attachment_count/" + policy, List.of("GetPolicy", "ListPolicyVersions"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedPolicy(policy, PolicyDocument.TERWAY_ENIIP_TEXT)
                .seedUser(SampleClusters.OTHER_CLUSTER_USER).seedAttachment(SampleClusters.OTHER_CLUSTER_USER, policy)),
        Arguments.of("ram.policy_holders/" + policy, List.of("GetPolicy", "ListPolicyVersions", "ListEntitiesForPolicy"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedPolicy(policy, PolicyDocument.TERWAY_ENIIP_TEXT)
                .seedUser(SampleClusters.OTHER_CLUSTER_USER).seedAttachment(SampleClusters.OTHER_CLUSTER_USER, policy)),
        Arguments.of("addon/" + Specs.ADDON, List.of("ListClusterAddonInstances"),
            (Consumer<CloudTestBed>) bed -> bed.fake.seedAddon(Specs.CLUSTER_ID, Specs.ADDON, Specs.ADDON_VERSION,
                "active")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("factsAndTheirCalls")
  void aRefreshReadsOnlyTheCallsTheFactComesFromAndGivesTheValueAWholeObservationGives(String fact,
      List<String> calls, Consumer<CloudTestBed> change) {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      AliyunObserver observer = new AliyunObserver(bed.ram, bed.ack);
      CloudFacts before = observer.observe(SPEC);
      change.accept(bed);
      bed.fake.clearJournal();

      CloudFacts refreshed = observer.refresh(SPEC, before, Facts.scope(List.of(fact)));
      List<String> sent = bed.fake.journal().operations();
      CloudFacts whole = observer.observe(SPEC);

      assertThat(sent).as("calls of the refresh").containsExactlyInAnyOrderElementsOf(calls);
      assertThat(read(fact, refreshed)).as("the refreshed value").isEqualTo(read(fact, whole))
          .isNotEqualTo(read(fact, before));
    }
  }

  @Test
  void aRefreshOfTheClusterReadsOnlyTheClusterRecord() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      AliyunObserver observer = new AliyunObserver(bed.ram, bed.ack);
      CloudFacts before = observer.observe(SPEC);
      bed.fake.clearJournal();

      CloudFacts refreshed = observer.refresh(SPEC, before, Facts.scope(List.of("cluster/" + Specs.CLUSTER_ID)));

      assertThat(bed.fake.journal().operations()).containsExactly("DescribeClusterDetail");
      assertThat(refreshed).isEqualTo(before);
    }
  }

  @Test
  void aScopeNamingAnotherUserThanTheObservedOneIsReadByAWholeObservation() {
    try (CloudTestBed bed = CloudTestBed.hostNetwork()) {
      AliyunObserver observer = new AliyunObserver(bed.ram, bed.ack);
      CloudFacts before = observer.observe(SPEC);
      bed.fake.clearJournal();

      observer.refresh(SPEC, before, Facts.scope(List.of("ram.user/" + SampleClusters.OTHER_CLUSTER_USER)));

      assertThat(bed.fake.journal().operations()).contains("GetUser", "GetPolicy", "DescribeClusterDetail");
    }
  }

  private static String read(String fact, CloudFacts cloud) {
    return Facts.read(fact, ObservedState.of(SampleClusters.freshHostNetwork().kubernetes(), cloud));
  }
}
