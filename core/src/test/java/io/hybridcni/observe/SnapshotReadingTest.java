package io.hybridcni.observe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.InvalidInputException.Problem;
import io.hybridcni.files.SnapshotFile;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading is strict: every way a snapshot can be wrong fails with an {@link InvalidInputException} whose single
 * problem names the source, the field path and what was expected there.
 */
class SnapshotReadingTest {

  private static final String YAML = "snapshots/observed.yaml";
  private static final String JSON = "snapshots/observed.json";

  @TempDir
  Path dir;

  private static Problem yamlProblem(String text) {
    return problem(() -> Snapshots.fromYaml(YAML, text));
  }

  private static Problem jsonProblem(String text) {
    return problem(() -> Snapshots.fromJson(JSON, text));
  }

  private static Problem problem(ThrowingCallable read) {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class, read);
    assertThat(e).as("an InvalidInputException").isNotNull();
    assertThat(e.problems()).hasSize(1);
    Problem p = e.problems().get(0);
    assertThat(e.getMessage()).contains(p.source()).contains(p.expected());
    return p;
  }

  /** A valid YAML snapshot whose {@code observed} section is the given lines (indented by two spaces). */
  private static String yaml(String observed) {
    return "format_version: 1\nobserved:\n" + observed.indent(2) + "...\n";
  }

  @Test
  void aNodeListedTwiceFailsNamingBothPlaces() {
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: node-a
        - name: node-b
        - name: node-a
        """));

    assertThat(p.field()).isEqualTo("observed.nodes[2].name");
    assertThat(p.expected()).isEqualTo("each node at most once, found \"node-a\" again (first at observed.nodes[0])");
  }

  @Test
  void unknownPropertyFailsAndListsTheAllowedOnes() {
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: idc-node-1
        - name: idc-node-2
          colour: blue
        """));

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("observed.nodes[1].colour");
    assertThat(p.expected()).isEqualTo("no such field; allowed here: labels, name, provider_id, runs_calico,"
        + " runs_terway");
  }

  @Test
  void camelCasePropertyNamesAreUnknown() {
    Problem p = jsonProblem("""
        {"format_version": 1, "observed": {"nodes": [{"name": "n", "providerId": "x"}]}}
        """);

    assertThat(p.source()).isEqualTo(JSON);
    assertThat(p.field()).isEqualTo("observed.nodes[0].providerId");
    assertThat(p.expected()).contains("no such field", "provider_id");
  }

  @Test
  void unknownTopLevelFieldFails() {
    Problem p = yamlProblem("format_version: 1\nobserved: {}\ncomment: hand edited\n...\n");

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("comment");
    assertThat(p.expected()).isEqualTo("no such field; allowed here: format_version, observed");
  }

  @Test
  void missingFormatVersionFails() {
    Problem p = yamlProblem("observed: {}\n...\n");

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("format_version");
    assertThat(p.expected()).contains("an integer such as 1", "required");
  }

  @Test
  void quotedFormatVersionFails() {
    Problem p = yamlProblem("format_version: \"1\"\nobserved: {}\n...\n");

    assertThat(p.field()).isEqualTo("format_version");
    assertThat(p.expected()).contains("an integer such as 1", "found the string \"1\"");
  }

  @Test
  void decimalFormatVersionFails() {
    Problem p = jsonProblem("{\"format_version\": 1.0, \"observed\": {}}");

    assertThat(p.source()).isEqualTo(JSON);
    assertThat(p.field()).isEqualTo("format_version");
    assertThat(p.expected()).contains("an integer such as 1", "found the number 1.0");
  }

  @Test
  void newerFormatVersionFailsSayingANewerHybridCniWroteIt() {
    // A newer format may add fields: the version alone must decide, not the unknown field after it.
    Problem p = yamlProblem("format_version: 2\nobserved:\n  gateways: []\n...\n");

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("format_version");
    assertThat(p.expected()).contains("format version 1 or lower, found 2", "written by a newer hybridcni");
  }

  @Test
  void formatVersionZeroFails() {
    Problem p = jsonProblem("{\"format_version\": 0, \"observed\": {}}");

    assertThat(p.field()).isEqualTo("format_version");
    assertThat(p.expected()).isEqualTo("format version 1, found 0");
  }

  @Test
  void missingObservedFails() {
    Problem p = yamlProblem("format_version: 1\n...\n");

    assertThat(p.field()).isEqualTo("observed");
    assertThat(p.expected()).contains("a mapping of observed facts", "required");
  }

  @Test
  void emptyObservedFails() {
    Problem p = yamlProblem("format_version: 1\nobserved:\n...\n");

    assertThat(p.field()).isEqualTo("observed");
    assertThat(p.expected()).isEqualTo("a mapping of observed facts, found null");
  }

  @Test
  void emptyDocumentFails() {
    Problem p = yamlProblem("# nothing here\n");

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).isEqualTo("a mapping with format_version and observed, found an empty document");
  }

  @Test
  void documentThatIsAListFails() {
    Problem p = jsonProblem("[1]");

    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).isEqualTo("a mapping with format_version and observed, found a list");
  }

  @Test
  void truncatedJsonFailsNamingWhereItStops() {
    String json = Snapshots.toJson(ObservedStates.full());
    String cut = json.substring(0, json.indexOf("\"flannel\""));

    Problem p = jsonProblem(cut);

    assertThat(p.source()).isEqualTo(JSON);
    assertThat(p.field()).isEqualTo("observed.cni.calico");
    assertThat(p.expected()).startsWith("complete JSON, but the text ends here (is the file truncated?)")
        .contains("truncated").doesNotContain("Source");
  }

  @Test
  void yamlTruncatedAtALineBoundaryFailsForTheMissingEndMarker() {
    String yaml = Snapshots.toYaml(ObservedStates.full());
    String cut = yaml.substring(0, yaml.indexOf("  ram:"));

    Problem p = yamlProblem(cut);

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).contains("end-of-document line \"...\"", "truncated");
  }

  @Test
  void indentedDotsInsideABlockStringAreNotTheEndMarker() {
    ObservedState state = ObservedState.builder()
        .flannel(new FlannelFacts("kube-flannel", "{\n...\n", null))
        .cluster(new ClusterFacts("c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b", null, null, null))
        .build();
    String yaml = Snapshots.toYaml(state);
    String cut = yaml.substring(0, yaml.indexOf("      ...\n") + "      ...\n".length());

    Problem p = yamlProblem(cut);

    assertThat(p.expected()).contains("end-of-document line \"...\"");
  }

  @Test
  void commentsAndBlankLinesAfterTheEndMarkerAreAllowed() {
    String yaml = Snapshots.toYaml(ObservedStates.full()) + "\n# saved before the upgrade\n\n";

    assertThat(Snapshots.fromYaml(YAML, yaml)).isEqualTo(ObservedStates.full());
  }

  @Test
  void yamlTruncatedInsideAQuotedStringFails() {
    String yaml = Snapshots.toYaml(ObservedStates.full());
    String cut = yaml.substring(0, yaml.indexOf("\"{\\\"Version") + 20);

    Problem p = yamlProblem(cut);

    assertThat(p.field()).isEqualTo("observed.ram.policy.default_document");
    assertThat(p.expected()).startsWith("complete YAML, but the text ends here");
  }

  @Test
  void invalidYamlFailsWithTheParsersReasonAndPosition() {
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: idc-node-1
         labels: {}
        """));

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("observed.nodes");
    assertThat(p.expected()).startsWith("valid YAML (while parsing a block mapping; expected <block end>")
        .contains("at line 5").doesNotContain("\n");
  }

  @Test
  void invalidJsonFails() {
    Problem p = jsonProblem("{\"format_version\": 1, \"observed\": {\"nodes\": [}}");

    assertThat(p.source()).isEqualTo(JSON);
    assertThat(p.field()).isEqualTo("observed.nodes[0]");
    assertThat(p.expected()).startsWith("valid JSON (Unexpected close marker '}'").contains("at line 1, column 46");
  }

  @Test
  void secondYamlDocumentFails() {
    Problem p = yamlProblem("format_version: 1\nobserved: {}\n---\nformat_version: 1\nobserved: {}\n...\n");

    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).isEqualTo("a single YAML document, found more after its end at line 4, column 1");
  }

  @Test
  void trailingJsonFails() {
    Problem p = jsonProblem("{\"format_version\": 1, \"observed\": {}} {}");

    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).startsWith("a single JSON document, found more after its end");
  }

  @Test
  void aYamlAliasIsRefusedNamingTheFieldInsteadOfReadAsItsAnchorsName() {
    // Jackson reads an alias as the anchor's name, so node-2 would silently get the label value "os".
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: idc-node-1
          labels:
            kubernetes.io/os: &os linux
        - name: idc-node-2
          labels:
            kubernetes.io/os: *os
        """));

    assertThat(p.field()).isEqualTo("observed.nodes[1].labels[\"kubernetes.io/os\"]");
    assertThat(p.expected()).startsWith("a value written out, found the YAML alias *os");
  }

  @Test
  void duplicateYamlKeyFails() {
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: idc-node-1
          labels:
            kubernetes.io/os: linux
            kubernetes.io/os: windows
        """));

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("observed.nodes[0].labels[\"kubernetes.io/os\"]");
    assertThat(p.expected()).startsWith("each key at most once in a mapping, found this one again")
        .contains("line 7");
  }

  @Test
  void duplicateJsonPropertyFails() {
    Problem p = jsonProblem("{\"format_version\": 1, \"observed\": {\"cluster\": {\"cluster_id\": \"a\","
        + " \"cluster_id\": \"b\"}}}");

    assertThat(p.field()).isEqualTo("observed.cluster.cluster_id");
    assertThat(p.expected()).startsWith("each key at most once in a mapping");
  }

  @Test
  void duplicateFormatVersionFails() {
    Problem p = yamlProblem("format_version: 1\nformat_version: 2\nobserved: {}\n...\n");

    assertThat(p.field()).isEqualTo("format_version");
    assertThat(p.expected()).startsWith("each key at most once in a mapping");
  }

  @Test
  void listWhereAMappingBelongsFails() {
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: idc-node-1
        - name: idc-node-2
        - name: idc-node-3
        - name: idc-node-4
          labels: [kubernetes.io/os]
        """));

    assertThat(p.field()).isEqualTo("observed.nodes[3].labels");
    assertThat(p.expected()).startsWith("a mapping, found a list");
  }

  @Test
  void unquotedNumberWhereAStringBelongsFails() {
    Problem p = yamlProblem(yaml("""
        terway:
          daemon_set:
            ref: {kind: DAEMON_SET, namespace: kube-system, name: terway-eniip}
            resource_version: 50077
        """));

    assertThat(p.field()).isEqualTo("observed.terway.daemon_set.resource_version");
    assertThat(p.expected()).startsWith("a string, found 50077");
  }

  @Test
  void unquotedBooleanLabelValueFails() {
    Problem p = yamlProblem(yaml("""
        nodes:
        - name: ecs-node-1
          labels:
            alibabacloud.com/external: true
        """));

    assertThat(p.field()).isEqualTo("observed.nodes[0].labels[\"alibabacloud.com/external\"]");
    assertThat(p.expected()).startsWith("a string, found true");
  }

  @Test
  void stringWhereABooleanBelongsFails() {
    Problem p = yamlProblem(yaml("""
        secret:
          namespace: kube-system
          name: alibaba-addon-secret
          present: "yes"
        """));

    assertThat(p.field()).isEqualTo("observed.secret.present");
    assertThat(p.expected()).startsWith("true or false, found a string");
  }

  @Test
  void nullBooleanFails() {
    Problem p = jsonProblem("{\"format_version\": 1, \"observed\": {\"nodes\": [{\"name\": \"n\","
        + " \"runs_terway\": null}]}}");

    assertThat(p.field()).isEqualTo("observed.nodes[0].runs_terway");
    assertThat(p.expected()).startsWith("true or false, found null");
  }

  @Test
  void nullListElementFails() {
    Problem p = yamlProblem(yaml("""
        addons:
        - {name: terway-eniip, version: v1.9.0, state: active}
        -
        """));

    assertThat(p.field()).isEqualTo("observed.addons[1]");
    assertThat(p.expected()).startsWith("a mapping, found null");
  }

  @Test
  void aCniKeyNoDetectorRegistersIsAnUnknownFieldNamingTheRegisteredOnes() {
    Problem p = yamlProblem(yaml("""
        cni:
          weave:
            namespace: kube-system
        """));

    assertThat(p.field()).isEqualTo("observed.cni.weave");
    assertThat(p.expected()).startsWith("no such field; allowed here: ").contains("calico", "cilium", "flannel");
  }

  @Test
  void aProblemInsideAnotherCnisFactsNamesItsKey() {
    Problem p = yamlProblem(yaml("""
        cni:
          flannel:
            net_conf_json: "{}"
        """));

    assertThat(p.field()).isEqualTo("observed.cni.flannel.namespace");
  }

  @Test
  void nullMapValueFails() {
    Problem p = yamlProblem(yaml("""
        cni:
          cilium:
            config:
              routing-mode:
        """));

    assertThat(p.field()).isEqualTo("observed.cni.cilium.config[\"routing-mode\"]");
    assertThat(p.expected()).startsWith("a string, found null");
  }

  @Test
  void missingRequiredFieldFails() {
    Problem p = yamlProblem(yaml("""
        ram:
          policy:
            type: Custom
            versions: []
        """));

    assertThat(p.source()).isEqualTo(YAML);
    assertThat(p.field()).isEqualTo("observed.ram.policy.name");
    assertThat(p.expected()).startsWith("a value (the field is required)");
  }

  @Test
  void missingRequiredFieldWithATwoWordNameFails() {
    Problem p = yamlProblem(yaml("""
        cluster:
          region_id: cn-hangzhou
        """));

    assertThat(p.field()).isEqualTo("observed.cluster.cluster_id");
    assertThat(p.expected()).startsWith("a value (the field is required)");
  }

  @Test
  void unknownEnumConstantFails() {
    Problem p = yamlProblem(yaml("""
        terway:
          daemon_set:
            ref: {kind: Deployment, namespace: kube-system, name: terway-eniip}
        """));

    assertThat(p.field()).isEqualTo("observed.terway.daemon_set.ref.kind");
    assertThat(p.expected()).startsWith("one of DAEMON_SET, TIGERA_INSTALLATION, found \"Deployment\"");
  }

  @Test
  void valueTheModelRefusesFailsWithItsReason() {
    Problem p = yamlProblem(yaml("""
        terway:
          daemon_set:
            ref: {kind: DAEMON_SET, name: terway-eniip}
        """));

    assertThat(p.field()).isEqualTo("observed.terway.daemon_set.ref");
    assertThat(p.expected()).startsWith("a valid value: a DaemonSet reference needs a namespace: terway-eniip");
  }

  @Test
  void singleValueWhereAListBelongsFails() {
    Problem p = yamlProblem(yaml("""
        cni:
          calico:
            ip_pools: {name: default-ipv4-ippool}
        """));

    assertThat(p.field()).isEqualTo("observed.cni.calico.ip_pools");
    assertThat(p.expected()).startsWith("a list, found a mapping");
  }

  @Test
  void fileLargerThanTheLimitFailsBeforeItIsRead() throws Exception {
    Path file = dir.resolve("huge.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(Snapshots.MAX_BYTES + 1L);
    }

    Problem p = problem(() -> SnapshotFile.read(file));

    assertThat(p.source()).isEqualTo(file.toString());
    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).isEqualTo("a snapshot of at most 67108864 bytes, found 67108865 bytes");
  }

  @Test
  void fileThatIsNotUtf8Fails() throws Exception {
    Path file = dir.resolve("latin1.yaml");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("format_version: 1\nobserved:\n  nodes:\n  - name: caf".getBytes(UTF_8));
    bytes.write(0xE9);
    bytes.writeBytes("\n...\n".getBytes(UTF_8));
    Files.write(file, bytes.toByteArray());

    Problem p = problem(() -> SnapshotFile.read(file));

    assertThat(p.source()).isEqualTo(file.toString());
    assertThat(p.field()).isEmpty();
    assertThat(p.expected()).isEqualTo("UTF-8 text, found a byte sequence that is not UTF-8 at byte 50");
  }

  @Test
  void missingFileFails() {
    Path file = dir.resolve("absent.json");

    Problem p = problem(() -> SnapshotFile.read(file));

    assertThat(p.source()).isEqualTo(file.toString());
    assertThat(p.expected()).isEqualTo("a snapshot, found nothing at this path");
  }

  @Test
  void fileWithoutAKnownExtensionFails() throws Exception {
    Path file = dir.resolve("state.txt");
    Files.writeString(file, Snapshots.toYaml(ObservedStates.full()));

    Problem p = problem(() -> SnapshotFile.read(file));

    assertThat(p.source()).isEqualTo(file.toString());
    assertThat(p.expected()).contains(".json", ".yaml", ".yml");
  }

  @Test
  void errorsFromAFileNameTheFile() throws Exception {
    Path file = dir.resolve("edited.yml");
    Files.writeString(file, yaml("nodes:\n- name: n\n  labels: {a: 1}\n"));

    Problem p = problem(() -> SnapshotFile.read(file));

    assertThat(p.source()).isEqualTo(file.toString());
    assertThat(p.field()).isEqualTo("observed.nodes[0].labels.a");
    assertThat(p.expected()).startsWith("a string, found 1");
  }

  @Test
  void severalTopLevelProblemsAreReportedTogether() {
    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> Snapshots.fromYaml(YAML, "notes: x\n...\n"));

    assertThat(e.problems()).extracting(Problem::field).containsExactly("format_version", "notes", "observed");
    assertThat(e.problems()).allSatisfy(p -> assertThat(p.source()).isEqualTo(YAML));
  }
}
