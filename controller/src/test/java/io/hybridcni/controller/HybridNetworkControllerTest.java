package io.hybridcni.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridcni.apply.ActionExecutor;
import io.hybridcni.apply.ApplyLock;
import io.hybridcni.apply.ApplyOptions;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.kube.CniExclusionExecutor;
import io.hybridcni.kube.KubernetesStatusObserver;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ActionKind;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.kube.KubeSampleCluster;
import io.hybridcni.testkit.kube.MockRequests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller on the fabric8 mock (CRUD mode, whose watches feed it) and the fake Aliyun through the real SDK:
 * drift is repaired through apply's own path, and what the spec does not let it repair is held with nothing written.
 */
class HybridNetworkControllerTest {

  private static final Duration DEBOUNCE = Duration.ofMillis(100);
  private static final Duration WITHIN = Duration.ofSeconds(20);

  private ControllerWorld world;
  private HybridNetworkController controller;
  private final List<String> writes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startWorld() {
    world = ControllerWorld.start();
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    world.close();
  }

  private HybridNetworkController controller(HybridNetworkSpec spec, Recorder recorder) {
    KubernetesClient own = world.newClient();
    UnaryOperator<ActionExecutor<?>> record = e -> e.around((action, context, step) -> {
      writes.add(action.kind().name());
      return step.get();
    });
    controller = HybridNetworkController.builder()
        .spec(spec)
        .writer(world.applyLease(own).build(), lock -> world.reconciler(own, lock, record))
        .planning(world.observer(own), world.cloud(own))
        .changes(Watches.daemonSetsAndSecrets(own))
        .debounce(DEBOUNCE)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .applyOptions(ApplyOptions.defaults().withStatusTimeout(Duration.ZERO))
        .identity("controller-0")
        .listener(recorder)
        .build();
    controller.start();
    return controller;
  }

  @Test
  void aRepairOfTheCalicoAffinityReadsNoCloudSinceTheRepairNeitherReliesOnNorWritesACloudFact()
      throws Exception {
    assertThat(world.converge().converged()).isTrue();
    try (KubernetesClient reader = world.newClient()) {
      world.aliyun.clearJournal();
      world.cloud(reader).observe(ControllerWorld.spec());
    }
    int oneObservation = world.aliyun.journal().size();
    assertThat(oneObservation).as("calls of one cloud observation").isPositive();
    Recorder recorder = new Recorder();
    controller(ControllerWorld.spec(), recorder);
    recorder.await(0, WITHIN, c -> c.name().equals("planned") && c.plan().isEmpty());
    int mark = recorder.size();
    world.aliyun.clearJournal();

    world.overwriteCalicoAffinity();
    Recorder.Call repaired = recorder.await(mark, WITHIN, c -> c.name().equals("reconciled"));

    assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    // The debounced round reads no cloud (the last poll's facts), and the write path's plan neither. The exclusion's
    // fingerprint names no cloud fact and it writes none, so apply's check of the plan's facts and its verification
    // read the cluster alone. Before, each of the two observed the whole cloud (2 x oneObservation calls).
    assertThat(world.aliyun.journal().operations()).as("the Aliyun calls of the repair").isEmpty();
  }

  @Test
  void anOverwrittenCalicoAffinityIsRepairedWithinTheDebounceAndARoundAndTheRepairIsRecordedAsAnEvent()
      throws Exception {
    assertThat(world.converge().converged()).isTrue();
    Recorder recorder = new Recorder();
    controller(ControllerWorld.spec(), recorder);
    recorder.await(0, WITHIN, c -> c.name().equals("planned") && c.plan().isEmpty());
    assertThat(controller.ready()).isTrue();
    long eventsBefore = exclusionEvents();

    int mark = recorder.size();
    long overwrittenAt = System.nanoTime();
    world.overwriteCalicoAffinity();
    assertThat(world.calicoExcludesCloudNodes()).isFalse();

    Recorder.Call repaired = recorder.await(mark, WITHIN, c -> c.name().equals("reconciled"));
    Duration latency = Duration.ofNanos(System.nanoTime() - overwrittenAt);
    assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    assertThat(repaired.result().plan().actions()).extracting(Action::kind)
        .containsExactly(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI);
    assertThat(world.calicoExcludesCloudNodes()).isTrue();
    assertThat(exclusionEvents()).isEqualTo(eventsBefore + 1);
    assertThat(writes).containsExactly("EXCLUDE_CLOUD_NODES_FROM_CNI");
    System.out.println("drift repaired " + latency.toMillis() + " ms after the overwrite (debounce "
        + DEBOUNCE.toMillis() + " ms)");
    assertThat(latency).isLessThan(DEBOUNCE.plus(Duration.ofSeconds(10)));
  }

