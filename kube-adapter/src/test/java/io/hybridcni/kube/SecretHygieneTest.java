package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridcni.apply.StepResult;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * With a recognisable fixture secret written, read, retried, refused and dry-run, the secret (plain or base64) is
 * in no log line, exception message, Event, result, {@code toString} or snapshot the adapter produces. Log lines
 * are captured from slf4j-simple, which writes to whatever {@code System.err} is at the time (see
 * {@code simplelogger.properties}: hybridcni logs at debug here).
 */
@EnableKubernetesMockClient(crud = true)
class SecretHygieneTest {

  static final String SECRET = SampleClusters.FIXTURE_ACCESS_KEY_SECRET;
  static final String SECRET_BASE64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
  static final AccessKeyCredential KEY =
      new AccessKeyCredential(SampleClusters.FIXTURE_ACCESS_KEY_ID, SecretValue.of(SECRET));

  KubernetesMockServer server;
  KubernetesClient client;

  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private final List<String> renderings = new ArrayList<>();

  @BeforeEach
  void captureLogs() {
    originalErr = System.err;
    System.setErr(new PrintStream(new TeeStream(originalErr, logs), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLogs() {
    System.setErr(originalErr);
  }

  private KubernetesSecretStore store(DryRunMode mode) {
    return KubernetesSecretStore.builder(client).dryRunMode(mode).maxAttempts(2).sleeper(d -> { }).build();
  }

  private void assertNoSecretAnywhere() {
    String logText = logs.toString(StandardCharsets.UTF_8);
    assertThat(logText).as("captured log lines")
        .contains("KubeWriteLoop - write Secret kube-system/alibaba-addon-secret: Create Secret kube-system/alibaba-addon-secret")
        .contains("answered HTTP 500 (attempt 1 of 2)")
        .contains("KubernetesObserver - observed 3 node(s)")
        .doesNotContain(SECRET).doesNotContain(SECRET_BASE64);
    String events = Serialization.asJson(client.v1().events().inAnyNamespace().list());
    assertThat(events).as("Events").contains("AccessKeySecretWritten")
        .doesNotContain(SECRET).doesNotContain(SECRET_BASE64);
    assertThat(renderings).as("results, exceptions, facts and snapshots").isNotEmpty()
        .allSatisfy(text -> assertThat(text).doesNotContain(SECRET).doesNotContain(SECRET_BASE64));
  }

  @Test
  void theSecretAppearsOnlyInTheWriteItself() {
    KubeSampleCluster.CALICO_BGP.seed(client);
    // Created, then updated (same value again), then dry-run both ways.
    store(DryRunMode.CLIENT).writeAccessKey("kube-system", "alibaba-addon-secret", KEY);
    StepResult updated = store(DryRunMode.CLIENT).write("kube-system", "alibaba-addon-secret", KEY, false);
    StepResult clientDryRun = store(DryRunMode.CLIENT).write("kube-system", "alibaba-addon-secret", KEY, true);
    StepResult serverDryRun = store(DryRunMode.SERVER).write("kube-system", "alibaba-addon-secret", KEY, true);
    for (StepResult r : List.of(updated, clientDryRun, serverDryRun)) {
      renderings.add(r.toString());
      renderings.addAll(r.requests());
    }
    assertThat(clientDryRun.requests().get(0)).contains(SecretValue.MASK);

    KubernetesFacts facts;
    try (KubernetesObserver observer = KubernetesObserver.builder(client).build()) {
      facts = observer.observe(Specs.auto());
    }
    assertThat(facts.secret().holds("access-key-secret", SECRET)).isTrue();
    renderings.add(facts.toString());
    renderings.add(facts.secret().toString());
    renderings.add(JsonMapper.builder().build().writeValueAsString(facts));

    // A write the server keeps refusing with an answer that echoes the secret back. The Secret first holds some
    // other value: one that held the key already would count as written after the first 5xx (its outcome unknown).
    client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret")
        .edit(s -> new io.fabric8.kubernetes.api.model.SecretBuilder(s).addToData("access-key-secret", "b3RoZXI=")
            .build());
    server.expect().put().withPath("/api/v1/namespaces/kube-system/secrets/alibaba-addon-secret")
        .andReturn(500, new StatusBuilder().withCode(500).withReason("InternalError")
            .withMessage("webhook failed on data " + SECRET_BASE64 + " (" + SECRET + ")").build())
        .always();
    Throwable failure = catchThrowable(() -> store(DryRunMode.CLIENT).writeAccessKey("kube-system",
        "alibaba-addon-secret", KEY));
    assertThat(failure).isNotNull();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      renderings.add(String.valueOf(t.getMessage()));
      renderings.add(t.toString());
    }
    renderings.add(KEY.toString());

    assertNoSecretAnywhere();
  }

  /** Writes to two streams. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int value) throws java.io.IOException {
      a.write(value);
      b.write(value);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException {
      a.write(bytes, offset, length);
      b.write(bytes, offset, length);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}
