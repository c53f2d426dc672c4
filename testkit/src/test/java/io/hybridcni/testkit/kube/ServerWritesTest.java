package io.hybridcni.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerWritesTest {

  private ServerWrites writes;
  private KubernetesMockServer server;
  private KubernetesClient writer;

  @AfterEach
  void stop() {
    writer.close();
    server.destroy();
  }

  private void start() {
    writes = ServerWrites.wrap(new KubernetesCrudDispatcher(List.of()));
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), writes, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient base = server.createClient();
    writer = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
        .withUserAgent("writer-a").build()).build();
    base.close();
  }

  @Test
  void everyWriteTheStoreTookIsRecordedInOrderWithItsSenderStatusAndBodyAndReadsAreNot() {
    start();
    long before = System.nanoTime();
    writer.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
        .endMetadata().addToData("k", "v1").build()).create();
    writer.configMaps().inNamespace("default").withName("cm").edit(cm -> {
      cm.getData().put("k", "v2");
      return cm;
    });
    writer.configMaps().inNamespace("default").withName("cm").get();

    List<ServerWrites.Write> all = writes.writes();
    assertThat(all).extracting(ServerWrites.Write::method).containsExactly("POST", "PATCH");
    assertThat(all).allSatisfy(w -> {
      assertThat(w.agent()).isEqualTo("writer-a");
      assertThat(w.succeeded()).isTrue();
      assertThat(w.nanos()).isGreaterThan(before);
    });
    assertThat(all.get(1).path()).isEqualTo("/api/v1/namespaces/default/configmaps/cm");
    assertThat(all.get(1).name()).isEqualTo("cm");
    assertThat(all.get(1).body()).contains("\"v2\"");
    assertThat(all.get(0).nanos()).isLessThanOrEqualTo(all.get(1).nanos());
    // Recording did not take the body from the store: what was written is what is read back.
    ConfigMap stored = writer.configMaps().inNamespace("default").withName("cm").get();
    assertThat(stored.getData()).containsEntry("k", "v2");
  }

  @Test
  void aWriteTheStoreRefusedIsRecordedWithItsStatus() {
    start();
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("twice").endMetadata().build();
    writer.configMaps().inNamespace("default").resource(cm).create();
    try {
      writer.configMaps().inNamespace("default").resource(cm).create();
    } catch (KubernetesClientException expected) {
      // 409 AlreadyExists
    }

    assertThat(writes.writes()).extracting(ServerWrites.Write::status).containsExactly(201, 409);
    assertThat(writes.writes(w -> !w.succeeded())).hasSize(1);
  }

  @Test
  void aRecordedWriteNeverPrintsItsBodyWhichMayHoldSecretData() {
    start();
    writer.secrets().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("alibaba-addon-secret").endMetadata()
        .addToStringData("access-key-secret", "FixtureSecretValue0123456789").build()).create();

    ServerWrites.Write write = writes.writes().get(0);
    assertThat(write.body()).contains("FixtureSecretValue0123456789");
    assertThat(write.toString()).doesNotContain("FixtureSecretValue0123456789").contains("POST")
        .contains("secrets");
  }
}
