package io.hybridcni.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.apply.ReconcileResult;
import io.hybridcni.apply.Reconciler;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.kube.CniExclusionExecutor;
import io.hybridcni.kube.CniExclusionRemovalExecutor;
import io.hybridcni.kube.KubernetesSecretStore;
import io.hybridcni.kube.SecretDeletionExecutor;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.RamPolicyVersion;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash anywhere, on every path beyond a fresh BGP apply ({@link CrashAnywhereTest}): a destroy of a converged
 * cluster, an addon upgrade, a policy rotation at RAM's limit of 5 versions, a key rotation with orphan deletion,
 * the Tigera operator's Calico, the host network, and a brownfield cluster whose shared Secret holds another RAM
 * user's key (adopted on apply, kept on destroy). A key rotation restarts Terway (which reads its key once,
 * when it starts) before the old key goes, so the crash points include the restart. Each path starts from its own world, and its run is killed
 * before each of its actions and between the two calls or writes of an action that makes two. The crashed run
 * leaves its Lease behind; the next run, once it expired, must converge (for a destroy: leave nothing of hybridcni's
 * and delete nothing it does not own), with the invariants of {@link Invariants} checked right after the crash and
 * after that run. A watch on the RAM API checks throughout both runs that no DeleteAccessKey ever names the key the
 * Secret holds, and that the user never holds more than 2 keys.
 */
class CrashAnywhereOnEveryPathTest {

  /** The spec of the key paths: orphan keys may be deleted. */
  static final HybridNetworkSpec DELETE_ORPHANS = Specs.builder().deleteOrphanAccessKeys(true).build();
  /** The spec of the upgrade path: the addon at {@link Specs#ADDON_VERSION}, installed at {@link #OLD_ADDON}. */
  static final HybridNetworkSpec UPGRADE = Specs.builder().addonVersion(Specs.ADDON_VERSION).build();
  static final String OLD_ADDON = "v1.8.0";

