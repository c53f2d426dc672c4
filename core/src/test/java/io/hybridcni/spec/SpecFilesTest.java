package io.hybridcni.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.files.SpecFile;
import io.hybridcni.observe.WorkloadRef;
import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading spec files: the corpus under {@code src/test/resources/spec/} holds one file per case. */
class SpecFilesTest {

  private static final String CLUSTER_ID = "c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b";

  @Test
  void fullFileLoadsEveryField() {
    HybridNetworkSpec spec = SpecFile.load(resource("valid/full.yaml"));

    assertThat(spec.clusterId()).isEqualTo(CLUSTER_ID);
    assertThat(spec.regionId()).isEqualTo("cn-hangzhou");
    assertThat(spec.mode()).isEqualTo(NetworkMode.BGP);
    assertThat(spec.cloudNodeLabel()).isEqualTo(new NodeLabel("example.com/cloud", "yes"));
    assertThat(spec.onPremisesCni()).isEqualTo(WorkloadRef.daemonSet("calico-ops", "calico-node"));
    assertThat(spec.ramUserName()).isEqualTo("hybrid-terway");
    assertThat(spec.ramPolicyName()).isEqualTo("hybrid-terway-policy");
    assertThat(spec.policyDocument().semanticallyEquals(
        "{\"Version\":\"1\",\"Statement\":[{\"Action\":[\"vpc:DescribeVSwitches\"],\"Resource\":[\"*\"],"
            + "\"Effect\":\"Allow\"}]}")).isTrue();
    assertThat(spec.policyDocument().semanticallyEquals(PolicyDocument.terwayEniip())).isFalse();
    assertThat(spec.deleteOrphanAccessKeys()).isTrue();
    assertThat(spec.deleteCloudNodePods()).isFalse();
    assertThat(spec.secretNamespace()).isEqualTo("terway");
    assertThat(spec.secretName()).isEqualTo("terway-credentials");
    assertThat(spec.addonName()).isEqualTo("terway-eniip");
    assertThat(spec.addonVersion()).isEqualTo("v1.9.0");
    // A YAML mapping becomes the canonical JSON string: keys sorted, no whitespace.
    assertThat(spec.addonConfig()).isEqualTo("{\"ENITrunking\":\"true\",\"IPVlan\":\"false\"}");
  }

  @Test
  void minimalFileGetsTheVendorDefaults() {
    HybridNetworkSpec spec = SpecFile.load(resource("valid/minimal.yaml"));

    assertThat(spec.clusterId()).isEqualTo(CLUSTER_ID);
    assertThat(spec.regionId()).isEqualTo("cn-hangzhou");
    assertThat(spec.mode()).isEqualTo(NetworkMode.AUTO);
    assertThat(spec.cloudNodeLabel().toString()).isEqualTo("alibabacloud.com/external=true");
    assertThat(spec.onPremisesCni()).isNull();
    assertThat(spec.ramUserName()).isEqualTo("ack-one-user-c5f0e4a3b2");
    assertThat(spec.ramPolicyName()).isEqualTo("ack-one-registered-cluster-policy-terway-eniip");
    assertThat(spec.policyDocument().semanticallyEquals(PolicyDocument.TERWAY_ENIIP_TEXT)).isTrue();
    assertThat(spec.secretNamespace()).isEqualTo("kube-system");
    assertThat(spec.secretName()).isEqualTo("alibaba-addon-secret");
    assertThat(spec.addonName()).isEqualTo("terway-eniip");
    assertThat(spec.addonVersion()).isNull();
    assertThat(spec.addonConfig()).isNull();
    assertThat(spec.deleteOrphanAccessKeys()).isFalse();
    assertThat(spec.deleteCloudNodePods()).isTrue();
  }

