package io.hybridcni.controller.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridcni.error.InvalidInputException;
import io.hybridcni.error.Sensitive;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.testkit.kube.EnableKubeApiMock;
import io.hybridcni.testkit.kube.MockRequests;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spec read from one HybridNetwork through an informer, and what wakes the controller. */
@EnableKubeApiMock
class HybridNetworkSourceTest {

  KubernetesMockServer server;
  KubernetesClient client;
  private HybridNetworkSource source;
  private final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();

  @BeforeEach
  void crd() {
    ResourceFixtures.installCrd(client);
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  /**
   * Subscribes before the informer starts, so the add of a resource that exists already is heard too: a subscriber
   * added after the start races the informer's first delivery, and then "the first view" would be heard or not.
   */
  private void start() throws Exception {
    source = HybridNetworkSource.unstarted(client, ResourceFixtures.NAMESPACE, ResourceFixtures.NAME);
    source.subscribe(() -> heard.add("change"));
    source.startWatching().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theSpecIsReadFromTheResourceAndItsGenerationRemembered() throws Exception {
    ResourceFixtures.createMinimal(client);
    start();

    assertThat(source.spec()).isEqualTo(ResourceFixtures.minimalSpec());
    assertThat(source.generation()).isEqualTo(1L);
  }

  @Test
  void theInformerWatchesOnlyTheNamedResource() throws Exception {
    ResourceFixtures.createMinimal(client);
    MockRequests.drain(server);
    start();

    assertThat(MockRequests.drain(server)).filteredOn(r -> r.pathOnly().endsWith("/hybridnetworks"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.query("fieldSelector")).isEqualTo("metadata.name%3D" + ResourceFixtures.NAME));
  }

  @Test
  void aSpecChangeWakesTheControllerWithTheNewSpec() throws Exception {
    ResourceFixtures.createMinimal(client);
    start();
    assertThat(heard.poll(10, TimeUnit.SECONDS)).as("the first view").isNotNull();
    heard.clear();

    HybridNetwork edited = ResourceFixtures.get(client);
    edited.getSpec().setNetwork(Map.of("mode", "BGP"));
    client.resource(edited).update();

    assertThat(heard.poll(10, TimeUnit.SECONDS)).as("heard the new generation").isNotNull();
    assertThat(source.spec().mode()).isEqualTo(NetworkMode.BGP);
    assertThat(source.generation()).isEqualTo(2L);
  }

  @Test
  void aStatusWriteDoesNotWakeTheController() throws Exception {
    ResourceFixtures.createMinimal(client);
    start();
    assertThat(heard.poll(10, TimeUnit.SECONDS)).as("the first view").isNotNull();
    HybridNetworkStatusWriter writer = new HybridNetworkStatusWriter(client, ResourceFixtures.NAMESPACE,
        ResourceFixtures.NAME, "replica-a", new ManualClock(Instant.parse("2026-12-03T06:00:00Z")),
        () -> Sensitive.NONE, source::generation);
    writer.leadership(true);
    writer.planned(ResourceFixtures.emptyPlan(), ResourceFixtures.healthy());
    // A later spec change is the marker: every event before it has been delivered once it is heard.
    HybridNetwork edited = ResourceFixtures.get(client);
    assertThat(edited.getStatus()).as("the status was written").isNotNull();
    edited.getSpec().setNetwork(Map.of("mode", "BGP"));
    client.resource(edited).update();

    assertThat(heard.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(heard.poll(300, TimeUnit.MILLISECONDS)).as("only the spec change was heard").isNull();
  }

  @Test
  void aMissingResourceIsNamedAndItsCreationWakesTheController() throws Exception {
    start();

    assertThatThrownBy(source::spec).isInstanceOf(InvalidInputException.class)
        .hasMessage("HybridNetwork hybridcni/registered: metadata.name: an existing HybridNetwork named registered in "
            + "namespace hybridcni, found none");

    ResourceFixtures.createMinimal(client);
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(source.spec()).isEqualTo(ResourceFixtures.minimalSpec());
  }

  @Test
  void anInvalidSpecIsRefusedNamingTheResourceAndTheField() throws Exception {
    client.resource(ResourceFixtures.resource(ResourceFixtures.NAME, ResourceFixtures.specOf("""
        cluster: {id: c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b, region: cn-hangzhou}
        network: {mode: SOMETIMES}
        """))).create();
    start();

    assertThatThrownBy(source::spec).hasMessageStartingWith("HybridNetwork hybridcni/registered: spec.network.mode: ");
    assertThat(source.generation()).as("the generation judged, for observedGeneration").isEqualTo(1L);
  }
}
