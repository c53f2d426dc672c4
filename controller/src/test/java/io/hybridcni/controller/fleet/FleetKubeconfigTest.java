package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.hybridcni.controller.resource.HybridNetwork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A kubeconfig Secret that is missing, lacks its key, or holds no usable kubeconfig degrades only its own
 * HybridNetwork, with one line naming the Secret and the key and never the kubeconfig's content; fixing it starts
 * the member.
 */
class FleetKubeconfigTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final String TOKEN = "sha256~KubeconfigTokenNeverShown0123456789";

  private FleetWorld world;
  private Fleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (world != null) {
      world.close();
    }
  }

  @Test
  void aMissingSecretAWrongKeyAndABrokenKubeconfigDegradeOnlyTheirOwnHybridNetworkNamingSecretAndKey()
      throws Exception {
    world = new FleetWorld("east", "west", "north", "south");
    for (String name : world.clusters.keySet()) {
      world.register(name);
    }
    world.hub.secrets().inNamespace(FleetWorld.HUB_NAMESPACE).withName("east-kubeconfig").delete();
    putSecret("west-kubeconfig", Map.of("config", world.cluster("west").kubeconfig()));
    // Not YAML at all, with a token in it that must never reach the status or the log.
    world.putKubeconfig("north", "clusters: [ {server: http://x, token: " + TOKEN + "\n  - : :");
    world.putKubeconfig("south", world.cluster("south").kubeconfig().replace("  user:\n",
        "  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n"));

    fleet = world.fleet(FixedShards.all(2), world.account(FleetWorld.generousLimiter())).build();
    fleet.start();

    for (String name : world.clusters.keySet()) {
      Await.until(WITHIN, name + " Degraded", () -> world.conditionIs(name, "Degraded", "True"),
          () -> String.valueOf(world.resource(name).getStatus()));
      Condition degraded = world.condition(name, "Degraded");
      assertThat(degraded.getReason()).isEqualTo(Fleet.KUBECONFIG_UNAVAILABLE);
      assertThat(world.condition(name, "Ready").getStatus()).isEqualTo("False");
      assertThat(degraded.getMessage()).doesNotContain(TOKEN).doesNotContain("\n");
    }
    assertThat(world.condition("east", "Degraded").getMessage())
        .isEqualTo("Secret fleet/east-kubeconfig key kubeconfig: expected a Secret east-kubeconfig in namespace "
            + "fleet holding the cluster's kubeconfig, found no such Secret");
    assertThat(world.condition("west", "Degraded").getMessage())
        .isEqualTo("Secret fleet/west-kubeconfig key kubeconfig: expected the kubeconfig in data.kubeconfig, found "
            + "the keys [config]");
    assertThat(world.condition("north", "Degraded").getMessage())
        .startsWith("Secret fleet/north-kubeconfig key kubeconfig: expected a kubeconfig (YAML with clusters, users "
            + "and a current context), found ");
    assertThat(world.condition("south", "Degraded").getMessage())
        .isEqualTo("Secret fleet/south-kubeconfig key kubeconfig: expected inline credentials only (token, "
            + "client-certificate-data, client-key-data, certificate-authority-data), found user hybridcni exec, "
            + "which run a command or read a file of the controller's pod");
    assertThat(fleet.members()).isEmpty();
    assertThat(fleet.problems()).containsOnlyKeys("fleet/east", "fleet/west", "fleet/north", "fleet/south");

    // Fixed: the next poll of the Secrets starts the member, and its own rounds now judge the HybridNetwork.
    world.putKubeconfig("east", world.cluster("east").kubeconfig());
    Await.until(WITHIN, "east kept", () -> fleet.members().containsKey("fleet/east"), () -> fleet.problems()
        .toString());
    Await.until(WITHIN, "east no longer Degraded", () -> world.conditionIs("east", "Degraded", "False"),
        () -> String.valueOf(world.resource("east").getStatus()));
    assertThat(world.condition("east", "Blocked").getStatus()).as("a fresh cluster's plan is held").isEqualTo("True");
    assertThat(world.conditionIs("west", "Degraded", "True")).isTrue();
  }

  @Test
  void aHybridNetworkWithoutAKubeconfigSecretRefIsLeftToTheControllerOfItsOwnCluster() throws Exception {
    world = new FleetWorld("east");
    world.register("east");
    HybridNetwork own = new HybridNetwork();
    own.setMetadata(new ObjectMetaBuilder().withNamespace(FleetWorld.HUB_NAMESPACE).withName("hub-itself").build());
    own.setSpec(world.resourceSpec("east"));
    own.getSpec().setKubeconfigSecretRef(null);
    world.hub.resource(own).create();

    fleet = world.fleet(FixedShards.all(1), world.account(FleetWorld.generousLimiter())).build();
    fleet.start();

    Await.until(WITHIN, "east kept", () -> fleet.members().containsKey("fleet/east"), () -> fleet.members()
        .toString());
    Await.until(WITHIN, "east judged", () -> world.condition("east", "Degraded") != null, () -> "no status");
    assertThat(fleet.members()).containsOnlyKeys("fleet/east");
    assertThat(world.resource("hub-itself").getStatus()).isNull();
  }

  @Test
  void aChangedKubeconfigOrANewSpecGenerationBuildsTheMemberAgainAndAnUnchangedPollDoesNot() throws Exception {
    world = new FleetWorld("east", "west");
    world.register("east");
    world.register("west");
    Map<String, java.util.concurrent.atomic.AtomicInteger> builds = new java.util.concurrent.ConcurrentHashMap<>();
    fleet = world.fleet(FixedShards.all(1), world.account(FleetWorld.generousLimiter()))
        .memberListeners(key -> {
          builds.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
          return java.util.List.of();
        }).build();
    fleet.start();
    Await.until(WITHIN, "both kept", () -> fleet.members().size() == 2, () -> fleet.members().toString());
    // Several polls of the unchanged Secrets (every 500 ms here) build nothing again.
    Thread.sleep(1500);
    assertThat(builds).extractingByKeys("fleet/east", "fleet/west").allSatisfy(n -> assertThat(n.get()).isOne());

    // A rotated credential: the same server, another token.
    world.putKubeconfig("east", world.cluster("east").kubeconfig().replace("member-token-east", "rotated-token"));
    Await.until(WITHIN, "east built again", () -> builds.get("fleet/east").get() == 2, builds::toString);

    HybridNetwork edited = world.resource("west");
    edited.getSpec().setNetwork(Map.of("mode", "BGP"));
    world.hub.resource(edited).update();
    Await.until(WITHIN, "west built again", () -> builds.get("fleet/west").get() == 2, builds::toString);
    Await.until(WITHIN, "west's new generation judged", () -> world.resource("west").getStatus() != null
        && Long.valueOf(2).equals(world.resource("west").getStatus().getObservedGeneration()),
        () -> String.valueOf(world.resource("west").getStatus()));
    assertThat(builds.get("fleet/east").get()).isEqualTo(2);
    assertThat(fleet.members()).containsOnlyKeys("fleet/east", "fleet/west");
  }

  private void putSecret(String name, Map<String, String> data) {
    Base64.Encoder base64 = Base64.getEncoder();
    Map<String, String> encoded = new java.util.HashMap<>();
    data.forEach((k, v) -> encoded.put(k, base64.encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    world.hub.secrets().inNamespace(FleetWorld.HUB_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
        .withNamespace(FleetWorld.HUB_NAMESPACE).withName(name).endMetadata().withData(encoded).build())
        .createOr(existing -> existing.update());
  }
}
