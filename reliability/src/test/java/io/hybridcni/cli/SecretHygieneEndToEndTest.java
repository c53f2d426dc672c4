package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.aliyun.RamApi;
import io.hybridcni.apply.ActionOutcome;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.Snapshots;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.reliability.StderrCapture;
import io.hybridcni.reliability.World;
import io.hybridcni.render.PlanJson;
import io.hybridcni.render.PlanText;
import io.hybridcni.spec.HybridNetworkSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret hygiene end to end: every command of the CLI and the reconciler's API paths run with recognisable secrets in
 * play, and no output holds any of them, plain or base64. The secrets: a fixture AccessKey secret already in the
 * cluster's Secret, the caller's own AccessKey secret, and every AccessKey secret a run creates (captured as it
 * leaves the RAM API, so that the API server can be made to echo it back in an error). The outputs: stdout and stderr
 * of every command (stack traces included, with {@code --verbose}), every log line at DEBUG, exception chains and
 * results of API calls, the saved plan and snapshot files, and the cluster's Kubernetes Events.
 */
class SecretHygieneEndToEndTest {

  private static final String FIXTURE_SECRET = SampleClusters.FIXTURE_ACCESS_KEY_SECRET;

  @TempDir
  Path dir;

  private World world;
  private StderrCapture logs;
  private final List<String> outputs = new ArrayList<>();
  private final List<String> created = new CopyOnWriteArrayList<>();
  /** Where the next Secret write goes (PUT to the Secret or POST to the collection), to answer it with an echo. */
  private final AtomicReference<String[]> echoNextSecretWrite = new AtomicReference<>();

  @BeforeEach
  void start() {
    logs = StderrCapture.start();
    world = World.start();
    // A Secret hybridcni wrote earlier, holding a key the RAM user no longer has: the next apply replaces the key.
    world.client().secrets().inNamespace(World.NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withName(World.SECRET_NAME).withNamespace(World.NAMESPACE)
        .addToLabels(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE).endMetadata().withType("Opaque")
        .addToData("access-key-id", base64(SampleClusters.FIXTURE_ACCESS_KEY_ID))
        .addToData("access-key-secret", base64(FIXTURE_SECRET)).build()).create();
  }

  @AfterEach
  void stop() {
    world.close();
    logs.close();
  }

  @Test
  void noOutputOfAnyCommandOrApiPathHoldsASecret() throws IOException {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, "cluster:\n  id: " + Specs.CLUSTER_ID + "\n  region: " + Specs.REGION + "\n");
    Path plan = dir.resolve("plan.json");
    Path snapshotYaml = dir.resolve("observed.yaml");
    Path snapshotJson = dir.resolve("observed.json");
    Path snapshotAfter = dir.resolve("observed-after.yaml");
    World.Wiring wiring = new World.Wiring().ram(this::recording);
    Environment.Factory environments = Cli.on(world, wiring);

    // Before anything is applied: plans in every format, snapshots, an offline plan, a dry run.
    expect(0, environments, "plan", "-f", spec.toString());
    expect(2, environments, "plan", "-f", spec.toString(), "--format", "json", "--detailed-exitcode");
    expect(0, environments, "plan", "-f", spec.toString(), "--out", plan.toString());
    expect(0, environments, "snapshot", "-f", spec.toString(), "-o", snapshotYaml.toString());
    expect(0, environments, "snapshot", "-f", spec.toString(), "-o", snapshotJson.toString());
    expect(0, environments, "plan", "-f", spec.toString(), "--observed", snapshotYaml.toString(), "--verbose");
    expect(0, environments, "apply", "-f", spec.toString(), "--dry-run", "--verbose");
    assertThat(world.accessKeys()).as("a dry run creates no key").isEmpty();

    // The API server refuses every write of the new key and echoes it back: the apply fails, the key is deleted.
    echoNextSecretWrite.set(new String[] {"PUT", "/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret"});
    expect(1, environments, "apply", "-f", spec.toString(), "--auto-approve", "--verbose");
    world.healAll();
    // The saved plan is stale by now: refused, listing what changed.
    expect(1, environments, "apply", "-f", spec.toString(), plan.toString(), "--auto-approve", "--verbose");
    expect(0, environments, "apply", "-f", spec.toString(), "--auto-approve", "--verbose");
    expect(0, environments, "plan", "-f", spec.toString(), "--detailed-exitcode");
    expect(0, environments, "snapshot", "-f", spec.toString(), "-o", snapshotAfter.toString());
    expect(0, environments, "permissions");
    expect(0, environments, "--version");
    expect(0, environments, "--help");
    expect(0, environments, "apply", "--help");
    // The demo runs its own simulation; its caller secret is the simulation's, its AccessKeys random.
    expect(0, Environments.standard(), "demo");

    apiPaths(wiring);

