package io.hybridcni.controller.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.testkit.kube.FaultDispatcher;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three registered clusters on three mock API servers, kept by one fleet: one member's API server stops (connection
 * refused) or hangs, and only its HybridNetwork is Degraded while the other two still repair a drift.
 */
class FleetIsolationTest {

  private static final Duration WITHIN = Duration.ofSeconds(40);

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

  private void startConverged() throws InterruptedException {
    world = new FleetWorld("east", "west", "north");
    AliyunAccount account = world.account(FleetWorld.generousLimiter());
    for (String name : world.clusters.keySet()) {
      assertThat(world.converge(name, account).converged()).as(name + " converged").isTrue();
      world.register(name);
    }
    fleet = world.fleet(FixedShards.all(4), account).build();
    fleet.start();
    for (String name : world.clusters.keySet()) {
      Await.until(WITHIN, name + " Ready", () -> world.conditionIs(name, "Ready", "True"),
          () -> String.valueOf(world.resource(name).getStatus()));
    }
    assertThat(fleet.members()).containsOnlyKeys("fleet/east", "fleet/west", "fleet/north");
  }

  @Test
  void aMemberWhoseApiServerIsStoppedIsDegradedAloneWhileTheOthersStillRepairADrift() throws Exception {
    startConverged();

    world.cluster("west").server.destroy();
    degradedAloneWhileTheOthersRepair("west");
  }

  @Test
  void aMemberWhoseApiServerHangsIsDegradedAloneWhileTheOthersStillRepairADrift() throws Exception {
    startConverged();

    List<FaultDispatcher.KubeFault> hang = world.cluster("west").hang();
    degradedAloneWhileTheOthersRepair("west");
    assertThat(hang.stream().mapToInt(FaultDispatcher.KubeFault::fired).sum()).as("requests that hung")
        .isPositive();
  }

  private void degradedAloneWhileTheOthersRepair(String away) throws InterruptedException {
    long start = System.nanoTime();
    world.cluster("east").overwriteCalicoAffinity();
    world.cluster("north").overwriteCalicoAffinity();

    Duration east = Await.until(WITHIN, "east repaired", () -> world.cluster("east").calicoExcludesCloudNodes(),
        () -> world.writes.toString());
    Duration north = Await.until(WITHIN, "north repaired", () -> world.cluster("north").calicoExcludesCloudNodes(),
        () -> world.writes.toString());
    Await.until(WITHIN, away + " Degraded", () -> world.conditionIs(away, "Degraded", "True"),
        () -> String.valueOf(world.resource(away).getStatus()));
    System.out.println("with " + away + " away: east repaired after " + east.toMillis() + " ms, north after "
        + (Duration.ofNanos(System.nanoTime() - start).toMillis()) + " ms (" + north.toMillis() + " ms more)");

    assertThat(world.condition(away, "Degraded").getMessage()).contains("unreachable")
        .contains(world.cluster(away).client.getMasterUrl().getPort() + "");
    assertThat(world.writes.get("east")).containsExactly("EXCLUDE_CLOUD_NODES_FROM_CNI");
    assertThat(world.writes.get("north")).containsExactly("EXCLUDE_CLOUD_NODES_FROM_CNI");
    assertThat(world.writes.get(away)).isEmpty();
    for (String name : List.of("east", "north")) {
      Await.until(WITHIN, name + " Ready again", () -> world.conditionIs(name, "Ready", "True"),
          () -> String.valueOf(world.resource(name).getStatus()));
      assertThat(world.conditionIs(name, "Degraded", "True")).as(name + " Degraded").isFalse();
    }
  }
}
