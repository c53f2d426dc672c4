package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hybridcni.reliability.World;
import io.hybridcni.testkit.kube.MockRequests;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input end to end, through the command as a user runs it: a spec, snapshot or saved plan file from the corpus in
 * {@code src/test/resources/bad-input/} (plus two 10 MB files made in a temporary directory, too big to keep in git)
 * makes {@code plan} and {@code apply} exit 1 with an error that starts {@code Error: } and names the file, the field
 * and what was expected, one problem per line and no stack trace; within a time limit and an allocation limit (the
 * 10 MB snapshot, which is parsed, in a JVM of its own with a 64 MB heap); having sent no request at all to the
 * cluster or the cloud (so, zero writes). The parsers' own cases are covered one
 * by one in core's {@code SpecFilesTest} and {@code SnapshotReadingTest}; this is the path from file to exit code.
 */
class BadInputCorpusTest {

  /** Generous for a parser on a loaded 2-core machine; a hang or an expanding alias bomb takes far longer. */
  private static final Duration TIME_LIMIT = Duration.ofSeconds(20);
  /** What reading a small bad file may allocate, all of the command's work included. */
  private static final long SMALL_FILE_ALLOCATION = 64L << 20;

  private static World world;
  private static final AtomicInteger opened = new AtomicInteger();
  private static Environment.Factory environments;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    world = World.start();
    Environment.Factory onWorld = Cli.on(world, new World.Wiring());
    environments = onWorld;
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /** One command's run: what it printed and what it cost. */
  private record Measured(Cli.Run run, Duration took, long allocated, List<String> args) {

    /** Only apply with a saved plan opens its environment first (the plan is read inside it); nothing is sent. */
    boolean opensAnEnvironment() {
      return args.size() > 3 && args.get(0).equals("apply") && !args.get(3).startsWith("-");
    }
  }

