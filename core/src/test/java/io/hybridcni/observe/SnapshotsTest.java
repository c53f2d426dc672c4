package io.hybridcni.observe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.files.SnapshotFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Saving and loading snapshots: exact round trips, deterministic text, files, and no secret in the text. */
class SnapshotsTest {

  @TempDir
  Path dir;

  @Test
  void yamlSnapshotRoundTripsExactly() {
    ObservedState state = ObservedStates.full();

    assertThat(Snapshots.fromYaml("full.yaml", Snapshots.toYaml(state))).isEqualTo(state);
  }

  @Test
  void jsonSnapshotRoundTripsExactly() {
    ObservedState state = ObservedStates.full();

    assertThat(Snapshots.fromJson("full.json", Snapshots.toJson(state))).isEqualTo(state);
  }

  @Test
  void emptyStateRoundTripsInBothFormats() {
    ObservedState empty = ObservedState.builder().build();

    assertThat(Snapshots.fromYaml("empty.yaml", Snapshots.toYaml(empty))).isEqualTo(empty);
    assertThat(Snapshots.fromJson("empty.json", Snapshots.toJson(empty))).isEqualTo(empty);
  }

  /** Strings that a careless YAML writer turns into numbers, booleans, null, comments or other strings. */
  @Test
  void everyStringRoundTripsAsExactlyThatString() {
    List<String> awkward = List.of("", " ", "  leading", "trailing ", "true", "True", "yes", "no", "on", "off",
        "y", "n", "null", "Null", "~", "1", "-1", "+1", "1.0", ".5", "1e3", "0x1F", "0o17", "017", "1_000", "1:20",
        ".inf", ".nan", "NaN", "2024-01-01", "2024-05-20T10:30:00Z", "-", "- a", "a: b", "a:", ":a", "#x", "a #b",
        "multi\nline\n", "multi\nline", "\nleading break", "breaks\n\n\n", "space before break \nnext", "\ttab",
        "日本語", "emoji 😀", "'", "\"", "\\", "---", "...", "&anchor", "*alias", "!tag", "!!str x", "%directive",
        "@at", "`tick", "|", ">", "[a]", "{a}", "a,b", "?", "? x", "\u0000", "\u0085", "\u2028", "\uFEFFbom",
        "\r\nwindows", "<<", "=", "sha256:00", "a\u00A0b", "\u001b[31m");
    Map<String, String> labels = new LinkedHashMap<>();
    ObservedState.Builder builder = ObservedState.builder();
    for (int i = 0; i < awkward.size(); i++) {
      String s = awkward.get(i);
      labels.put(s, s);
      builder.addon(new AddonInstance("addon-" + i, s, s));
    }
    ObservedState state = builder
        .node(new NodeInfo("node", labels, "", false, false))
        .cilium(new CiliumFacts("1.15", labels, null))
        .build();

    assertThat(Snapshots.fromYaml("awkward.yaml", Snapshots.toYaml(state))).isEqualTo(state);
    assertThat(Snapshots.fromJson("awkward.json", Snapshots.toJson(state))).isEqualTo(state);
  }

  @Test
  void largeYamlSnapshotRoundTrips() {
    ObservedState.Builder builder = ObservedState.builder();
    for (int i = 0; i < 6000; i++) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (int l = 0; l < 8; l++) {
        labels.put("example.com/label-" + l, "value-" + i + "-" + l + "-" + "x".repeat(40));
      }
      builder.node(new NodeInfo("node-" + i, labels, "cn-hangzhou.i-" + i, i % 2 == 0, i % 2 == 1));
    }
    ObservedState state = builder.build();

    String yaml = Snapshots.toYaml(state);