  @Test
  void minimalFileEqualsTheBuilderWithOnlyTheRequiredFields() {
    HybridNetworkSpec fromBuilder = HybridNetworkSpec.builder().clusterId(CLUSTER_ID).regionId("cn-hangzhou").build();

    assertThat(SpecFile.load(resource("valid/minimal.yaml"))).isEqualTo(fromBuilder);
  }

  @Test
  void tigeraInstallationIsReferencedWithoutNamespaceAndModeWordsAreForgiving() {
    HybridNetworkSpec spec = SpecFile.load(resource("valid/tigera-installation.yaml"));

    assertThat(spec.onPremisesCni()).isEqualTo(WorkloadRef.tigeraInstallation("default"));
    assertThat(spec.mode()).isEqualTo(NetworkMode.HOST_NETWORK);
    assertThat(spec.regionId()).isEqualTo("ap-southeast-1");
    assertThat(spec.addonConfig()).isEqualTo("{\"IPVlan\":\"false\"}");
  }

  @Test
  void streamSourceNamesTheSpecInErrors() throws Exception {
    byte[] yaml = "cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: cn-hangzhou}\nextra: 1\n"
        .getBytes(StandardCharsets.UTF_8);

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> SpecFiles.load("stdin", new ByteArrayInputStream(yaml)));

