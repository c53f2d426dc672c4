package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shards moving between replicas, played by {@link FixedShards}: a shard taken away mid-repair stops the member's
 * writes before the next one, because every write asks the ownership itself; the fleet then stops the member, and
 * starts it again when the shard comes back.
 */
class FleetShardsTest {

  private static final Duration WITHIN = Duration.ofSeconds(40);
  private static final int SHARDS = 4;

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
  void aShardLostMidRepairStopsTheNextWriteAndTheShardComingBackStartsTheMemberWhichFinishesTheRepair()
      throws Exception {
    world = new FleetWorld("east");
    AliyunAccount account = world.account(FleetWorld.generousLimiter());
    assertThat(world.converge("east", account).converged()).isTrue();
    world.register("east");
    int shard = ShardOwnership.shardOf(FleetWorld.HUB_NAMESPACE, "east", SHARDS);
    FixedShards shards = new FixedShards(SHARDS, Set.of(shard));
    Calls calls = new Calls();
    fleet = world.fleet(shards, account).memberListeners(key -> List.of(calls)).build();
    fleet.start();
    Await.until(WITHIN, "east Ready", () -> world.conditionIs("east", "Ready", "True"),
        () -> String.valueOf(world.resource("east").getStatus()));

    // Two drifts at once, so the repair has more than one write; the lease runs out right after the first write,
    // before the fleet hears of it.
    java.util.concurrent.atomic.AtomicInteger lostAt = new java.util.concurrent.atomic.AtomicInteger(-1);
    world.afterAction = (name, kind) -> {
      if (lostAt.compareAndSet(-1, calls.calls.size())) {
        shards.loseSilently(shard);
      }
    };
    int asked = shards.stillHeldAsked.get();
    FleetWorld.MemberCluster east = world.cluster("east");
    east.client.secrets().inNamespace(FleetWorld.KUBE_SYSTEM).withName(HybridNetworkSpec.DEFAULT_SECRET_NAME)
        .delete();
    east.overwriteCalicoAffinity();

    Await.until(WITHIN, "the shard lost after a write", () -> lostAt.get() >= 0, calls::toString);
    Await.until(WITHIN, "the repair ended", () -> calls.anyAfter(lostAt.get(), "reconciled")
        || calls.anyAfter(lostAt.get(), "failed"), calls::toString);
    List<String> before = List.copyOf(world.writes.get("east"));
    assertThat(before).as("writes after the shard was lost").hasSize(1);
    assertThat(secretPresent() && east.calicoExcludesCloudNodes()).as("both drifts repaired").isFalse();
    assertThat(shards.stillHeldAsked.get()).as("the ownership was asked before the writes").isGreaterThan(asked);

    // The fleet is told (the shard went to another replica), if its next look at held() has not noticed already:
    // it stops the member.
    shards.hold(Set.of());
    Await.until(WITHIN, "east stopped", () -> fleet.members().isEmpty(), () -> fleet.members().toString());
    assertThat(world.writes.get("east")).isEqualTo(before);

    // Back here: the member is built again and repairs what is left.
    world.afterAction = (name, kind) -> { };
    shards.hold(Set.of(shard));
    Await.until(WITHIN, "east kept again", () -> fleet.members().equals(Map.of("fleet/east", shard)),
        () -> fleet.members().toString());
    Await.until(WITHIN, "both drifts repaired", () -> secretPresent() && east.calicoExcludesCloudNodes(),
        () -> world.writes.toString());
    assertThat(world.writes.get("east")).hasSizeGreaterThan(1).startsWith(before.get(0));
    Await.until(WITHIN, "east Ready again", () -> world.conditionIs("east", "Ready", "True"),
        () -> String.valueOf(world.resource("east").getStatus()));
  }

  @Test
  void onlyTheHybridNetworksOfHeldShardsAreKeptAndAMovedShardMovesItsMembers() throws Exception {
    world = new FleetWorld("east", "west", "north", "south");
    for (String name : world.clusters.keySet()) {
      world.register(name);
    }
    Map<String, Integer> shardOf = new java.util.TreeMap<>();
    for (String name : world.clusters.keySet()) {
      shardOf.put("fleet/" + name, ShardOwnership.shardOf(FleetWorld.HUB_NAMESPACE, name, SHARDS));
    }
    int first = shardOf.get("fleet/east");
    FixedShards shards = new FixedShards(SHARDS, Set.of(first));
    fleet = world.fleet(shards, world.account(FleetWorld.generousLimiter())).build();
    fleet.start();

    Map<String, Integer> expected = new java.util.TreeMap<>(shardOf);
    expected.values().removeIf(s -> s != first);
    Await.until(WITHIN, "the members of shard " + first, () -> fleet.members().equals(expected),
        () -> fleet.members() + " (shards " + shardOf + ")");

    Set<Integer> others = new java.util.HashSet<>(shardOf.values());
    others.remove(first);
    shards.hold(others);
    Map<String, Integer> rest = new java.util.TreeMap<>(shardOf);
    rest.values().removeIf(s -> s == first);
    Await.until(WITHIN, "the members of shards " + others, () -> fleet.members().equals(rest),
        () -> fleet.members() + " (shards " + shardOf + ")");
  }

  @Test
  void aDeletedHybridNetworkStopsItsMemberAndTheOthersStay() throws Exception {
    world = new FleetWorld("east", "west");
    world.register("east");
    world.register("west");
    fleet = world.fleet(FixedShards.all(SHARDS), world.account(FleetWorld.generousLimiter())).build();
    fleet.start();
    Await.until(WITHIN, "both kept", () -> fleet.members().size() == 2, () -> fleet.members().toString());

    world.hub.resource(world.resource("east")).delete();

    Await.until(WITHIN, "east stopped", () -> !fleet.members().containsKey("fleet/east"),
        () -> fleet.members().toString());
    assertThat(fleet.members()).containsOnlyKeys("fleet/west");
  }

  private boolean secretPresent() {
    return world.cluster("east").client.secrets().inNamespace(FleetWorld.KUBE_SYSTEM)
        .withName(HybridNetworkSpec.DEFAULT_SECRET_NAME).get() != null;
  }
}