    assertThat(yaml.length()).isGreaterThan(4 * 1024 * 1024);
    assertThat(Snapshots.fromYaml("large.yaml", yaml)).isEqualTo(state);
  }

  @Test
  void documentStartsWithTheFormatVersionThenTheObservedState() {
    String yaml = Snapshots.toYaml(ObservedStates.full());
    String json = Snapshots.toJson(ObservedStates.full());

    assertThat(yaml).startsWith("format_version: 1\nobserved:\n  nodes:\n  - name: idc-node-1\n").endsWith("\n...\n");
    assertThat(json).startsWith("{\n  \"format_version\": 1,\n  \"observed\": {\n    \"nodes\": [\n").endsWith("}\n");
  }

  @Test
  void propertyNamesAreSnakeCase() {
    String yaml = Snapshots.toYaml(ObservedStates.full());

    assertThat(yaml).contains("runs_calico:", "ip_pools:", "node_env:", "daemon_set:", "resource_version:",
        "required_terms:", "match_expressions:", "calico_node_placement:", "value_hashes:", "attached_policies:",
        "access_keys:", "default_version:", "create_date:", "cluster_id:", "region_id:", "provider_id:");
    assertThat(yaml).doesNotContainPattern("[a-z][A-Z][a-z]+:");
  }

  @Test
  void nullFieldsAreLeftOutAndComputedAccessorsAreNotWritten() {
    ObservedState state = ObservedState.builder()
        .node(new NodeInfo("idc-node-1", Map.of(), null, true, false))
        .addon(new AddonInstance("terway-eniip", null, null))
        .build();

    String yaml = Snapshots.toYaml(state);
    String json = Snapshots.toJson(state);

    assertThat(yaml).doesNotContain("provider_id", "\n    version:", "\n    state:", "null", "\n  terway:",
        "\n  secret:", "\n  cluster:");
    assertThat(json).doesNotContain("null", "provider_id");
    assertThat(Snapshots.toYaml(ObservedStates.full())).doesNotContainPattern("(?m)^[ -]*(active|registered|empty"
        + "|keys|managed_by_hybrid_cni|address|effective_ipip_mode|effective_vxlan_mode|terms_field_path|number):");
  }

  @Test
  void sameStateAlwaysGivesTheSameBytes() {
    assertThat(Snapshots.toYaml(ObservedStates.full())).isEqualTo(Snapshots.toYaml(ObservedStates.full()));
    assertThat(Snapshots.toJson(ObservedStates.full())).isEqualTo(Snapshots.toJson(ObservedStates.full()));
  }

  @Test
  void mapKeysAreSortedWhateverTheInsertionOrder() {
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    for (String key : List.of("a", "b", "c", "kubernetes.io/os", "alibabacloud.com/external")) {
      forward.put(key, "v");
    }
    for (String key : List.of("alibabacloud.com/external", "kubernetes.io/os", "c", "b", "a")) {
      backward.put(key, "v");
    }
    ObservedState one = ObservedState.builder().node(new NodeInfo("n", forward, null, false, false)).build();
    ObservedState other = ObservedState.builder().node(new NodeInfo("n", backward, null, false, false)).build();

    String yaml = Snapshots.toYaml(one);

    assertThat(yaml).isEqualTo(Snapshots.toYaml(other));
    assertThat(Snapshots.toJson(one)).isEqualTo(Snapshots.toJson(other));
    assertThat(yaml.indexOf("      a: v")).isLessThan(yaml.indexOf("      alibabacloud.com/external: v"));
    assertThat(yaml.indexOf("      c: v")).isLessThan(yaml.indexOf("      kubernetes.io/os: v"));
  }

  @Test
  void listsKeepTheirOrder() {
    ObservedState state = ObservedState.builder()
        .node(new NodeInfo("zeta", Map.of(), null, false, false))
        .node(new NodeInfo("alpha", Map.of(), null, false, false))
        .addon(new AddonInstance("terway-eniip", "v1", "active"))
        .addon(new AddonInstance("ack-node-problem-detector", "v1", "active"))
        .build();

    ObservedState back = Snapshots.fromYaml("order.yaml", Snapshots.toYaml(state));

    assertThat(back.nodes()).extracting(NodeInfo::name).containsExactly("zeta", "alpha");
    assertThat(back.addons()).extracting(AddonInstance::name).containsExactly("terway-eniip",
        "ack-node-problem-detector");
  }

  @Test
  void textUsesOnlyLineFeeds() {
    assertThat(Snapshots.toYaml(ObservedStates.full())).doesNotContain("\r");
    assertThat(Snapshots.toJson(ObservedStates.full())).doesNotContain("\r");
  }

  @ParameterizedTest
  @ValueSource(strings = {"state.yaml", "state.yml", "state.json", "STATE.YAML", "state.Json"})
  void snapshotFileRoundTripsExactly(String name) {
    Path file = dir.resolve(name);

    SnapshotFile.write(ObservedStates.full(), file);

    assertThat(SnapshotFile.read(file)).isEqualTo(ObservedStates.full());
  }

  @Test
  void fileExtensionChoosesTheFormat() throws Exception {
    SnapshotFile.write(ObservedStates.full(), dir.resolve("state.json"));
    SnapshotFile.write(ObservedStates.full(), dir.resolve("state.yaml"));

    assertThat(Files.readString(dir.resolve("state.json"), UTF_8)).isEqualTo(Snapshots.toJson(ObservedStates.full()));
    assertThat(Files.readString(dir.resolve("state.yaml"), UTF_8)).isEqualTo(Snapshots.toYaml(ObservedStates.full()));
  }

  @Test
  void writingTwiceGivesIdenticalFiles() throws Exception {
    Path first = dir.resolve("first.yaml");
    Path second = dir.resolve("second.yaml");

    SnapshotFile.write(ObservedStates.full(), first);
    SnapshotFile.write(SnapshotFile.read(first), second);

    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
  }

  @Test
  void writeReplacesAnExistingFile() throws Exception {
    Path file = dir.resolve("state.yaml");
    Files.writeString(file, "x".repeat(100_000));

    SnapshotFile.write(ObservedState.builder().build(), file);

    assertThat(SnapshotFile.read(file)).isEqualTo(ObservedState.builder().build());
  }

  @Test
  void writeRefusesAFileNameWithoutAKnownExtensionAndWritesNothing() {
    Path file = dir.resolve("state.txt");

    InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
        () -> SnapshotFile.write(ObservedStates.full(), file));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.source()).isEqualTo(file.toString());
      assertThat(p.field()).isEmpty();
      assertThat(p.expected()).contains(".json", ".yaml", ".yml");
    });
    assertThat(file).doesNotExist();
  }

  @Test
  void readAcceptsAUtf8ByteOrderMark() throws Exception {
    Path file = dir.resolve("bom.yaml");
    Files.writeString(file, "\uFEFF" + Snapshots.toYaml(ObservedStates.full()), UTF_8);

    assertThat(SnapshotFile.read(file)).isEqualTo(ObservedStates.full());
  }

  @Test
  void absentBooleansReadAsFalse() {
    ObservedState state = Snapshots.fromYaml("short.yaml", """
        format_version: 1
        observed:
          nodes:
          - name: idc-node-1
        ...
        """);

    assertThat(state.nodes()).containsExactly(new NodeInfo("idc-node-1", Map.of(), null, false, false));
  }

  @Test
  void snapshotNeverCarriesTheSecretItHashes() {
    String secret = "Zq9xT3vN7pL2mK8rS4wY6cB1dF5gH0jA";
    String base64 = Base64.getEncoder().encodeToString(secret.getBytes(UTF_8));
    String base64Url = Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(UTF_8));
    SecretFacts facts = new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "50012",
        Map.of("access-key-id", ValueHash.of("LTAI5tExampleKeyId00000"), "access-key-secret", ValueHash.of(secret)),
        Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE));
    ObservedState state = ObservedStates.full().toBuilder().secret(facts).build();

    for (String text : List.of(Snapshots.toYaml(state), Snapshots.toJson(state))) {
      assertThat(text).doesNotContain(secret, base64, base64Url, secret.substring(0, 16));
      assertThat(text).contains(ValueHash.of(secret));
    }
    assertThat(Snapshots.fromYaml("s.yaml", Snapshots.toYaml(state)).secret().holds("access-key-secret", secret))
        .isTrue();
    assertThat(Snapshots.fromJson("s.json", Snapshots.toJson(state)).secret().holds("access-key-secret", secret))
        .isTrue();
  }
}
