package io.hybridcni.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hybridcni.error.Sensitive;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The credentials of a client's configuration, as the controller masks them in a HybridNetwork's status. */
class ClientCredentialsTest {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.token-body-Qw8Er7Ty6";
  private static final String PASSWORD = "basic-auth-Pw5Lk4Jh3";
  private static final String KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIClientKeyBodyZx9Cv8Bn7\n"
      + "-----END EC PRIVATE KEY-----\n";

  @Test
  void theTokenPasswordAndClientKeyOfTheClientAreMaskedInEveryFormAMessageMayHoldThem() {
    String keyData = Base64.getEncoder().encodeToString(KEY_PEM.getBytes(StandardCharsets.UTF_8));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl("https://127.0.0.1:6443").withOauthToken(TOKEN).withUsername("admin").withPassword(PASSWORD)
        .withClientKeyData(keyData).build()).build()) {
      Sensitive sensitive = new ClientCredentials(client).get();

      String message = "denied: token " + TOKEN + ", password " + PASSWORD + ", key " + keyData + ", key body "
          + "MHcCAQEEIClientKeyBodyZx9Cv8Bn7";
      String masked = sensitive.mask(message);

      assertThat(masked).doesNotContain(TOKEN.substring(0, Sensitive.WINDOW)).doesNotContain(PASSWORD)
          .doesNotContain(keyData.substring(0, Sensitive.WINDOW)).doesNotContain("ClientKeyBody")
          .startsWith("denied: token " + Sensitive.MASK);
    }
  }

  @Test
  void aClientWithoutCredentialsMasksNoValue() {
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl("https://127.0.0.1:6443").build()).build()) {
      assertThat(new ClientCredentials(client).get().knowsNoValue()).isTrue();
    }
  }
}