    for (Path file : List.of(plan, snapshotYaml, snapshotJson, snapshotAfter)) {
      outputs.add(Files.readString(file));
    }
    outputs.add(Serialization.asJson(world.client().v1().events().inAnyNamespace().list()));
    outputs.add(logs.text());

    // The scan is only worth something if the secrets were really there and the logs really at DEBUG.
    assertThat(created).as("AccessKey secrets created").hasSizeGreaterThanOrEqualTo(3);
    assertThat(world.secret().orElseThrow().getData().get("access-key-secret")).isIn(created.stream()
        .map(SecretHygieneEndToEndTest::base64).toList());
    // The Secret's writes log through the one write loop; its lines must be in what was scanned.
    assertThat(logs.text()).contains("DEBUG io.hybridcni.")
        .contains("KubeWriteLoop - write Secret kube-system/alibaba-addon-secret");
    assertThat(String.join("\n", outputs)).contains("AccessKeySecretWritten")
        .contains("admission webhook \"audit\" denied data access-key-secret=(sensitive value) ((sensitive value))");
    List<String> secrets = new ArrayList<>(created);
    secrets.add(FIXTURE_SECRET);
    secrets.add(World.CALLER_SECRET);
    secrets.add("SimulatedCallerSecret0123456789");
    List<String> hits = new ArrayList<>();
    for (String secret : secrets) {
      for (String form : List.of(secret, base64(secret))) {
        outputs.stream().filter(output -> output.contains(form)).forEach(output -> hits.add(around(output, form)));
      }
    }
    assertThat(hits).as("outputs holding a secret (shown as <SECRET>)").isEmpty();
  }

  /** The line of {@code output} around the first {@code secret}, with the secret itself replaced. */
  private static String around(String output, String secret) {
    int at = output.indexOf(secret);
    int from = Math.max(output.lastIndexOf('\n', at) + 1, at - 200);
    int newline = output.indexOf('\n', at);
    int to = Math.min(newline < 0 ? output.length() : newline, at + secret.length() + 200);
    return output.substring(from, to).replace(secret, "<SECRET>");
  }

  /** The reconciler's API, as a program embedding hybridcni uses it: results, renderings and failures. */
  private void apiPaths(World.Wiring wiring) {
    Reconciler reconciler = world.reconciler(wiring);
    HybridNetworkSpec spec = Specs.auto();
    ObservedState observed = reconciler.observe(spec);
    outputs.add(observed.toString());
    outputs.add(Snapshots.toYaml(observed));
    outputs.add(Snapshots.toJson(observed));
    var plan = reconciler.plan(spec);
    outputs.add(plan.toString());
    outputs.add(PlanJson.write(plan));
    outputs.add(PlanText.plain().render(plan));
    outputs.add(reconciler.reconcile(spec, ApplyOptions.defaults().withDryRun(true)).toString());
    // Another Secret: a new key is created and its write fails with an echo, through the API this time.
    // Terway reads only alibaba-addon-secret: the spec says who reads this one, or the plan is blocked.
    HybridNetworkSpec another = spec.toBuilder().secret("kube-system", "another-secret")
        .secretReadBy("the secret hygiene test").build();
    echoNextSecretWrite.set(new String[] {"POST", "/api/v1/namespaces/kube-system/secrets"});
    ReconcileResult failed = reconciler.reconcile(another, ApplyOptions.defaults().withDryRun(true));
    outputs.add(failed.toString());
    failed = reconciler.reconcile(another, ApplyOptions.defaults());
    outputs.add(failed.toString());
    assertThat(failed.apply().outcome("access-key-secret").cause()).isNotNull();
    for (ActionOutcome o : failed.apply().outcomes()) {
      outputs.add(o.message());
      for (Throwable t = o.cause(); t != null; t = t.getCause()) {
        outputs.add(t.toString());
        Stream.of(t.getSuppressed()).forEach(s -> outputs.add(s.toString()));
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        outputs.add(trace.toString());
      }
    }
    world.healAll();
  }

  private Cli.Run expect(int exitCode, Environment.Factory environments, String... args) {
    Cli.Run run = Cli.run(environments, args);
    outputs.add(run.out());
    outputs.add(run.err());
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isEqualTo(exitCode);
    return run;
  }

  /** The RAM API, remembering every AccessKey secret it hands out and, when asked, making the next write echo it. */
  private RamApi recording(RamApi ram) {
    return (RamApi) Proxy.newProxyInstance(RamApi.class.getClassLoader(), new Class<?>[] {RamApi.class},
        (proxy, method, args) -> {
          Object answer;
          try {
            answer = method.invoke(ram, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (answer instanceof AccessKeyCredential credential) {
            String secret = credential.accessKeySecret().reveal();
            created.add(secret);
            String[] write = echoNextSecretWrite.getAndSet(null);
            if (write != null) {
              world.failKube(write[0], write[1], 500, "InternalError", "admission webhook \"audit\" denied data "
                  + "access-key-secret=" + base64(secret) + " (" + secret + ")", 10);
            }
          }
          return answer;
        });
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