  @ParameterizedTest(name = "{0} given to {1}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown-keys.yaml            | spec     | cluster.zone, netwrok                  | no such field
      wrong-types.yaml             | spec     | cluster.id, ram.deleteOrphanAccessKeys | a string, found a number
      missing-required.yaml        | spec     | cluster.id                             | a value (the field is required)
      invalid-label-key.yaml       | spec     | network.cloudNodeLabel                 | a Kubernetes label key
      invalid-cluster-id.yaml      | spec     | cluster.id                             | 'c' followed by 15 to 63 lowercase hex digits
      policy-not-json.yaml         | spec     | ram.policyDocument                     | a JSON policy document, found text that is not JSON
      policy-not-ram.yaml          | spec     | ram.policyDocument                     | Version "1" in the policy document, found "2012-10-17"
      duplicate-keys.yaml          | spec     | cluster.id                             | each key at most once
      alias-bomb.yaml              | spec     | addon.config.b[0]                      | a value written out, found the YAML alias *a
      non-utf8.yaml                | spec     | (document)                             | UTF-8 text, found bytes that are not UTF-8
      snapshot-truncated.yaml      | snapshot | (document)                             | without it the file may be truncated
      snapshot-future-version.yaml | snapshot | format_version                         | written by a newer hybridcni
      snapshot-alias-bomb.yaml     | snapshot | observed.nodes[1].labels.k1            | a value written out, found the YAML alias *l0
      plan-truncated.json          | plan     | (document)                             | a plan JSON document (Unexpected end-of-input
      plan-future-version.json     | plan     | format_version                         | written by a newer hybridcni
      """)
  void aBadFileIsAClearErrorWithinBoundsAndNothingIsSent(String file, String kind, String fields, String expected)
      throws Exception {
    Path bad = resource("bad-input/" + file);
    for (String[] args : commands(kind, bad)) {
      Measured m = measured(args);

      assertClearError(m, bad, fields.isEmpty() ? List.of() : Arrays.asList(fields.split(",\\s*")), expected);
      assertThat(m.allocated()).as("bytes allocated by %s", String.join(" ", args))
          .isLessThan(SMALL_FILE_ALLOCATION);
    }
  }

  @Test
  void aTenMegabyteSpecIsRefusedBeforeItIsRead() throws Exception {
    Path big = tenMegabytes("big-spec.yaml", "cluster:\n  id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b\n  region: cn-hangzhou\n",
        "# padding padding padding padding padding padding padding padding padding padding padding\n");
    for (String[] args : commands("spec", big)) {
      Measured m = measured(args);

      assertClearError(m, big, List.of(), "a spec file of at most");
      // Refused by its size: far less is allocated than the file holds.
      assertThat(m.allocated()).isLessThan(SMALL_FILE_ALLOCATION);
    }
  }

  @Test
  void aTenMegabyteSnapshotIsReadWithin64MegabytesOfHeap() throws Exception {
    // Under the snapshot limit (64 MB), so it is parsed: a long list of nodes, the last with an unknown field.
    String node = "  - name: node-0\n    labels:\n      kubernetes.io/os: linux\n    runs_calico: true\n"
        + "    runs_terway: false\n";
    Path big = tenMegabytes("big-snapshot.yaml", "format_version: 1\nobserved:\n  nodes:\n", node);
    Files.writeString(big, "  - name: last\n    colour: blue\n...\n", StandardOpenOption.APPEND);
    Path out = dir.resolve("big-snapshot.out");
    Path err = dir.resolve("big-snapshot.err");

    // In a JVM of its own with a 64 MB heap, so that the bound on memory is a fact and not an estimate.
    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-Dorg.slf4j.simpleLogger.log.io.hybridcni=warn", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "plan", "-f", resource("spec.yaml").toString(), "--observed", big.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    boolean exited = java.waitFor(TIME_LIMIT.toSeconds() * 3, TimeUnit.SECONDS);
    if (!exited) {
      java.destroyForcibly();
    }

    assertThat(exited).as("hybridcni plan on a 10 MB snapshot exited within %s s", TIME_LIMIT.toSeconds() * 3)
        .isTrue();
    String errors = Files.readString(err);
    assertThat(java.exitValue()).as(errors).isEqualTo(1);
    assertThat(errors.lines()).as(errors).singleElement().asString()
        .startsWith("Error: " + big + ": observed.nodes[").endsWith("].colour: no such field; allowed here: labels, "
            + "name, provider_id, runs_calico, runs_terway");
    assertThat(Files.readString(out)).isEmpty();
  }

  /** The valid spec's first lines; each spec case adds one section with one bad value. */
  private static final String CLUSTER = "cluster:\n  id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b\n  region: cn-hangzhou\n";

  @ParameterizedTest(name = "spec {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ram-user-with-at               | ram:\\n  userName: ops@example                                | ram.userName           | a RAM user name of 1-64 characters [A-Za-z0-9._-], found ~ops@example~
      ram-user-with-space            | ram:\\n  userName: ops user                                  | ram.userName           | a RAM user name of 1-64 characters
      ram-user-65-characters         | ram:\\n  userName: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | ram.userName | a RAM user name of 1-64 characters
      ram-user-with-slash            | ram:\\n  userName: ops/admin                                 | ram.userName           | a RAM user name of 1-64 characters
      policy-name-with-underscore    | ram:\\n  policyName: terway_policy                           | ram.policyName         | a RAM policy name of 1-128 characters [A-Za-z0-9-]
      label-prefix-dns-label-64      | network:\\n  cloudNodeLabel: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com/external=true | network.cloudNodeLabel | DNS labels have at most 63 characters each, found one of 64
      label-prefix-uppercase         | network:\\n  cloudNodeLabel: Alibabacloud.com/external=true  | network.cloudNodeLabel | a Kubernetes label key
      label-value-empty              | network:\\n  cloudNodeLabel: alibabacloud.com/external=      | network.cloudNodeLabel | a label value after '='
      label-value-64-characters      | network:\\n  cloudNodeLabel: k=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | network.cloudNodeLabel | a label value of at most 63 characters
      label-name-64-characters       | network:\\n  cloudNodeLabel: example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=true | network.cloudNodeLabel | a Kubernetes label key
      policy-with-principal          | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Principal~:{~RAM~:[~acs:ram::1234:root~]},~Action~:~sts:AssumeRole~,~Resource~:~*~}]}' | ram.policyDocument | no Principal at Statement[0]: a Principal makes a resource or trust policy
      policy-unknown-top-level-key   | ram:\\n  policyDocument: '{~Version~:~1~,~Id~:~p~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~Resource~:~*~}]}' | ram.policyDocument | only Version and Statement at the top of a RAM policy document, found ~Id~
      policy-with-sid                | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Sid~:~a~,~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~Resource~:~*~}]}' | ram.policyDocument | only Effect, Action or NotAction, Resource and Condition at Statement[0]
      policy-with-not-resource       | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~NotResource~:~*~}]}' | ram.policyDocument | found ~NotResource~
      policy-unknown-operator        | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~Resource~:~*~,~Condition~:{~ArnLike~:{~acs:SourceArn~:~x~}}}]}' | ram.policyDocument | condition operators (Bool, DateEquals
      policy-aws-ifexists-operator   | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~Resource~:~*~,~Condition~:{~BoolIfExists~:{~acs:MFAPresent~:true}}}]}' | ram.policyDocument | found ~BoolIfExists~
      policy-action-and-not-action   | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:A~,~NotAction~:~ecs:B~,~Resource~:~*~}]}' | ram.policyDocument | exactly one of Action and NotAction at Statement[0], found both
      policy-grants-nothing-terway-needs | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~oss:GetObject~,~Resource~:~*~}]}' | ram.policyDocument | a policy that allows at least one of the actions Terway needs
      policy-only-denies             | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Deny~,~Action~:~ecs:*~,~Resource~:~*~}]}' | ram.policyDocument | found one that allows none of them
      policy-not-action-of-everything | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~NotAction~:[~ecs:*~,~vpc:*~],~Resource~:~*~}]}' | ram.policyDocument | found one that allows none of them
      policy-escape-in-resource      | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~Resource~:~acs:ecs:*:*:\\u001b[2J~}]}' | ram.policyDocument | strings without control characters at Statement[0].Resource
      policy-condition-value-object  | ram:\\n  policyDocument: '{~Version~:~1~,~Statement~:[{~Effect~:~Allow~,~Action~:~ecs:DescribeInstances~,~Resource~:~*~,~Condition~:{~IpAddress~:{~acs:SourceIp~:{}}}}]}' | ram.policyDocument | a string, number or boolean
      addon-config-duplicate-key     | addon:\\n  config: '{~IPVlan~:~false~,~IPVlan~:~true~}'     | addon.config           | each key at most once in the addon config, found ~IPVlan~ again
      addon-config-duplicate-yaml-key | addon:\\n  config:\\n    IPVlan: 'false'\\n    IPVlan: 'true' | addon.config.IPVlan   | each key at most once
      addon-config-escape            | addon:\\n  config: '{~IPVlan~:~fa\\u001b[2Jlse~}'           | addon.config           | keys and values without control characters, found some at IPVlan
      addon-config-not-an-object     | addon:\\n  config: '[1, 2]'                                  | addon.config           | a JSON object
      addon-version-escape           | addon:\\n  version: ~v1.9.0\\e[31m~                         | addon.version          | an addon version such as v1.9.0, without control characters
      addon-name-uppercase           | addon:\\n  name: Terway-ENIIP                                | addon.name             | an ACK addon name such as terway-eniip
      mode-with-escape               | network:\\n  mode: ~BGP\\e[2J~                              | network.mode           | one of AUTO, OVERLAY, BGP, HOST_NETWORK, found ~BGP\\u001b[2J~
      field-name-with-escape         | ram:\\n  ~user\\e[8mName~: ops                             | ram.user\\u001b[8mName | no such field
      secret-name-uppercase          | secret:\\n  name: Alibaba-Addon-Secret                       | secret.name            | a Kubernetes object name
      secret-namespace-too-long      | secret:\\n  namespace: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | secret.namespace | a Kubernetes namespace
      cni-kind-unknown               | network:\\n  onPremisesCni: {kind: Deployment, namespace: kube-system, name: calico-node} | network.onPremisesCni.kind | DaemonSet or Installation
      mode-unknown                   | network:\\n  mode: VXLAN                                     | network.mode           | one of AUTO, OVERLAY, BGP, HOST_NETWORK
      kind-wrong                     | kind: Network                                               | kind                   | HybridNetwork (or no field)
      """)
  void aSpecWithOneBadValueIsOneLineNamingTheFieldAndSendsNothing(String name, String section, String field,
      String expected) throws Exception {
    Path spec = dir.resolve(name + ".yaml");
    Files.writeString(spec, CLUSTER + section.replace("\\n", "\n").replace('~', '"'));
    for (String[] args : commands("spec", spec)) {
      Measured m = measured(args);

      assertClearError(m, spec, List.of(field), expected.replace('~', '"'));
    }
  }

  /** A path that is not a readable regular file, made for each kind of file. */
  enum BadPath {
    DIRECTORY("(a regular file), found a directory"),
    DEV_ZERO("(a regular file), found a character device, which is not read"),
    LINK_TO_DEV_ZERO("(a regular file), found a character device (through a symbolic link), which is not read"),
    FIFO("(a regular file), found a FIFO (named pipe), which is not read"),
    MISSING(", found nothing at this path"),
    DANGLING_LINK(", found a symbolic link to nothing"),
    SIZE_120_MB(" of at most "),
    NOT_UTF8("UTF-8 text, found");

    final String expected;

    BadPath(String expected) {
      this.expected = expected;
    }

    Path make(Path dir, String name) throws Exception {
      Path path = dir.resolve(name);
      Files.deleteIfExists(path);
      switch (this) {
        case DIRECTORY -> Files.createDirectories(path);
        case DEV_ZERO -> path = Path.of("/dev/zero");
        case LINK_TO_DEV_ZERO -> Files.createSymbolicLink(path, Path.of("/dev/zero"));
        case FIFO -> {
          Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).start();
          assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
        }
        case MISSING -> { }
        case DANGLING_LINK -> Files.createSymbolicLink(path, dir.resolve("gone-" + name));
        case SIZE_120_MB -> {
          try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(path.toFile(), "rw")) {
            sparse.setLength(120L << 20);
          }
        }
        case NOT_UTF8 -> Files.write(path, new byte[] {'{', '"', (byte) 0xC3, '"'});
      }
      return path;
    }
  }

  @ParameterizedTest(name = "a spec that is {0}")
  @org.junit.jupiter.params.provider.EnumSource(BadPath.class)
  void aSpecPathThatIsNotAReadableFileIsOneLine(BadPath bad) throws Exception {
    Path spec = bad.make(dir, "spec-" + bad + ".yaml");
    for (String[] args : commands("spec", spec)) {
      Measured m = measured(args);

      assertClearError(m, spec, List.of(), bad == BadPath.NOT_UTF8 ? "UTF-8 text, found bytes" : bad.expected);
    }
  }

  @ParameterizedTest(name = "a snapshot that is {0}")
  // /dev/zero itself has no .yaml or .json name, so the snapshot reader refuses it for that; a link to it has one.
  @org.junit.jupiter.params.provider.EnumSource(value = BadPath.class, names = "DEV_ZERO",
      mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
  void aSnapshotPathThatIsNotAReadableFileIsOneLine(BadPath bad) throws Exception {
    Path snapshot = bad.make(dir, "snapshot-" + bad + ".yaml");
    Measured m = measured(commands("snapshot", snapshot).get(0));

    assertClearError(m, snapshot, List.of(), bad.expected);
  }

  @ParameterizedTest(name = "a saved plan that is {0}")
  @org.junit.jupiter.params.provider.EnumSource(BadPath.class)
  void aSavedPlanPathThatIsNotAReadableFileIsOneLine(BadPath bad) throws Exception {
    Path plan = bad.make(dir, "plan-" + bad + ".json");
    Measured m = measured(commands("plan", plan).get(0));

    assertClearError(m, plan, List.of(), bad.expected);
  }

  @ParameterizedTest(name = "snapshot {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      node-listed-twice.yaml  | format_version: 1\\nobserved:\\n  nodes:\\n  - name: n1\\n  - name: n2\\n  - name: n1\\n...\\n | observed.nodes[2].name | each node at most once, found ~n1~ again (first at observed.nodes[0])
      wrong-extension.txt     | format_version: 1\\n                                                                      | (document)             | a snapshot file name ending in .json, .yaml or .yml
      empty.yaml              | ''                                                                                       | (document)             | found an empty document
      truncated.json          | {~format_version~: 1, ~observed~: {~nodes~: [                                            | (document)             | .json
      node-not-a-mapping.yaml | format_version: 1\\nobserved:\\n  nodes:\\n  - n1\\n...\\n                                   | observed.nodes[0]      | a mapping
      """)
  void aBadSnapshotIsOneLineNamingTheField(String name, String text, String field, String expected) throws Exception {
    Path snapshot = dir.resolve(name);
    Files.writeString(snapshot, text.equals("''") ? "" : text.replace("\\n", "\n").replace('~', '"'));
    Measured m = measured(commands("snapshot", snapshot).get(0));

    assertClearError(m, snapshot, field.equals("(document)") ? List.of() : List.of(field), expected.replace('~', '"'));
  }

  @ParameterizedTest(name = "saved plan {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      empty.json        | ''                         | a plan JSON
      not-json.json     | this is not json           | a plan JSON document
      a-list.json       | [1, 2, 3]                  | .json
      escape-in-it.json | {~format_version~: ~\u001b[2J~} | .json
      """)
  void aSavedPlanThatIsNotAPlanIsOneLine(String name, String text, String expected) throws Exception {
    Path plan = dir.resolve(name);
    Files.writeString(plan, text.equals("''") ? "" : text.replace('~', '"'));
    Measured m = measured(commands("plan", plan).get(0));

    assertClearError(m, plan, List.of(), expected);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      --aliyun-endpoint | https://ram.aliyuncs.com    | plan  | Invalid value for option '--aliyun-endpoint': expected host[:port] such as ram.vpc-proxy.aliyuncs.com or 127.0.0.1:8080, without a scheme
      --aliyun-endpoint | ram.aliyuncs.com/path       | plan  | Invalid value for option '--aliyun-endpoint': expected host[:port]
      --aliyun-endpoint | ram.aliyuncs.com:99999      | plan  | with a port of at most 65535
      --aliyun-endpoint | ram\u001b[2J.aliyuncs.com   | plan  | found 'ram\\u001b[2J.aliyuncs.com'
      --aliyun-protocol | FTP                         | plan  | Invalid value for option '--aliyun-protocol': expected one of [HTTPS, HTTP] (case-insensitive) but was 'FTP'
      --aliyun-protocol | ''                          | plan  | '--aliyun-protocol'
      --addon-timeout   | PT-1S                       | plan  | Invalid value for option '--addon-timeout': expected a duration of zero or more such as PT30S, found the negative 'PT-1S'
      --addon-timeout   | 15m                         | plan  | expected an ISO-8601 duration such as PT30S or PT15M, found '15m'
      --wait-for-lock   | PT-5S                       | apply | Invalid value for option '--wait-for-lock': expected a duration of zero or more
      --wait-for-lock   | -PT1M                       | apply | Invalid value for option '--wait-for-lock': expected a duration of zero or more
      --wait-for-lock   | soon                        | apply | expected an ISO-8601 duration
      --format          | yaml                        | plan  | Invalid value for option '--format'
      --simulate        | nosuch                      | plan  | Invalid value for option '--simulate'
      --colour          | always                      | plan  | Unknown option
      """)
  void anOptionWithAValueItCannotTakeIsOneLineNamingTheOption(String option, String value, String command,
      String expected) throws Exception {
    String spec = resource("spec.yaml").toString();
    String given = value.equals("''") ? "" : value.replace("\\u001b", "\u001b");
    Measured m = measured(command, "-f", spec, option, given);

    Cli.Run run = m.run();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).as(run.toString()).isEmpty();
    assertThat(run.err().lines()).as(run.toString()).singleElement().asString().startsWith("Error: ")
        .contains(option).contains(expected).doesNotContain("\u001b");
    assertThat(opened.get()).as("environments opened").isZero();
  }

  @Test
  void aMissingOptionValueIsOneLineNamingTheOption() {
    Measured m = measured("plan", "-f");

    assertThat(m.run().err().lines()).as(m.run().toString()).singleElement().asString()
        .isEqualTo("Error: Missing required parameter for option '--file' (SPEC) (see 'hybridcni plan --help')");
  }

  /** The command as a user runs it against a kubeconfig and the credential chain: the real environments. */
  private static Measured live(String... args) {
    return measured(Environments.standard(), args);
  }

  private static String[] withKubeconfig(Path kubeconfig, String... more) throws URISyntaxException {
    List<String> args = new java.util.ArrayList<>(List.of("plan", "-f", resource("spec.yaml").toString(),
        "--kubeconfig", kubeconfig.toString(), "--aliyun-endpoint", world.aliyun().endpoint(),
        "--aliyun-protocol", "HTTP"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static Path kubeconfig(String name, String server) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", "apiVersion: v1", "kind: Config",
        "current-context: hybrid", "clusters:", "- name: c", "  cluster: {server: '" + server + "'}", "contexts:",
        "- name: hybrid", "  context: {cluster: c, user: ops}", "users:", "- name: ops",
        "  user: {token: kubeconfig-token-9f2e7d1c}", ""));
  }

  @ParameterizedTest(name = "a kubeconfig that is {0}")
  @org.junit.jupiter.params.provider.EnumSource(value = BadPath.class, names = {"DIRECTORY", "DEV_ZERO", "LINK_TO_DEV_ZERO",
      "FIFO", "MISSING", "DANGLING_LINK", "SIZE_120_MB"})
  void aKubeconfigPathThatIsNotAReadableFileIsOneLineBeforeAnythingIsSent(BadPath bad) throws Exception {
    Path kubeconfig = bad.make(dir, "kubeconfig-" + bad);
    Measured m = live(withKubeconfig(kubeconfig));

    assertOneLine(m, kubeconfig + ": (document): a kubeconfig", bad.expected);
  }

  @Test
  void aKubeconfigThatIsNotYamlIsOneLineThatQuotesNoneOfIt() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig-broken"),
        "apiVersion: v1\nusers:\n- name: ops\n  user: {token: kubeconfig-token-9f2e7d1c\n  : [\n");
    Measured m = live(withKubeconfig(kubeconfig));

    assertOneLine(m, kubeconfig + ": (document): a kubeconfig (YAML with clusters, users and contexts)",
        "found one that fabric8 cannot use");
    assertThat(m.run().err()).doesNotContain("kubeconfig-token-9f2e7d1c");
  }

  @Test
  void aKubeconfigWithoutTheNamedContextIsOneLineListingTheContexts() throws Exception {
    Path kubeconfig = kubeconfig("kubeconfig-contexts", world.server().url("/"));
    Measured m = live(withKubeconfig(kubeconfig, "--context", "hybird"));

    assertOneLine(m, "The kubeconfig " + kubeconfig + " has no context hybird", "it has [hybrid]");
  }

  @Test
  void noAlibabaCloudCredentialsIsOneLineNamingTheChainBeforeAnythingIsObserved() throws Exception {
    assumeNoCredentialsAround();
    Path kubeconfig = kubeconfig("kubeconfig-no-credentials", world.server().url("/"));
    Measured m = live(withKubeconfig(kubeconfig));

    System.out.println("no credentials reported after " + m.took().toMillis() + " ms (with the ECS metadata link)");
    assertOneLine(m, "No Alibaba Cloud credentials found; the default credential chain tried, in order: 1) Java "
        + "system properties alibabacloud.accessKeyId and alibabacloud.accessKeySecret; 2) environment variables "
        + "ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET; 3) OIDC (RRSA) skipped",
        "the ECS instance RAM role (metadata service 100.100.100.200)");
    assertThat(m.run().err()).contains("nothing was observed or changed");
  }

  @Test
  void noCredentialsWithTheMetadataServiceTurnedOffSaysThatLinkWasSkipped() throws Exception {
    assumeNoCredentialsAround();
    Path kubeconfig = kubeconfig("kubeconfig-no-credentials-no-ecs", world.server().url("/"));
    com.aliyun.credentials.utils.AuthUtils.disableECSMetaData(true);
    try {
      Measured m = live(withKubeconfig(kubeconfig));

      System.out.println("no credentials (no ECS link) reported after " + m.took().toMillis() + " ms");
      assertOneLine(m, "No Alibaba Cloud credentials found", "the ECS instance RAM role skipped: "
          + "ALIBABA_CLOUD_ECS_METADATA_DISABLED");
    } finally {
      com.aliyun.credentials.utils.AuthUtils.disableECSMetaData(false);
    }
  }

  @Test
  void anUnreachableApiServerIsOneLineNamingTheKubeconfigAndTheServerWithinSeconds() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path kubeconfig = kubeconfig("kubeconfig-unreachable", "https://127.0.0.1:" + port);
    // Credentials from the chain's first link, so that the run gets as far as the API server.
    System.setProperty("alibabacloud.accessKeyId", World.CALLER_ID);
    System.setProperty("alibabacloud.accessKeySecret", World.CALLER_SECRET);
    try {
      Measured m = live(withKubeconfig(kubeconfig));

      System.out.println("unreachable API server reported after " + m.took().toMillis() + " ms");
      assertOneLine(m, "Cannot reach the API server https://127.0.0.1:" + port + "/ of the kubeconfig " + kubeconfig,
          "nothing was observed or changed");
      // Generous for a loaded machine; before, fabric8's retries of the first read took 25 s.
      assertThat(m.took()).isLessThan(Duration.ofSeconds(15));
    } finally {
      System.clearProperty("alibabacloud.accessKeyId");
      System.clearProperty("alibabacloud.accessKeySecret");
    }
  }

  private static void assumeNoCredentialsAround() {
    org.assertj.core.api.Assumptions.assumeThat(System.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"))
        .as("no credentials in the environment").isNull();
    org.assertj.core.api.Assumptions.assumeThat(Files.exists(Path.of(System.getProperty("user.home"), ".aliyun",
        "config.json"))).as("no Alibaba Cloud CLI profile").isFalse();
    org.assertj.core.api.Assumptions.assumeThat(Files.exists(Path.of(System.getProperty("user.home"),
        ".alibabacloud", "credentials.ini"))).as("no credentials file").isFalse();
  }

  /** Exit 1, nothing on stdout, exactly one line on stderr starting {@code Error: } with both texts, no escape. */
  private static void assertOneLine(Measured m, String starts, String contains) {
    Cli.Run run = m.run();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).as(run.toString()).isEmpty();
    assertThat(run.err().lines()).as(run.toString()).singleElement().asString()
        .startsWith("Error: " + starts).contains(contains).doesNotContain("\u001b").doesNotContain("\tat ");
  }

  private static List<String[]> commands(String kind, Path bad) throws URISyntaxException {
    String spec = resource("spec.yaml").toString();
    return switch (kind) {
      case "spec" -> List.of(new String[] {"plan", "-f", bad.toString()},
          new String[] {"apply", "-f", bad.toString(), "--auto-approve"},
          new String[] {"controller", "-f", bad.toString(), "--identity", "corpus"});
      case "snapshot" -> List.<String[]>of(new String[] {"plan", "-f", spec, "--observed", bad.toString()});
      case "plan" -> List.<String[]>of(new String[] {"apply", "-f", spec, bad.toString(), "--auto-approve"});
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** Runs the command on another thread, stopped at the time limit, measuring what that thread allocates. */
  private static Measured measured(String... args) {
    return measured(environments, args);
  }

  /** Runs the command with these environments, as {@link #measured(String...)} does. */
  private static Measured measured(Environment.Factory factory, String... args) {
    Environment.Factory counted = (spec, target) -> {
      opened.incrementAndGet();
      return factory.open(spec, target);
    };
    world.aliyun().clearJournal();
    MockRequests.drain(world.server());
    opened.set(0);
    Measured m = assertTimeoutPreemptively(TIME_LIMIT, () -> {
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      Cli.Run run = Cli.run(counted, args);
      return new Measured(run, Duration.ofNanos(System.nanoTime() - start),
          threads.getCurrentThreadAllocatedBytes() - before, List.of(args));
    }, () -> String.join(" ", args) + " took longer than " + TIME_LIMIT);
    System.out.println(String.join(" ", args) + ": " + m.took().toMillis() + " ms, "
        + (m.allocated() >> 20) + " MB allocated, " + m.run().err().strip());
    // Nothing was sent anywhere: no request reached the cluster or the cloud, so nothing was written.
    assertThat(world.aliyun().journal()).as("Aliyun calls of %s", String.join(" ", args)).isEmpty();
    assertThat(MockRequests.drain(world.server())).as("Kubernetes requests of %s", String.join(" ", args))
        .isEmpty();
    return m;
  }

  private static void assertClearError(Measured m, Path file, List<String> fields, String expected) {
    Cli.Run run = m.run();
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out()).as(run.toString()).isEmpty();
    List<String> lines = run.err().lines().toList();
    assertThat(lines).as(run.toString()).isNotEmpty();
    assertThat(lines.get(0)).as(run.toString()).startsWith("Error: ");
    assertThat(run.err()).as(run.toString()).contains(file.toString()).contains(expected).doesNotContain("\tat ")
        .doesNotContain("\u001b");
    fields.forEach(field -> assertThat(run.err()).as(run.toString()).contains(file + ": " + field));
    // One problem is exactly one line; several are a count line and then one line each, each naming the file.
    assertThat(lines).as(run.toString()).hasSize(fields.size() <= 1 ? 1 : fields.size() + 1);
    if (lines.size() > 1) {
      assertThat(lines.subList(1, lines.size())).as(run.toString()).allSatisfy(line ->
          assertThat(line).startsWith("  " + file + ": "));
    }
    // A bad spec or snapshot stops before any connection is opened; a bad saved plan, before anything is sent.
    assertThat(opened.get()).as("environments opened").isEqualTo(m.opensAnEnvironment() ? 1 : 0);
  }

  /** A file of {@code head} and then {@code line} repeated to 10 MB. */
  private static Path tenMegabytes(String name, String head, String line) throws IOException {
    Path file = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(head);
      for (long written = head.length(); written < 10L << 20; written += line.length()) {
        w.write(line);
      }
    }
    return file;
  }

  private static Path resource(String name) throws URISyntaxException {
    var url = BadInputCorpusTest.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + name);
    }
    return Path.of(url.toURI());
  }
}
