package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.port.SecretValue;
import io.hybridcni.testkit.SecretForms;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * fabric8's HTTP logging at TRACE, as hybridcni's clients have it: the requests are logged (method, URI, status,
 * headers, the bodies of everything but Secrets), the bearer token and every Secret's data are not, for reads and
 * writes, and for a client derived from the first (as {@link KubernetesSecretStore} derives one). A control shows
 * that fabric8's own interceptor, on the same logger, writes both.
 */
@EnableKubernetesMockClient(crud = true)
class SafeHttpLoggingTest {

  static final String TOKEN = "kubeconfig-bearer-Tk9Qm2Wx7Lp4Zr8Vn3";
  static final String EXISTING = "ExistingSecretRead5Hq8Lz2Xc7Vb";
  static final String WRITTEN = "WrittenSecretNew3Jd6Mf9Pq2Ws";

  KubernetesMockServer server;

  private final Capture log = new Capture();
  private KubernetesClient built;
  private AccessKeyCredential readBack;

  @AfterEach
  void close() {
    if (built != null) {
      built.close();
    }
  }

  private KubernetesClient client(HttpClient.Factory factory) {
    Config config = new ConfigBuilder(server.createClient().getConfiguration()).withOauthToken(TOKEN).build();
    built = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(factory).build();
    return built;
  }

  private void readAndWriteSecretsAndAConfigMap(KubernetesClient client) {
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withName("alibaba-addon-secret").withNamespace("kube-system").endMetadata().withType("Opaque")
        .addToData("access-key-secret", SecretForms.base64(EXISTING)).build()).create();
    client.secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get();
    client.secrets().inAnyNamespace().list();
    KubernetesSecretStore store = KubernetesSecretStore.builder(client).sleeper(d -> { }).build();
    store.writeAccessKey("kube-system",
        "alibaba-addon-secret", new AccessKeyCredential("LTAI5tLoggingTest0001", SecretValue.of(WRITTEN)));
    // Read in memory, as the owner lookup of a key another tool left does: the read's answer is not logged either.
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withName("shared-secret").withNamespace("kube-system").endMetadata().withType("Opaque")
        .addToData("access-key-id", SecretForms.base64("LTAI5tLoggingTest0002"))
        .addToData("access-key-secret", SecretForms.base64(EXISTING)).build()).create();
    readBack = store.readAccessKey("kube-system", "shared-secret").orElseThrow();
    client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("calico-config").withNamespace("kube-system").endMetadata()
        .addToData("calico_backend", "bird-visible-in-log").build()).create();
    // Derived as the store derives its client: the interceptors are copied, so the derived one is safe too.
    client.newClient(new RequestConfigBuilder().withRequestRetryBackoffLimit(0).build())
        .adapt(KubernetesClient.class).secrets().inNamespace("kube-system").withName("alibaba-addon-secret").get();
  }

  @Test
  void atTraceRequestsAreLoggedWithoutTheTokenOrAnySecretsData() {
    readAndWriteSecretsAndAConfigMap(client(SafeHttpLogging.factory(HttpClientUtils.getHttpClientFactory(), log)));

    String text = log.text();
    assertThat(text).as("the HTTP log is there")
        .contains("> POST https://").contains("/api/v1/namespaces/kube-system/secrets")
        .contains("> PUT ").contains("< 200").contains("> Authorization: (sensitive value)")
        .contains(SafeHttpLogging.BODY_NOT_LOGGED).contains("bird-visible-in-log");
    assertThat(text).doesNotContain(TOKEN);
    assertThat(SecretForms.hits(text, TOKEN)).isEmpty();
    assertThat(SecretForms.hits(text, EXISTING)).as(text).isEmpty();
    assertThat(SecretForms.hits(text, WRITTEN)).as(text).isEmpty();
    assertThat(readBack.accessKeySecret().reveal()).isEqualTo(EXISTING);
  }

  @Test
  void belowTraceNothingIsLogged() {
    log.trace = false;
    readAndWriteSecretsAndAConfigMap(client(SafeHttpLogging.factory(HttpClientUtils.getHttpClientFactory(), log)));

    assertThat(log.lines).isEmpty();
  }

  @Test
  void fabric8sOwnInterceptorOnTheSameLoggerWritesTheTokenAndTheSecrets() {
    // The control: what a client built without SafeHttpLogging logs at TRACE.
    HttpClient.Factory fabric8 = HttpClientUtils.getHttpClientFactory();
    HttpClient.Factory plain = new HttpClient.Factory() {
      @Override
      public HttpClient.Builder newBuilder() {
        return fabric8.newBuilder().addOrReplaceInterceptor(SafeHttpLogging.INTERCEPTOR_NAME,
            new HttpLoggingInterceptor(log));
      }
    };
    readAndWriteSecretsAndAConfigMap(client(plain));

    assertThat(log.text()).contains("Authorization: Bearer " + TOKEN).contains(SecretForms.base64(EXISTING))
        .contains(SecretForms.base64(WRITTEN));
  }

  @Test
  void aRequestIsASecretsRequestByAnyPathSegment() {
    assertThat(SafeHttpLogging.isSecretRequest(java.net.URI.create("https://h/api/v1/secrets?limit=500"))).isTrue();
    assertThat(SafeHttpLogging.isSecretRequest("https://h/api/v1/namespaces/a/secrets/b")).isTrue();
    assertThat(SafeHttpLogging.isSecretRequest("https://h/api/v1/namespaces/a/configmaps/b")).isFalse();
  }

  /** A logger that keeps every line, at TRACE unless told otherwise. */
  static final class Capture extends LegacyAbstractLogger {
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile boolean trace = true;

    Capture() {
      this.name = HttpLoggingInterceptor.class.getName();
    }

    String text() {
      return String.join("\n", lines);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
        Throwable throwable) {
      lines.add(args == null ? pattern : MessageFormatter.basicArrayFormat(pattern, args));
    }

    @Override
    public boolean isTraceEnabled() {
      return trace;
    }

    @Override
    public boolean isDebugEnabled() {
      return trace;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }
}