  /**
   * A starting world ({@code flavour}, then {@code seed}), the spec its run applies (or destroys), the ids of the
   * actions that run plans, in order ({@code *} ends a prefix where the id holds an AccessKey id), and the first
   * of them a crash comes before: a crash before the first action wrote nothing, and the steps a path shares with
   * the fresh BGP apply (the RAM steps of the operator and host-network paths) or with another path here are
   * crashed there.
   */
  record Path(String name, World.Flavour flavour, Consumer<World> seed, HybridNetworkSpec spec, boolean destroy,
      List<String> actions, int firstCrash) {

    ReconcileResult run(Reconciler reconciler, String holder) {
      ApplyOptions options = ApplyOptions.defaults().withHolder(holder).withWaitForLock(Duration.ofMinutes(2));
      return destroy ? reconciler.destroy(spec, options) : reconciler.reconcile(spec, options);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final Path DESTROY = new Path("destroy", World.Flavour.CALICO_BGP, world -> {
    world.convergeFirst(World.spec());
    world.seedForeignSecret();
    world.seedOtherPolicyHolder();
  }, World.spec(), true, List.of("addon-uninstall", "addon-removal-wait", "cni-exclusion-removal", "secret-deletion",
      "access-key-*", "ram-policy-detachment", "ram-user-deletion"), 1);

  /** A destroy where no one else holds the policy, which has 5 versions: they go one by one, then the policy. */
  static final Path DESTROY_POLICY = new Path("destroy with the policy's versions", World.Flavour.CALICO_BGP,
      world -> {
        world.convergeFirst(World.spec());
        world.driftPolicyToTheVersionLimit();
        world.convergeFirst(World.spec());
      }, World.spec(), true, List.of("addon-uninstall", "addon-removal-wait", "cni-exclusion-removal",
          "secret-deletion", "access-key-*", "ram-policy-detachment", "ram-policy-deletion", "ram-user-deletion"), 7);

  /** Addon changes settle slowly here, so that the next run still finds the upgrade the crashed run started. */
  static final Path ADDON_UPGRADE = new Path("addon upgrade", World.Flavour.CALICO_BGP, world -> {
    world.settleAddonsAfter(8);
    world.seedAddonAt(OLD_ADDON);
    world.convergeFirst(World.spec());
  }, UPGRADE, false, List.of("addon-upgrade", "addon-wait"), 1);

  static final Path POLICY_ROTATION = new Path("policy rotation at 5 versions", World.Flavour.CALICO_BGP, world -> {
    world.convergeFirst(World.spec());
    world.driftPolicyToTheVersionLimit();
  }, World.spec(), false, List.of("ram-policy"), 1);

  /** The Secret's key was disabled in RAM, and an orphan key fills the user's second slot. */
  static final Path DISABLED_KEY = new Path("rotation of a disabled key beside an orphan", World.Flavour.CALICO_BGP,
      world -> {
        world.convergeFirst(DELETE_ORPHANS);
        world.disableSecretsKeyOutside();
        world.seedOrphanKey();
      }, DELETE_ORPHANS, false, List.of("orphan-access-key-*", "access-key-secret", "terway-restart",
          "orphan-access-key-*"), 1);

  /** The Secret's key was deleted in RAM, and an orphan key is left. */
  static final Path DELETED_KEY = new Path("rotation of a deleted key beside an orphan", World.Flavour.CALICO_BGP,
      world -> {
        world.convergeFirst(DELETE_ORPHANS);
        world.deleteSecretsKeyOutside();
        world.seedOrphanKey();
      }, DELETE_ORPHANS, false, List.of("access-key-secret", "terway-restart", "orphan-access-key-*"), 1);

  static final Path OPERATOR = new Path("Tigera operator", World.Flavour.CALICO_OPERATOR, world -> { },
      World.spec(), false, CrashAnywhereTest.FRESH_BGP_ACTIONS, 5);

  static final Path HOST_NETWORK = new Path("host network", World.Flavour.HOST_NETWORK, world -> { },
      Specs.hostNetwork(), false, List.of("ram-user", "ram-policy", "ram-policy-attachment", "access-key-secret",
          "addon-install", "addon-wait"), 4);

  /**
   * Brownfield: the shared Secret already holds the AccessKey of another RAM user (and another addon's data key), as
   * onectl or another addon's setup leaves it. The apply adopts that key: the policy is created and attached to that
   * user, and no user, key or Secret write happens on any run (checked by {@link Invariants#adoptionIntact}).
   */
  static final Path BROWNFIELD = new Path("brownfield adoption", World.Flavour.CALICO_BGP,
      World::seedBrownfieldSecret, World.spec(), false, List.of("ram-policy", "ram-policy-attachment", "cni-exclusion",
          "addon-install", "addon-wait"), 1);

  /**
   * A destroy after adoption: the addon and the exclusion go as on {@link #DESTROY} (crashed there), then only the
   * attachment hybridcni made is detached and its policy deleted; the Secret, the key and the user it adopted stay.
   */
  static final Path BROWNFIELD_DESTROY = new Path("destroy after adoption", World.Flavour.CALICO_BGP, world -> {
    world.seedBrownfieldSecret();
    world.convergeFirst(World.spec());
  }, World.spec(), true, List.of("addon-uninstall", "addon-removal-wait", "cni-exclusion-removal",
      "ram-policy-detachment", "ram-policy-deletion"), 3);

  private static World world;

  @BeforeAll
  static void start() {
    world = World.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /** Before each action of each path, and at the points inside an action that matter on that path. */
  static Stream<Arguments> crashPoints() {
    List<Arguments> points = new ArrayList<>();
    for (Path path : List.of(DESTROY, DESTROY_POLICY, ADDON_UPGRADE, POLICY_ROTATION, DISABLED_KEY, DELETED_KEY,
        OPERATOR, HOST_NETWORK, BROWNFIELD, BROWNFIELD_DESTROY)) {
      for (int step = path.firstCrash(); step < path.actions().size(); step++) {
        points.add(Arguments.of(path, Crash.Point.beforeStep(step, path.actions().get(step))));
      }
    }
    points.add(Arguments.of(DESTROY, Crash.Point.betweenWriteAndEvent("cni-exclusion-removal", "calico-node",
        CniExclusionRemovalExecutor.EVENT_REASON)));
    points.add(Arguments.of(DESTROY, Crash.Point.betweenWriteAndEvent("secret-deletion", "the Secret's deletion",
        SecretDeletionExecutor.EVENT_REASON)));
    points.add(Arguments.of(DESTROY_POLICY, Crash.Point.afterRamCall("deletePolicyVersion",
        "inside ram-policy-deletion: one non-default version deleted, the others and the policy not yet")));
    points.add(Arguments.of(POLICY_ROTATION, Crash.Point.afterRamCall("deletePolicyVersion",
        "inside ram-policy: the oldest non-default version deleted, the new default not yet created")));
    points.add(Arguments.of(POLICY_ROTATION, Crash.Point.afterRamCall("createPolicyVersion",
        "after ram-policy: the new default version created")));
    points.add(Arguments.of(DISABLED_KEY, Crash.Point.betweenKeyAndSecret()));
    points.add(Arguments.of(DISABLED_KEY, Crash.Point.betweenWriteAndEvent("access-key-secret", "the Secret",
        KubernetesSecretStore.EVENT_REASON)));
    points.add(Arguments.of(DELETED_KEY, Crash.Point.betweenKeyAndSecret()));
    points.add(Arguments.of(OPERATOR, Crash.Point.betweenWriteAndEvent("cni-exclusion", "Installation default",
        CniExclusionExecutor.EVENT_REASON)));
    points.add(Arguments.of(HOST_NETWORK, Crash.Point.betweenKeyAndSecret()));
    points.add(Arguments.of(BROWNFIELD, Crash.Point.afterRamCall("attachPolicyToUser",
        "inside ram-policy-attachment: the policy attached to the adopted user, nothing after it yet")));
    return points.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brownfieldPaths")
  void theBrownfieldPlansAreTheOnesTheCrashPointsWalk(Path path) {
    world.resetAs(path.flavour());
    path.seed().accept(world);

    Plan plan = path.destroy() ? world.reconciler().planDestroy(path.spec()) : world.reconciler().plan(path.spec());

    assertThat(plan.actions()).extracting(Action::id).containsExactlyElementsOf(path.actions());
    assertThat(plan.findings()).extracting(Finding::code)
        .contains(path.destroy() ? "ADOPTED_SECRET_KEPT" : "SECRET_KEY_ADOPTED");
  }

  static Stream<Path> brownfieldPaths() {
    return Stream.of(BROWNFIELD, BROWNFIELD_DESTROY);
  }

  @ParameterizedTest(name = "{0}: crash {1}")
  @MethodSource("crashPoints")
  void theNextRunFinishesWhatACrashedRunLeftOnThisPath(Path path, Crash.Point point) {
    world.resetAs(path.flavour());
    path.seed().accept(world);
    Crash crash = new Crash(world, point);
    Reconciler crashing = world.reconciler(new World.Wiring().executors(crash::around).secrets(crash::around)
        .ram(crash::around).lock(crash::around));

    Throwable died = catchThrowable(() -> path.run(crashing, "crashed-run"));
    assertThat(died).as("%s, crash %s", path, point).isInstanceOf(Crash.SimulatedCrash.class);
    if (point.expectedBefore() != null) {
      assertThat(crash.crashedBefore()).as("the action planned at this step")
          .matches(point.expectedBefore().replace("*", ".+"));
    }
    // The cluster and ACK go on without hybridcni: pods are placed, the addon's DaemonSet comes and goes.
    world.runControllers();
    assertThat(Invariants.noLostData(world, Map.of())).as("right after the crash %s", point).isEmpty();
    assertThat(crash.violations()).as("during the crashed run").isEmpty();

    Crash watch = new Crash(world, Crash.Point.none());
    // The dead run's Lease is taken over once this run has watched it unchanged for its lease duration, on its own
    // ticker (moved a second per look, so nothing sleeps for real), whatever its clock an hour ahead says.
    AtomicLong ticker = new AtomicLong(System.nanoTime());
    Reconciler next = world.reconciler(new World.Wiring().ram(watch::around)
        .lockClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
        .lockTicker(ticker::get).lockSleeper(d -> ticker.addAndGet(Duration.ofSeconds(1).toNanos())));
    ReconcileResult result = path.run(next, "next-run");
    world.runControllers();

    assertThat(result.converged()).as("%s, crash %s: %s", path, point, result.why()).isTrue();
    assertThat(watch.violations()).as("during the next run").isEmpty();
    assertThat(path.destroy() ? Invariants.destroyed(world, result.verification())
        : Invariants.converged(world, path.spec(), result.verification())).as("%s, crash %s", path, point).isEmpty();
    if (path == POLICY_ROTATION) {
      // Exactly the oldest non-default version went, whatever the crash: v2..v5 stay, beside the new default.
      assertThat(world.policy().orElseThrow().versions()).extracting(RamPolicyVersion::versionId)
          .containsExactly("v2", "v3", "v4", "v5", "v6");
    }
    if (path == ADDON_UPGRADE && "addon-wait".equals(point.expectedBefore())) {
      // The next run found the crashed run's upgrade still going: it waits for it, and starts no second one.
      assertThat(result.plan().actions()).extracting(Action::id)
          .containsExactly("addon-settle", "addon-upgrade", "addon-wait");
      assertThat(world.aliyun().journal().count("UpgradeClusterAddons")).isEqualTo(1);
    }
    if (path == DISABLED_KEY || path == DELETED_KEY) {
      assertThat(world.accessKeys()).as("only the Secret's new key is left").hasSize(1);
    }
  }

  @Test
  void destroyDeletesNothingWhenTheRamUserIsNotHybridcnis() {
    world.reset();
    world.aliyun().seedUser(Specs.RAM_USER);
    world.convergeFirst(World.spec());
    int keys = world.accessKeys().size();

    ReconcileResult result = DESTROY.run(world.reconciler(), "destroy-run");

    assertThat(result.plan().blockers()).extracting(Finding::code).contains("NOT_MANAGED_BY_HYBRIDCNI");
    assertThat(result.converged()).isFalse();
    Plan verification = world.reconciler().plan(World.spec());
    assertThat(Invariants.converged(world, verification)).as("everything is where the apply left it").isEmpty();
    assertThat(world.aliyun().user(Specs.RAM_USER)).isPresent();
    assertThat(world.accessKeys()).hasSize(keys);
  }
}
