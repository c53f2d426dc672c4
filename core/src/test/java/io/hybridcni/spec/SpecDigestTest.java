package io.hybridcni.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The digest a plan keeps of its spec: of the canonical spec, field by field, and never of a value as written. */
class SpecDigestTest {

  private static final String CLUSTER_ID = "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";

  private static final String TERSE = """
      cluster: {id: %s, region: cn-hangzhou}
      addon: {version: v1.9.0, config: {IPVlan: "false", ENITrunking: "true"}}
      network: {mode: BGP}
      """.formatted(CLUSTER_ID);

  /** The same spec: other key order, block style, comments, defaults written out, config as a JSON string. */
  private static final String VERBOSE = """
      # the same network, written out
      apiVersion: hybridcni.io/v1alpha1
      kind: HybridNetwork
      network:
        cloudNodeLabel: alibabacloud.com/external=true   # the default
        mode: BGP
      addon:
        config: '{ "ENITrunking": "true",  "IPVlan": "false" }'
        name: terway-eniip
        version: v1.9.0
      ram:
        userName: ack-one-user-c5f0e4a3b2
        policyName: ack-one-registered-cluster-policy-terway-eniip
        deleteOrphanAccessKeys: false
      secret:
        name: alibaba-addon-secret
        namespace: kube-system
      cluster:
        region: cn-hangzhou
        id: %s
      """.formatted(CLUSTER_ID);

  @Test
  void theDigestIgnoresFormattingKeyOrderCommentsAndWrittenOutDefaults() {
    SpecDigest terse = SpecDigest.of(SpecFiles.parse("terse.yaml", TERSE));
    SpecDigest verbose = SpecDigest.of(SpecFiles.parse("verbose.yaml", VERBOSE));

    assertThat(verbose).isEqualTo(terse);
    assertThat(terse.differingFields(verbose)).isEmpty();
    assertThat(terse.digest()).matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void eachChangedFieldIsNamedByItsYamlPathAndNoOtherField() {
    HybridNetworkSpec spec = SpecFiles.parse("terse.yaml", TERSE);
    SpecDigest before = SpecDigest.of(spec);

    SpecDigest after = SpecDigest.of(spec.toBuilder().addonVersion("v1.10.0").secret("kube-system", "other")
        .onPremisesCni(io.hybridcni.observe.WorkloadRef.daemonSet("kube-system", "calico-node")).build());

    assertThat(before.differingFields(after))
        .containsExactly("addon.version", "network.onPremisesCni", "secret.name");
    assertThat(after.differingFields(before)).containsExactly("addon.version", "network.onPremisesCni", "secret.name");
  }

  @Test
  void keepingTheCloudNodesCalicoPodsIsAnotherSpec() {
    HybridNetworkSpec spec = SpecFiles.parse("terse.yaml", TERSE);

    assertThat(SpecDigest.of(spec).differingFields(SpecDigest.of(spec.toBuilder().deleteCloudNodePods(false).build())))
        .containsExactly("network.deleteCloudNodePods");
  }

  @Test
  void aDigestEditedWithoutItsFieldsStillDiffers() {
    SpecDigest real = SpecDigest.of(SpecFiles.parse("terse.yaml", TERSE));
    SpecDigest edited = new SpecDigest("sha256:" + "0".repeat(64), real.fields());

    assertThat(edited.differingFields(real)).containsExactly("(spec)");
  }

  @Test
  void everySpecFieldHasItsYamlPathInTheDigest() {
    assertThat(SpecDigest.knownComponents()).as("spec fields named by their YAML path in SpecDigest")
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(HybridNetworkSpec.class.getRecordComponents())
            .map(RecordComponent::getName).filter(name -> !SpecDigest.NOT_DIGESTED.contains(name)).toList());
    assertThat(SpecDigest.of(SpecFiles.parse("terse.yaml", TERSE)).fields().keySet())
        .hasSize(HybridNetworkSpec.class.getRecordComponents().length - SpecDigest.NOT_DIGESTED.size())
        .allSatisfy(path -> assertThat(path).matches("[a-z]+\\.[A-Za-z]+"));
  }

  @Test
  void theControllersPolicyIsNotPartOfTheDigest() {
    HybridNetworkSpec spec = SpecFiles.parse("terse.yaml", TERSE);
    HybridNetworkSpec reportOnly = spec.toBuilder().controller(ControllerPolicy.REPORT_ONLY).build();
    HybridNetworkSpec more = spec.toBuilder()
        .controller(new ControllerPolicy(java.util.Set.of("INSTALL_ADDON", "DELETE_ORPHAN_ACCESS_KEY"))).build();

    assertThat(reportOnly).isNotEqualTo(spec);
    assertThat(SpecDigest.of(reportOnly)).isEqualTo(SpecDigest.of(spec)).isEqualTo(SpecDigest.of(more));
    assertThat(SpecDigest.NOT_DIGESTED).containsExactly("controller");
  }

  @Test
  void theDigestHoldsNoValueOfTheSpec() {
    HybridNetworkSpec spec = SpecFiles.parse("terse.yaml", TERSE).toBuilder().ramUserName("ops-terway-user")
        .addonConfig("{\"Token\":\"do-not-print-me\"}").build();

    String digest = SpecDigest.of(spec).toString();

    assertThat(digest).doesNotContain("do-not-print-me", "Token", "ops-terway-user", CLUSTER_ID, "cn-hangzhou",
        "v1.9.0", "BGP", "Statement");
  }
}
