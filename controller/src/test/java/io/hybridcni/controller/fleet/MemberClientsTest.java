package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridcni.kube.UserAgent;
import io.hybridcni.testkit.kube.WatchEnds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The members of one fleet build their clients on one set of shared parts ({@link MemberClients}): one
 * serialization, one (safely logging) HTTP client factory on one Vert.x, one executor. A member that stops closes only
 * its own client; the fleet closes the shared parts once, after every member.
 */
class MemberClientsTest {

  private static final Duration WITHIN = Duration.ofSeconds(40);

  private FleetWorld world;
  private Fleet fleet;
  private final Map<String, KubernetesClient> memberClients = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (world != null) {
      world.close();
    }
  }

  private void startConverged(String... names) throws InterruptedException {
    world = new FleetWorld(names);
    AliyunAccount account = world.account(FleetWorld.generousLimiter());
    for (String name : names) {
      assertThat(world.converge(name, account).converged()).as(name + " converged").isTrue();
      world.register(name);
    }
    StandardMemberWiring standard = world.wiring();
    // Records the client the fleet built for each member (by the member's API server, as FleetWorld names them).
    MemberWiring recording = (spec, cluster, connection) -> {
      memberClients.put(spec.clusterId(), cluster);
      return standard.wire(spec, cluster, connection);
    };
    fleet = world.fleet(FixedShards.all(4), account).wiring(recording).build();
    fleet.start();
    for (String name : names) {
      Await.until(WITHIN, name + " Ready", () -> world.conditionIs(name, "Ready", "True"),
          () -> String.valueOf(world.resource(name).getStatus()));
    }
  }

  @Test
  void everyMembersClientUsesTheFleetsOneSerializationAndHybridcnisUserAgent() throws Exception {
    startConverged("east", "west");

    MemberClients shared = fleet.memberClients();
    assertThat(memberClients).hasSize(2);
    assertThat(memberClients.values()).allSatisfy(c ->
        assertThat(c.getKubernetesSerialization()).isSameAs(shared.serialization()));
    assertThat(memberClients.values()).as("an API server's audit log tells hybridcni's requests apart")
        .allSatisfy(c -> assertThat(c.getConfiguration().getUserAgent()).isEqualTo(UserAgent.value()));
    assertThat(shared.clientsBuilt()).isEqualTo(2);
    assertThat(memberClients.get(world.cluster("east").clusterId).getMasterUrl())
        .isNotEqualTo(memberClients.get(world.cluster("west").clusterId).getMasterUrl());
  }

  @Test
  void aStoppedMembersCloseLeavesTheSharedPartsToTheOthersWhichStillRepairADrift() throws Exception {
    startConverged("east", "west");

    world.hub.resources(io.hybridcni.controller.resource.HybridNetwork.class).inNamespace(FleetWorld.HUB_NAMESPACE)
        .withName("west").delete();
    Await.until(WITHIN, "west no longer kept", () -> !fleet.members().containsKey("fleet/west"),
        () -> fleet.members().toString());
    KubernetesClient west = memberClients.get(world.cluster("west").clusterId);
    // The member is closed off the fleet's thread: its client's HTTP client is closed once that ran.
    Await.until(WITHIN, "west's client closed", () -> west.getHttpClient().isClosed(), () -> "open");
    assertThat(fleet.memberClients().closed()).isFalse();

    world.cluster("east").overwriteCalicoAffinity();

    Await.until(WITHIN, "east repaired", () -> world.cluster("east").calicoExcludesCloudNodes(),
        () -> world.writes.toString());
    assertThat(world.writes.get("east")).containsExactly("EXCLUDE_CLOUD_NODES_FROM_CNI");
    assertThat(world.writes.get("west")).isEmpty();
  }

  @Test
  void closingTheFleetClosesTheSharedPartsOnceAfterItsMembersWithoutRefusedTasks() throws Exception {
    startConverged("east", "west");
    MemberClients shared = fleet.memberClients();
    List<KubernetesClient> clients = List.copyOf(memberClients.values());

    String logged = capturingStandardError(() -> {
      fleet.close();
      fleet.close();
    });
    fleet = null;

    assertThat(shared.closed()).isTrue();
    assertThat(clients).allSatisfy(c -> assertThat(c.getHttpClient().isClosed()).isTrue());
    // What a client left on a closed Vert.x logs (netty refusing its tasks): none of it.
    assertThat(logged).doesNotContain("RejectedExecutionException").doesNotContain("ERROR");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> shared.client(clients.get(0).getConfiguration()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void closingAThousandClientsWithOpenWatchesWaitsForTheirConnectionsToEndAndLogsNoRefusedTasks() throws Exception {
    // One mock API server for all: what matters is the count of connections open on the shared Vert.x when the
    // clients close (a thousand members hold a thousand HTTP connections and more watches). With a fixed pause of
    // 500 ms before the Vert.x closed, netty refused the close notifications of the connections still closing, one
    // ERROR line each (1,194 lines for 1,500 clients when it was found).
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        WatchEnds.wrap(new KubernetesCrudDispatcher(List.of())), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try {
      Config config;
      try (KubernetesClient base = server.createClient()) {
        config = base.getConfiguration();
      }
      MemberClients shared = MemberClients.create();
      List<KubernetesClient> clients = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        KubernetesClient client = shared.client(new ConfigBuilder(config).build());
        clients.add(client);
        client.configMaps().inNamespace("default").watch(new Watcher<ConfigMap>() {
          @Override
          public void eventReceived(Action action, ConfigMap resource) {
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        });
      }
      assertThat(shared.openConnections()).as("connections open before the close").isGreaterThanOrEqualTo(1000);

      String logged = capturingStandardError(() -> {
        clients.forEach(KubernetesClient::close);
        shared.close();
      });

      assertThat(shared.openConnections()).isZero();
      assertThat(logged).doesNotContain("RejectedExecutionException").doesNotContain("ERROR");
    } finally {
      server.destroy();
    }
  }

  private static String capturingStandardError(Runnable body) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        captured.write(b);
        original.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        captured.write(b, off, len);
        original.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      body.run();
      // Closing ends threads whose last lines may follow the close by a moment.
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
