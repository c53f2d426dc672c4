package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.reliability.World;
import io.hybridcni.testkit.SecretForms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret hygiene with every logger at TRACE, as a user who turns logging all the way up runs the shipped command:
 * the CLI in its own JVM (its real {@code main}, slf4j-simple as the jar ships it, its real stderr), built the way it
 * builds a live cluster and account ({@code --kubeconfig} with a bearer token, the credential chain from the
 * environment, {@code --aliyun-endpoint}), against the reliability world's mock API server and fake Alibaba Cloud.
 * The root logger, fabric8's ({@code io.fabric8.kubernetes.client.http} is where its HTTP logging writes request and
 * response headers and bodies) and the Aliyun SDK's are all at TRACE.
 *
 * <p>The API server refuses the write of the new key the way an admission webhook does and echoes what it received
 * in every form seen in the wild: in the Status {@code message} (plain, base64, a Go {@code []byte}), its
 * {@code reason} (an 8-character prefix), its {@code details.causes} (URL-encoded base64 in a message, a window in a
 * field). The fake RAM echoes the caller's secret in an error too. Scanned, for the fixture secret already in the
 * cluster, every secret a run created, the caller's secret and the kubeconfig's bearer token, in every form
 * ({@link SecretForms#hits}: whole, any 8-character window, base64, URL-encoded base64, Go bytes): stdout and stderr
 * of every run (with {@code --verbose} stack traces), the saved plan and snapshots, and the cluster's Events.
 */
class SecretHygieneAtTraceEndToEndTest {

  private static final String FIXTURE_SECRET = SampleClusters.FIXTURE_ACCESS_KEY_SECRET;
  // Random-looking: a token spelling "kubeconfig" would collide with that word in every stack trace.
  private static final String BEARER = "Tq8Hx3Zm7Wv2Lp9Nr4Kc6Bd1Jf5Gs0Yt";
  private static final String SECRET_PATH = "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret";

  @TempDir
  Path dir;

  private World world;
  private Path kubeconfig;
  private Path spec;
  private final List<String> outputs = new ArrayList<>();
  /** Every access-key-secret the API server was sent: the keys the runs created. */
  private final List<String> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    world = World.start();
    world.client().secrets().inNamespace(World.NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withName(World.SECRET_NAME).withNamespace(World.NAMESPACE)
        .addToLabels(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE).endMetadata().withType("Opaque")
        .addToData("access-key-id", SecretForms.base64(SampleClusters.FIXTURE_ACCESS_KEY_ID))
        .addToData("access-key-secret", SecretForms.base64(FIXTURE_SECRET)).build()).create();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: operator
          user:
            token: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: operator
        current-context: mock
        """.formatted(world.server().url("/").replaceAll("/$", ""), BEARER));
    spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: " + Specs.REGION + "\n");
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void atTraceNoRunPrintsASecretOrTheBearerTokenWhateverTheServerEchoes() throws Exception {
    Path plan = dir.resolve("plan.json");
    Path snapshot = dir.resolve("observed.yaml");
    Path snapshotAfter = dir.resolve("observed-after.yaml");

    // Read-only runs: the existing Secret (the fixture key) is read at TRACE.
    Run first = cli(0, "plan", "-f", spec.toString(), "--out", plan.toString());
    cli(0, "snapshot", "-f", spec.toString(), "-o", snapshot.toString());
    // The fake RAM echoes the caller's secret in an error: the plan fails, masked.
    world.aliyun().faults().on("GetUser").failWith("InvalidParameter", 400, "AccessKeySecret "
        + World.CALLER_SECRET + " / " + SecretForms.urlEncodedBase64(World.CALLER_SECRET) + " is not accepted");
    Run echoedByRam = cli(1, "plan", "-f", spec.toString(), "--verbose");
    world.healAll();

    // The webhook refuses the write of the new key and echoes it in every form.
    world.server().expect().put().withPath(SECRET_PATH).andReply(422, request -> echo(request.getUtf8Body()))
        .once();
    Run refused = cli(1, "apply", "-f", spec.toString(), "--auto-approve", "--verbose");
    world.healAll();
    // The child JVM's apply follows calico-node's rollout and then waits for Terway's pods, so the cluster must move
    // while it runs: this JVM plays ACK's addon manager, the Tigera operator and the DaemonSet controller meanwhile,
    // as a real cluster's controllers would. Its output is what this test scans.
    Run applied;
    java.util.concurrent.atomic.AtomicInteger played = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ScheduledExecutorService cluster = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor();
    try {
      cluster.scheduleWithFixedDelay(() -> {
        try {
          world.runControllers();
          played.incrementAndGet();
        } catch (RuntimeException e) {
          // A conflict with the child's own write: the next round plays again.
        }
      }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
      applied = cli(0, "apply", "-f", spec.toString(), "--auto-approve", "--verbose", "--status-timeout", "PT60S");
    } finally {
      cluster.shutdownNow();
    }
    assertThat(played).as("the cluster's controllers ran during the apply").hasPositiveValue();
    assertThat(applied.out).contains("Converged");
    cli(0, "plan", "-f", spec.toString(), "--detailed-exitcode");
    cli(0, "snapshot", "-f", spec.toString(), "-o", snapshotAfter.toString());

    for (Path file : List.of(plan, snapshot, snapshotAfter)) {
      outputs.add(Files.readString(file));
    }
    outputs.add(Serialization.asJson(world.client().v1().events().inAnyNamespace().list()));

    // The scan is only worth something if TRACE was on, the HTTP log was written and the echoes arrived.
    assertThat(first.err).contains("TRACE io.fabric8.kubernetes.client.http")
        .contains("> GET http://").contains(SECRET_PATH).contains("> Authorization: (sensitive value)")
        .contains("(body of a request to Secrets: not logged)");
    assertThat(echoedByRam.err).contains("AccessKeySecret (sensitive value) / (sensitive value) is not accepted");
    assertThat(refused.err).contains("422 ").contains("admission webhook \"audit\" denied the request")
        .contains("(sensitive value)");
    assertThat(sent).as("the key whose write was refused and echoed").hasSize(1);
    String written = new String(Base64.getDecoder().decode(
        world.secret().orElseThrow().getData().get("access-key-secret")), StandardCharsets.UTF_8);
    assertThat(written).as("the key the second apply wrote").isNotEqualTo(sent.get(0)).isNotEqualTo(FIXTURE_SECRET);

    List<String> secrets = new ArrayList<>(sent);
    secrets.add(written);
    secrets.add(FIXTURE_SECRET);
    secrets.add(World.CALLER_SECRET);
    secrets.add(BEARER);
    List<String> hits = new ArrayList<>();
    for (String secret : secrets) {
      for (String output : outputs) {
        SecretForms.hits(output, secret).forEach(hits::add);
      }
    }
    assertThat(hits).as("outputs holding a secret or the token (shown as <SECRET>)").isEmpty();
  }

  /**
   * What the webhook answers: a Status echoing the access-key-secret it was sent, in every place and form.
   * Kubernetes' admission chain passes a webhook's Status (code, reason, message, details) through to the client.
   */
  private Object echo(String body) {
    io.fabric8.kubernetes.api.model.Secret received = Serialization.unmarshal(body,
        io.fabric8.kubernetes.api.model.Secret.class);
    String secret = new String(Base64.getDecoder().decode(received.getData().get("access-key-secret")),
        StandardCharsets.UTF_8);
    sent.add(secret);
    Status status = new StatusBuilder().withStatus("Failure").withCode(422).withReason("Denied" + secret.substring(0, 8))
        .withMessage("admission webhook \"audit\" denied the request: access-key-secret=" + secret + " base64 "
            + SecretForms.base64(secret) + " bytes " + SecretForms.goBytes(secret))
        .withNewDetails().withKind("secrets").withName(World.SECRET_NAME)
        .addNewCause().withField("data[access-key-secret]").withReason("FieldValueForbidden")
        .withMessage("value " + SecretForms.urlEncodedBase64(secret) + " matches a leaked-key pattern").endCause()
        .addNewCause().withField("data[" + secret.substring(3, 15) + "]").withReason("FieldValueInvalid")
        .withMessage("key name looks like a secret").endCause()
        .endDetails().build();
    return status;
  }

  private record Run(int exitCode, String out, String err) {}

  /** The shipped command in its own JVM, everything at TRACE, credentials from the environment. */
  private Run cli(int expectedExitCode, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-cp", classpath,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
        "-Dorg.slf4j.simpleLogger.log.io.hybridcni=trace",
        "-Dorg.slf4j.simpleLogger.log.io.fabric8=trace",
        "-Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client=trace",
        "-Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.http=trace",
        "-Dorg.slf4j.simpleLogger.log.com.aliyun=trace",
        "-Dorg.slf4j.simpleLogger.logFile=System.err",
        "-Dsun.net.httpserver.nodelay=true",
        "io.hybridcni.cli.Main"));
    command.addAll(List.of(args));
    command.addAll(List.of("--kubeconfig", kubeconfig.toString(), "--aliyun-endpoint", world.aliyun().endpoint(),
        "--aliyun-protocol", "HTTP", "--addon-timeout", "PT2M"));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("ALIBABA_CLOUD_") || k.equals("KUBECONFIG"));
    env.put("ALIBABA_CLOUD_ACCESS_KEY_ID", World.CALLER_ID);
    env.put("ALIBABA_CLOUD_ACCESS_KEY_SECRET", World.CALLER_SECRET);
    Process process = builder.start();
    if (!process.waitFor(240, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("hybridcni " + String.join(" ", args) + " did not finish in 240 s");
    }
    Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    outputs.add(run.out);
    outputs.add(run.err);
    assertThat(run.exitCode).as(String.join(" ", args) + "\n--- stdout\n" + run.out + "\n--- stderr (tail)\n"
        + tail(run.err)).isEqualTo(expectedExitCode);
    return run;
  }

  private static String tail(String text) {
    return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
  }
}