  @Test
  void aRepairRefusedAsStaleIsPlannedAgainAtOnceAndConvergesWithoutWaitingTheBackoff() throws Exception {
    assertThat(world.converge().converged()).isTrue();
    KubernetesClient own = world.newClient();
    ApplyLock lease = world.applyLease(own).build();
    AtomicInteger acquired = new AtomicInteger();
    // Between the live plan and its re-check, the first repair's world moves: a cloud node joins (the exclusion's
    // nodes.labelled fact changes).
    ApplyLock moving = (holder, wait) -> {
      ApplyLock.Held held = lease.acquire(holder, wait);
      if (acquired.incrementAndGet() == 1) {
        Node joined = world.client.nodes().withName(KubeSampleCluster.CLOUD_NODE).get();
        String name = "cn-hangzhou.i-bp1cloudnode0002";
        joined.setMetadata(new ObjectMetaBuilder().withName(name)
            .withLabels(new java.util.HashMap<>(joined.getMetadata().getLabels())).build());
        joined.getMetadata().getLabels().put("kubernetes.io/hostname", name);
        joined.getSpec().setProviderID(name);
        world.client.nodes().resource(joined).create();
      }
      return held;
    };
    Duration backoff = Duration.ofMinutes(5);
    Recorder recorder = new Recorder();
    List<String> statusesBeforeRepairs = new CopyOnWriteArrayList<>();
    ControllerListener statuses = new ControllerListener() {
      @Override
      public void planned(io.hybridcni.plan.Plan plan, io.hybridcni.status.NetworkStatus status) {
        if (!plan.isEmpty()) {
          statusesBeforeRepairs.add(status == null ? "none" : "read");
        }
      }
    };
    controller = HybridNetworkController.builder()
        .spec(ControllerWorld.spec())
        .writer(moving, lock -> world.reconciler(own, lock, UnaryOperator.identity()))
        .planning(world.observer(own), world.cloud(own))
        .changes(Watches.daemonSetsAndSecrets(own))
        .debounce(DEBOUNCE)
        .backoff(backoff, backoff)
        .applyOptions(ApplyOptions.defaults().withStatusTimeout(Duration.ZERO))
        .status(new KubernetesStatusObserver(own))
        .identity("controller-0")
        .listener(recorder, statuses)
        .build();
    controller.start();
    recorder.await(0, WITHIN, c -> c.name().equals("planned") && c.plan().isEmpty());

    int mark = recorder.size();
    world.overwriteCalicoAffinity();

    Recorder.Call superseded = recorder.await(mark, WITHIN, c -> c.name().equals("superseded"));
    assertThat(superseded.why()).startsWith("the plan is stale: ").contains("nodes.labelled/")
        .contains("cn-hangzhou.i-bp1cloudnode0002");
    long refusedAt = System.nanoTime();
    Recorder.Call repaired = recorder.await(recorder.calls().indexOf(superseded) + 1, WITHIN,
        c -> c.name().equals("reconciled") || c.name().equals("failed"));
    assertThat(repaired.name()).isEqualTo("reconciled");
    assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - refusedAt)).as("no backoff was waited").isLessThan(backoff);
    assertThat(world.calicoExcludesCloudNodes()).isTrue();
    assertThat(acquired).as("the apply Lease was kept for the retry at once, not released and taken again")
        .hasValue(1);
    // Released once the round that repaired ends, right after it reported the repair.
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (world.client.leases().inNamespace(ControllerWorld.NAMESPACE).withName("hybridcni-apply").get() != null
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(world.client.leases().inNamespace(ControllerWorld.NAMESPACE).withName("hybridcni-apply").get())
        .as("released once the round that repaired ended").isNull();
    assertThat(recorder.calls("failed")).isEmpty();
    assertThat(statusesBeforeRepairs).as("the rounds that went on to repair read no status first")
        .hasSizeGreaterThanOrEqualTo(2).containsOnly("none");
  }

  @Test
  void aRoundWhoseCachesShowWorkTheApiServerNoLongerShowsEndsAsAnEmptyPlanWithNothingWritten() throws Exception {
    assertThat(world.converge().converged()).isTrue();
    // The planning side sees a cluster that still drifts (a second mock server standing in for caches that lag the
    // API server); the writer's live plan reads the converged one. A real cache lags for a moment after a repair by
    // someone else, or when it missed its sync timeout.
    try (ControllerWorld lagging = ControllerWorld.start()) {
      assertThat(lagging.converge().converged()).isTrue();
      lagging.overwriteCalicoAffinity();
      KubernetesClient own = world.newClient();
      Recorder recorder = new Recorder();
      controller = HybridNetworkController.builder()
          .spec(ControllerWorld.spec())
          .writer(world.applyLease(own).build(), lock -> world.reconciler(own, lock, e -> e.around(
              (action, context, step) -> {
                writes.add(action.kind().name());
                return step.get();
              })))
          .planning(lagging.observer(lagging.newClient()), world.cloud(own))
          .changes(Watches.daemonSetsAndSecrets(own))
          .debounce(DEBOUNCE)
          .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
          .applyOptions(ApplyOptions.defaults().withStatusTimeout(Duration.ZERO))
          .status(new KubernetesStatusObserver(own))
          .identity("controller-0")
          .listener(recorder)
          .build();
      controller.start();

      Recorder.Call cached = recorder.await(0, WITHIN, c -> c.name().equals("planned") && !c.plan().isEmpty());
      assertThat(cached.plan().actions()).extracting(Action::kind)
          .containsExactly(ActionKind.EXCLUDE_CLOUD_NODES_FROM_CNI);
      Recorder.Call ended = recorder.await(recorder.calls().indexOf(cached) + 1, WITHIN, c -> true);
      assertThat(ended.name()).as("the call that ends the round").isEqualTo("planned");
      assertThat(ended.plan().isEmpty()).as("the live plan the round ended with").isTrue();
      assertThat(writes).isEmpty();
      assertThat(world.calicoExcludesCloudNodes()).isTrue();
    }
  }

  private long exclusionEvents() {
    return world.client.v1().events().inNamespace(ControllerWorld.NAMESPACE).list().getItems().stream()
        .filter(e -> CniExclusionExecutor.EVENT_REASON.equals(e.getReason())).count();
  }

  @Test
  void aDeletedSecretIsWrittenAgainWithANewKeyAndTerwayIsRestartedToReadIt() throws Exception {
    assertThat(world.converge().converged()).isTrue();
    String user = ControllerWorld.spec().ramUserName();
    String keyBefore = keyId(secret());
    Recorder recorder = new Recorder();
    controller(ControllerWorld.spec(), recorder);
    recorder.await(0, WITHIN, c -> c.name().equals("planned") && c.plan().isEmpty());

    int mark = recorder.size();
    world.client.secrets().inNamespace(ControllerWorld.NAMESPACE).withName(HybridNetworkSpec.DEFAULT_SECRET_NAME)
        .delete();

    Recorder.Call repaired = recorder.await(mark, WITHIN, c -> c.name().equals("reconciled"));
    assertThat(repaired.result().converged()).as(repaired.result().why()).isTrue();
    List<ActionKind> kinds = repaired.result().plan().actions().stream().map(Action::kind).toList();
    assertThat(kinds).contains(ActionKind.ENSURE_ACCESS_KEY_SECRET);
    String keyAfter = keyId(secret());
    assertThat(keyAfter).isNotEqualTo(keyBefore);
    assertThat(world.aliyun.accessKeys(user)).extracting(k -> k.id()).contains(keyAfter);
    // Terway reads its key once, at start: the planner pairs the new key with a restart of its pods.
    assertThat(kinds).contains(ActionKind.RESTART_TERWAY);
    assertThat(world.client.apps().daemonSets().inNamespace(ControllerWorld.NAMESPACE).withName("terway-eniip").get()
        .getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("kubectl.kubernetes.io/restartedAt");
    // The old key is an orphan: a delete, not in the default policy, and not even planned without the spec's leave.
    assertThat(writes).doesNotContain("DELETE_ORPHAN_ACCESS_KEY");
  }

  private Secret secret() {
    return world.client.secrets().inNamespace(ControllerWorld.NAMESPACE)
        .withName(HybridNetworkSpec.DEFAULT_SECRET_NAME).get();
  }

  private static String keyId(Secret secret) {
    return new String(Base64.getDecoder().decode(secret.getData().get("access-key-id")), StandardCharsets.UTF_8);
  }

  @Test
  void aPlanWithABlockerIsHeldWithItsReasonAndNothingIsWritten() throws Exception {
    // A Secret Terway does not read, and nothing named that reads it: the planner blocks.
    HybridNetworkSpec blocked = Specs.builder().secret("kube-system", "not-terways").build();
    MockRequests.drain(world.server);
    Recorder recorder = new Recorder();
    controller(blocked, recorder);

    Recorder.Call held = recorder.await(0, WITHIN, c -> c.name().equals("held"));
    controller.changed();
    recorder.await(recorder.calls().indexOf(held) + 1, WITHIN, c -> c.name().equals("held"));

    assertThat(held.why()).startsWith("the plan has blockers: ").doesNotContain("\n");
    assertThat(held.plan().hasBlockers()).isTrue();
    assertThat(recorder.calls("reconciled")).isEmpty();
    assertThat(writes).isEmpty();
    assertThat(MockRequests.drain(world.server)).filteredOn(r -> !r.method().equals("GET")).isEmpty();
  }

  @Test
  void aPlanWithAnActionOutsideAutoApplyIsHeldAndAnEmptyListReportsOnly() throws Exception {
    // A fresh cluster: the plan creates the RAM user, the policy, the key, the addon: none of that is a repair.
    MockRequests.drain(world.server);
    Recorder recorder = new Recorder();
    controller(ControllerWorld.spec().toBuilder().controller(io.hybridcni.spec.ControllerPolicy.REPORT_ONLY)
        .build(), recorder);

    Recorder.Call held = recorder.await(0, WITHIN, c -> c.name().equals("held"));

    assertThat(held.why()).contains("outside controller.autoApply []").contains("ENSURE_RAM_USER")
        .doesNotContain("\n");
    assertThat(writes).isEmpty();
    assertThat(MockRequests.drain(world.server)).filteredOn(r -> !r.method().equals("GET")).isEmpty();
  }
}
