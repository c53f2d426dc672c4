package io.hybridcni.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hybridcni.port.AccessKeyCredential;
import io.hybridcni.testkit.SecretForms;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the key a Secret holds, in memory, for the lookup of its owner (fabric8 mock, CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class SecretStoreReadAccessKeyTest {

  private static final String SECRET = "SharedSecretKd4Lf6Mg8Nh0Pj2Qk";

  KubernetesClient client;

  private KubernetesSecretStore store() {
    return KubernetesSecretStore.builder(client).sleeper(d -> { }).build();
  }

  @Test
  void theKeyInASharedSecretIsReadWithItsSecretMaskedInEveryRendering() {
    KubeSampleCluster.seedSharedAddonSecret(client, "LTAI5tSharedKey000001", SECRET, Map.of("region-id", "x"));

    AccessKeyCredential credential = store().readAccessKey("kube-system", "alibaba-addon-secret").orElseThrow();

    assertThat(credential.accessKeyId()).isEqualTo("LTAI5tSharedKey000001");
    assertThat(credential.accessKeySecret().reveal()).isEqualTo(SECRET);
    assertThat(SecretForms.hits(credential.toString(), SECRET)).isEmpty();
  }

  @Test
  void anAbsentSecretOrOneWithoutBothKeysReadsAsNoKey() {
    assertThat(store().readAccessKey("kube-system", "alibaba-addon-secret")).isEmpty();

    client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
        .withNamespace("kube-system").withName("alibaba-addon-secret").endMetadata().withType("Opaque")
        .addToData("access-key-id", SecretForms.base64("LTAI5tSharedKey000001")).build()).create();

    assertThat(store().readAccessKey("kube-system", "alibaba-addon-secret")).isEmpty();
  }

  @Test
  void aSecretHybridcniWroteIsNotReadForAdoption() {
    store().writeAccessKey("kube-system", "alibaba-addon-secret",
        new AccessKeyCredential("LTAI5tOwnKey0000000001", io.hybridcni.port.SecretValue.of(SECRET)));

    assertThat(store().readAccessKey("kube-system", "alibaba-addon-secret")).isEmpty();
  }
}