    assertThat(e.problems()).extracting(Problem::source, Problem::field).containsExactly(tuple("stdin", "extra"));
  }

  @ParameterizedTest(name = "{0}: {1} expects \"{2}\"")
  @CsvSource(delimiter = '|', textBlock = """
      unknown-top-level-field        | extras                             | no such field; allowed here: addon, apiVersion, cluster, controller, kind, network, ram, secret
      auto-apply-unknown-kind        | controller.autoApply               | action kinds among ATTACH_RAM_POLICY, DELETE_ORPHAN_ACCESS_KEY, ENSURE_ACCESS_KEY_SECRET, ENSURE_RAM_POLICY, ENSURE_RAM_USER, EXCLUDE_CLOUD_NODES_FROM_CNI, INSTALL_ADDON, RESTART_TERWAY, UPGRADE_ADDON, WAIT_FOR_ADDON, found "RESTART_CALICO", a number (7)
      auto-apply-not-a-list          | controller.autoApply               | a list of action kinds among ATTACH_RAM_POLICY
      auto-apply-destroy-kind        | controller.autoApply               | found "DELETE_SECRET"
      controller-unknown-field       | controller.autoapply               | no such field; allowed here: autoApply
      unknown-nested-field           | ram.usr                            | no such field; allowed here: deleteOrphanAccessKeys, policyDocument, policyName, userName
      addon-version-number           | addon.version                      | a string, found a number (1.9)
      cluster-id-as-number           | cluster.id                         | a string, found a number (12345678901234567)
      delete-orphans-string          | ram.deleteOrphanAccessKeys         | true or false, found "yes"
      delete-cloud-node-pods-string  | network.deleteCloudNodePods        | true or false, found "no"
      secret-as-list                 | secret                             | a mapping, found a list
      missing-cluster-id             | cluster.id                         | a value (the field is required)
      missing-cluster-section        | cluster                            | a mapping (the section is required)
      cluster-id-uppercase           | cluster.id                         | 'c' followed by 15 to 63 lowercase hex digits
      cluster-id-not-starting-with-c | cluster.id                         | found "d5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b"
      cluster-id-too-short           | cluster.id                         | found "c5f0e4a3"
      region-bad                     | cluster.region                     | an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1, found "Hangzhou"
      label-key-leading-dash         | network.cloudNodeLabel             | a Kubernetes label key
      label-key-two-slashes          | network.cloudNodeLabel             | found "a/b/c"
      label-key-with-space           | network.cloudNodeLabel             | found "cloud node"
      label-without-equals           | network.cloudNodeLabel             | a node label key=value such as alibabacloud.com/external=true, found "alibabacloud.com/external"
      label-value-bad                | network.cloudNodeLabel             | a label value of at most 63 characters
      mode-bad                       | network.mode                       | one of AUTO, OVERLAY, BGP, HOST_NETWORK, found "VXLAN"
      policy-not-json                | ram.policyDocument                 | a JSON policy document, found text that is not JSON
      policy-no-statement            | ram.policyDocument                 | a non-empty Statement list in the policy document
      policy-effect-wrong            | ram.policyDocument                 | Effect Allow or Deny at Statement[0], found "Permit"
      policy-action-not-service      | ram.policyDocument                 | actions of the form service:Action at Statement[0].Action, found "DescribeInstances"
      policy-version-not-1           | ram.policyDocument                 | Version "1" in the policy document, found "2012-10-17"
      addon-config-not-object        | addon.config                       | a JSON object
      addon-config-number            | addon.config                       | a JSON object as a string, or a YAML mapping, found a number (42)
      duplicate-key                  | cluster.id                         | each key at most once, found it again at line 4
      empty                          | ''                                 | a YAML mapping with at least cluster.id and cluster.region
      only-a-comment                 | ''                                 | a YAML mapping with at least cluster.id and cluster.region
      not-a-mapping                  | ''                                 | a mapping, found a list
      api-version-wrong              | apiVersion                         | hybridcni.io/v1alpha1 (or no field)
      installation-with-namespace    | network.onPremisesCni.namespace    | no namespace: a Tigera Installation is cluster-scoped, found "calico-system"
      daemonset-without-namespace    | network.onPremisesCni.namespace    | the DaemonSet's namespace
      cni-kind-bad                   | network.onPremisesCni.kind         | DaemonSet or Installation, found "Deployment"
      secret-namespace-bad           | secret.namespace                   | a Kubernetes namespace: 1-63 lowercase letters, digits and '-', found "Kube_System"
      ram-user-with-at               | ram.userName                       | a RAM user name of 1-64 characters [A-Za-z0-9._-], found "ops@example"
      label-prefix-long-dns-label    | network.cloudNodeLabel             | a label key prefix whose DNS labels have at most 63 characters each, found one of 64
      label-value-empty              | network.cloudNodeLabel             | a label value after '=' (the value cloud nodes carry, e.g. true), found "alibabacloud.com/external="
      policy-with-principal          | ram.policyDocument                 | no Principal at Statement[0]: a Principal makes a resource or trust policy
      policy-unknown-top-level       | ram.policyDocument                 | only Version and Statement at the top of a RAM policy document, found "Id"
      policy-unknown-operator        | ram.policyDocument                 | condition operators (Bool, DateEquals
      policy-grants-nothing-terway-needs | ram.policyDocument             | a policy that allows at least one of the actions Terway needs
      policy-action-and-notaction    | ram.policyDocument                 | exactly one of Action and NotAction at Statement[0], found both
      addon-config-duplicate-key     | addon.config                       | each key at most once in the addon config, found "IPVlan" again
      addon-config-control-character | addon.config                       | keys and values without control characters, found some at IPVlan
      addon-version-control-character | addon.version                     | an addon version such as v1.9.0, without control characters
      """)
  void badFileIsRejectedWithItsFileFieldAndWhatWasExpected(String file, String field, String expected) {
    Path path = resource("bad/" + file + ".yaml");

    InvalidInputException e = rejection(path);

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo(path.toString()).endsWith(file + ".yaml");
      assertThat(p.field()).isEqualTo(field);
      assertThat(p.expected()).contains(expected);
    });
    assertThat(e).hasMessageContaining(file + ".yaml").hasMessageContaining(expected);
  }

  @Test
  void controllerAutoApplyDefaultsToTheExclusionAndTheSecretRepairAndAnEmptyListReportsOnly() {
    String base = "cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: cn-hangzhou}\n";

    assertThat(SpecFiles.parse("a.yaml", base).controller().autoApply())
        .containsExactly("ENSURE_ACCESS_KEY_SECRET", "EXCLUDE_CLOUD_NODES_FROM_CNI", "RESTART_TERWAY");
    assertThat(SpecFiles.parse("b.yaml", base + "controller: {}\n").controller())
        .isEqualTo(ControllerPolicy.DEFAULT);
    assertThat(SpecFiles.parse("c.yaml", base + "controller: {autoApply: []}\n").controller())
        .isEqualTo(ControllerPolicy.REPORT_ONLY);
    assertThat(SpecFiles.parse("d.yaml", base + "controller:\n  autoApply: [INSTALL_ADDON, EXCLUDE_CLOUD_NODES_FROM_CNI]\n")
        .controller().autoApply()).containsExactly("EXCLUDE_CLOUD_NODES_FROM_CNI", "INSTALL_ADDON");
  }

  @Test
  void controllerAutoApplyAcceptsExactlyTheKindsAnApplyPlanMayHold() {
    assertThat(ControllerPolicy.ACCEPTED).containsExactlyInAnyOrderElementsOf(
        java.util.Arrays.stream(io.hybridcni.plan.ActionKind.values())
            .filter(k -> k.belongsTo(io.hybridcni.plan.PlanKind.APPLY)).map(Enum::name).toList());
    assertThat(ControllerPolicy.DEFAULT.autoApply()).allSatisfy(n -> assertThat(ControllerPolicy.ACCEPTED).contains(n))
        .doesNotContain("DELETE_ORPHAN_ACCESS_KEY");
  }

  @Test
  void everyProblemOfOneFileIsReportedAtOnce() {
    Path path = resource("bad/many-problems.yaml");

    InvalidInputException e = rejection(path);

    // Shape problems (unknown field, wrong types, bad enum) and value problems (cluster id, label) together.
    assertThat(e.problems()).extracting(Problem::field).containsExactlyInAnyOrder(
        "cluster.id", "network.mode", "network.cloudNodeLabel", "ram.usr", "ram.deleteOrphanAccessKeys",
        "addon.version");
    assertThat(e.problems()).extracting(Problem::source).containsOnly(path.toString());
    assertThat(e).hasMessageStartingWith("6 problems:");
  }

  @Test
  void shapeProblemAndValueProblemOfDifferentFieldsAreBothReported() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> SpecFiles.parse("spec.yaml",
        "cluster: {id: C1, region: nowhere}\nextra: 1\n"));

    assertThat(e.problems()).extracting(Problem::field).containsExactly("extra", "cluster.id", "cluster.region");
  }

  @Test
  void fieldWithAWrongTypeIsReportedOnceNotAgainAsMissing() {
    InvalidInputException e = rejection(resource("bad/cluster-id-as-number.yaml"));

    assertThat(e.problems()).extracting(Problem::field).containsExactly("cluster.id");
  }

  @Test
  void policyDocumentLongerThanRamAllowsIsRejected() {
    String document = PolicyDocumentTest.documentWithActions(400);
    assertThat(document.length()).isGreaterThan(PolicyDocument.MAX_LENGTH);
    String yaml = "cluster: {id: " + CLUSTER_ID + ", region: cn-hangzhou}\nram:\n  policyDocument: '" + document + "'\n";

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> SpecFiles.parse("big.yaml", yaml));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("ram.policyDocument");
      assertThat(p.expected()).contains("at most 6144 characters").contains("found " + document.length());
    });
  }

  @Test
  void aYamlAliasIsRefusedNamingTheFieldInsteadOfReadAsItsAnchorsName() {
    // Jackson reads an alias as the anchor's name ("d"), so the config would silently become something else.
    String yaml = "cluster: {id: " + CLUSTER_ID + ", region: cn-hangzhou}\n"
        + "addon:\n  config:\n    defaults: &d {IPVlan: \"false\"}\n    copy: *d\n";

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> SpecFiles.parse("alias.yaml", yaml));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("addon.config.copy");
      assertThat(p.expected()).startsWith("a value written out, found the YAML alias *d");
    });
  }

  @Test
  void anAliasBombIsRefusedWithoutExpandingIt() {
    StringBuilder yaml = new StringBuilder("cluster: {id: " + CLUSTER_ID + ", region: cn-hangzhou}\n"
        + "addon:\n  config:\n    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level < 10; level++) {
      String previous = "*l" + (level - 1);
      yaml.append("    l").append(level).append(": &l").append(level).append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(9, previous))).append("]\n");
    }

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> SpecFiles.parse("bomb.yaml", yaml.toString()));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("addon.config.l1[0]");
      assertThat(p.expected()).contains("alias *l0");
    });
  }

  @Test
  void anAnchorWithoutAnAliasIsHarmless() {
    String yaml = "cluster: {id: " + CLUSTER_ID + ", region: &r cn-hangzhou}\n";

    assertThat(SpecFiles.parse("anchor.yaml", yaml).regionId()).isEqualTo("cn-hangzhou");
  }

  @Test
  void bytesThatAreNotUtf8AreRejected() {
    byte[] latin1 = "cluster:\n  id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b\n  region: m\u00fcnchen\n"
        .getBytes(StandardCharsets.ISO_8859_1);

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> SpecFiles.parse("latin1.yaml", latin1));

    assertThat(e.problems()).singleElement()
        .isEqualTo(new Problem("latin1.yaml", "", "UTF-8 text, found bytes that are not UTF-8"));
  }

  @Test
  void utf8BytesAreDecoded() {
    byte[] utf8 = "# m\u00fcnchen is not a region\ncluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: eu-central-1}\n"
        .getBytes(StandardCharsets.UTF_8);

    assertThat(SpecFiles.parse("utf8.yaml", utf8).regionId()).isEqualTo("eu-central-1");
  }

  @Test
  void fileOverTheSizeLimitIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.yaml");
    // Valid YAML, so only the size can be the reason.
    String comment = "#" + "x".repeat(1022) + "\n";
    Files.writeString(big, Files.readString(resource("valid/minimal.yaml"))
        + comment.repeat(SpecFiles.MAX_BYTES / comment.length() + 1));
    assertThat(Files.size(big)).isGreaterThan(SpecFiles.MAX_BYTES);

    InvalidInputException e = rejection(big);

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo(big.toString());
      assertThat(p.field()).isEmpty();
      assertThat(p.expected()).isEqualTo("a spec file of at most " + SpecFiles.MAX_BYTES + " bytes, found "
          + Files.size(big) + " bytes");
    });
  }

  @Test
  void fileOfExactlyTheSizeLimitIsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("limit.yaml");
    String minimal = Files.readString(resource("valid/minimal.yaml"));
    Files.writeString(file, minimal + "#".repeat(SpecFiles.MAX_BYTES - minimal.length()));
    assertThat(Files.size(file)).isEqualTo(SpecFiles.MAX_BYTES);

    assertThat(SpecFile.load(file).clusterId()).isEqualTo(CLUSTER_ID);
  }

  @Test
  void streamOverTheSizeLimitIsRefused() {
    byte[] big = new byte[SpecFiles.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) '#');

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> SpecFiles.load("stdin", new ByteArrayInputStream(big)));

    assertThat(e.problems()).singleElement().extracting(Problem::source, Problem::field)
        .containsExactly("stdin", "");
  }

  @Test
  void missingFileIsReportedAsNothingAtThatPath(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");

    InvalidInputException e = rejection(missing);

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo(missing.toString());
      assertThat(p.expected()).isEqualTo("a spec file, found nothing at this path");
    });
  }

  private static InvalidInputException rejection(Path path) {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> SpecFile.load(path));
    assertThat(e).as("%s should be rejected", path.getFileName()).isNotNull();
    return e;
  }

  static Path resource(String name) {
    URL url = SpecFilesTest.class.getResource("/spec/" + name);
    assertThat(url).as("test resource spec/%s", name).isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
