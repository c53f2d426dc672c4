package io.hybridcni.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hybridcni.fixtures.InMemoryWorld;
import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.CloudFacts;
import io.hybridcni.observe.FactScope;
import io.hybridcni.observe.KubernetesFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.Plan;
import io.hybridcni.port.CheckedReads;
import io.hybridcni.port.ClusterObserver;
import io.hybridcni.spec.HybridNetworkSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerTest {

  private final HybridNetworkSpec spec = Specs.auto();

  private static Reconciler reconciler(InMemoryWorld world) {
    return Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).build();
  }

  @Test
  void aFreshBgpClusterConvergesInOneReconcile() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());

    ReconcileResult result = reconciler(world).reconcile(spec, ApplyOptions.defaults());

    assertThat(result.converged()).as(result.why()).isTrue();
    assertThat(result.apply().outcomes()).extracting(ActionOutcome::status).containsOnly(OutcomeStatus.APPLIED);
    assertThat(world.executed()).containsExactly("ram-user", "ram-policy", "ram-policy-attachment",
        "access-key-secret", "cni-exclusion", "addon-install", "addon-wait");
    assertThat(result.verification().actions()).isEmpty();
  }

  @Test
  void beforeEachActionApplyReadsAgainOnlyTheHalfItsFingerprintNames() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    List<String> reads = new ArrayList<>();
    Reconciler reconciler = counting(world, reads);
    Plan plan = reconciler.plan(spec);
    reads.clear();

    ApplyResult result = reconciler.apply(spec, plan, ApplyOptions.defaults());

    assertThat(result.outcomes()).extracting(ActionOutcome::status).containsOnly(OutcomeStatus.APPLIED);
    // The whole state once (the stale check), then: ram-policy and the attachment read RAM; access-key-secret
    // reads RAM keys and the Secret; the exclusion reads calico-node and the nodes; the install reads the
    // cluster and the addon; the wait follows the install and relies on nothing. The first action uses the
    // stale check's reads.
    assertThat(reads.stream().filter("kubernetes"::equals).count()).isEqualTo(1 + 2);
    assertThat(reads.stream().filter("cloud"::equals).count()).isEqualTo(1 + 4);
  }

  @Test
  void givenTheCloudReadJustBeforeAKubernetesRepairAndItsVerificationReadNoCloudAtAll() {
    InMemoryWorld world = convergedButTheExclusionDropped();
    List<String> reads = new ArrayList<>();
    Reconciler reconciler = counting(world, reads);
    CloudFacts round = world.cloud().observe(spec);
    Plan plan = reconciler.plan(spec, round);
    assertThat(plan.actions()).extracting(Action::id).containsExactly("cni-exclusion");
    reads.clear();

    ApplyResult applied = reconciler.apply(spec, plan, ApplyOptions.defaults(), round);
    ReconcileResult verified = reconciler.verify(spec, plan, applied, ApplyOptions.defaults(), round);

    assertThat(verified.converged()).as(verified.why()).isTrue();
    // The exclusion's fingerprint names the nodes and calico-node, and it writes calico-node: the cluster is read
    // before the action and for the verification, the cloud neither time.
    assertThat(reads).containsExactly("kubernetes", "kubernetes");
  }

  @Test
  void withoutTheCloudReadJustBeforeTheSameRepairReadsTheWholeCloudBeforeAndAfter() {
    InMemoryWorld world = convergedButTheExclusionDropped();
    List<String> reads = new ArrayList<>();
    Reconciler reconciler = counting(world, reads);
    Plan plan = reconciler.plan(spec);
    reads.clear();

    ApplyResult applied = reconciler.apply(spec, plan, ApplyOptions.defaults());
    ReconcileResult verified = reconciler.verify(spec, plan, applied, ApplyOptions.defaults());

    assertThat(verified.converged()).as(verified.why()).isTrue();
    assertThat(reads).containsExactlyInAnyOrder("kubernetes", "cloud", "kubernetes", "cloud");
  }

  @Test
  void givenTheCloudReadJustBeforeACloudRepairReadsAgainWhatItReliesOnAndVerifiesAgainstTheCloudReadAfter() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.policyDrift());
    List<String> reads = new ArrayList<>();
    Reconciler reconciler = counting(world, reads);
    CloudFacts round = world.cloud().observe(spec);
    Plan plan = reconciler.plan(spec, round);
    assertThat(plan.actions()).extracting(Action::id).contains("ram-policy");
    reads.clear();

    ApplyResult applied = reconciler.apply(spec, plan, ApplyOptions.defaults(), round);
    ReconcileResult verified = reconciler.verify(spec, plan, applied, ApplyOptions.defaults(), round);

    assertThat(verified.converged()).as(verified.why()).isTrue();
    // The policy's facts are the cloud's: read again before the write (the decorator's default refresh reads the
    // whole half), and the policy update writes the cloud, so the verification reads it again instead of trusting
    // the round's facts, which still show the drift.
    assertThat(reads.stream().filter("cloud"::equals).count()).isEqualTo(2);
    assertThat(reads.stream().filter("kubernetes"::equals).count()).isEqualTo(2);
  }

  /** The converged BGP cluster after a re-applied calico.yaml dropped the exclusion (linux nodes only again). */
  private static InMemoryWorld convergedButTheExclusionDropped() {
    return new InMemoryWorld(SampleClusters.convergedBgp().toBuilder()
        .calico(SampleClusters.calicoBgp(SampleClusters.linuxOnly())).build());
  }

  /** A reconciler over {@code world} whose two observers note each read of their half in {@code reads}. */
  private static Reconciler counting(InMemoryWorld world, List<String> reads) {
    // Counting decorators over the real fixture: the default refresh of each port reads its whole half.
    ClusterObserver cluster = s -> {
      reads.add("kubernetes");
      return world.observe(s);
    };
    io.hybridcni.port.CloudObserver cloud = s -> {
      reads.add("cloud");
      return world.cloud().observe(s);
    };
    return Reconciler.builder().cluster(cluster).cloud(cloud).executor(world).build();
  }

  /** What a test observer put into the checked reads: which of its reads it came from. */
  private record ReadMark(String read) {}

  @Test
  void eachActionIsHandedWhatTheReadJustBeforeItKeptAndNothingAnEarlierReadKept() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    int[] refreshes = {0};
    ClusterObserver cluster = new ClusterObserver() {
      @Override
      public KubernetesFacts observe(HybridNetworkSpec s) {
        return world.observe(s);
      }

      @Override
      public KubernetesFacts observe(HybridNetworkSpec s, CheckedReads checked) {
        checked.put(ReadMark.class, new ReadMark("observation"));
        return world.observe(s);
      }

      @Override
      public KubernetesFacts refresh(HybridNetworkSpec s, KubernetesFacts previous, FactScope scope,
          CheckedReads checked) {
        checked.put(ReadMark.class, new ReadMark("re-check " + ++refreshes[0]));
        return world.observe(s);
      }
    };
    List<String> handed = new ArrayList<>();
    ActionExecutor<?> recording = world.around((action, context, step) -> {
      handed.add(action.id() + ": " + context.checked().take(ReadMark.class).map(ReadMark::read).orElse("nothing"));
      return step.get();
    });
    Reconciler reconciler = Reconciler.builder().cluster(cluster).cloud(world.cloud()).executor(recording).build();
    Plan plan = reconciler.plan(spec);

    ApplyResult result = reconciler.apply(spec, plan, ApplyOptions.defaults());

    assertThat(result.outcomes()).extracting(ActionOutcome::status).containsOnly(OutcomeStatus.APPLIED);
    // The RAM actions' re-checks read no Kubernetes part, so the cluster observer is not asked before them.
    assertThat(handed).containsExactly("ram-user: observation", "ram-policy: nothing",
        "ram-policy-attachment: nothing", "access-key-secret: re-check 1", "cni-exclusion: re-check 2",
        "addon-install: nothing", "addon-wait: nothing");
  }

  @Test
  void aFailedStepIsNotConvergedEvenWhenThePlanMadeAfterApplyIsEmpty() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    // The last step's write lands, but its answer is an error: the verification plan is empty, the step failed.
    ActionExecutor<?> committedThenFailed = world.around((action, context, step) -> {
      StepResult done = step.get();
      if (action.id().equals("addon-wait")) {
        throw InMemoryWorld.failure("waiting for the addon: 504 Gateway Timeout");
      }
      return done;
    });
    Reconciler reconciler = Reconciler.builder().cluster(world).cloud(world.cloud())
        .executor(committedThenFailed).build();

    ReconcileResult result = reconciler.reconcile(spec, ApplyOptions.defaults());

    assertThat(world.executed()).contains("addon-wait");
    assertThat(result.apply().outcome("addon-wait").status()).isEqualTo(OutcomeStatus.FAILED);
    assertThat(result.verification().actions()).isEmpty();
    assertThat(result.converged()).as(result.why()).isFalse();
    assertThat(result.why()).contains("addon-wait FAILED");
  }

  @Test
  void aConvergedClusterRunsNothing() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.convergedBgp());

    ReconcileResult result = reconciler(world).reconcile(spec, ApplyOptions.defaults());

    assertThat(result.converged()).isTrue();
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aDryRunChangesNothingAndSaysSo() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());

    ReconcileResult result = reconciler(world).reconcile(spec, ApplyOptions.defaults().withDryRun(true));

    assertThat(result.converged()).isFalse();
    assertThat(result.why()).contains("dry run");
    assertThat(result.apply().outcomes()).extracting(ActionOutcome::status).containsOnly(OutcomeStatus.DRY_RUN);
    assertThat(world.state()).isEqualTo(SampleClusters.freshBgp());
  }

  @Test
  void aFailedActionSkipsItsDependentsAndStopsTheRestByDefault() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp())
        .failOn("ram-policy", InMemoryWorld.failure("CreatePolicy on ram/policy/x failed: NoPermission"));

    ApplyResult result = reconciler(world).apply(spec, reconciler(world).plan(spec), ApplyOptions.defaults());

    assertThat(result.succeeded()).isFalse();
    assertThat(result.outcome("ram-user").status()).isEqualTo(OutcomeStatus.APPLIED);
    assertThat(result.outcome("ram-policy").status()).isEqualTo(OutcomeStatus.FAILED);
    assertThat(result.outcome("ram-policy").cause()).hasMessageContaining("NoPermission");
    assertThat(result.outcome("ram-policy-attachment").status()).isEqualTo(OutcomeStatus.SKIPPED);
    assertThat(result.outcome("ram-policy-attachment").blockedBy()).isEqualTo("ram-policy");
    assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.SKIPPED);
    assertThat(result.outcome("access-key-secret").message()).contains("stopped after ram-policy");
    assertThat(world.executed()).containsExactly("ram-user");
  }

  @Test
  void continueOnErrorRunsIndependentActionsAfterAFailure() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp())
        .failOn("ram-policy", InMemoryWorld.failure("NoPermission"));

    ApplyResult result = reconciler(world).apply(spec, reconciler(world).plan(spec),
        ApplyOptions.defaults().withContinueOnError(true));

    assertThat(world.executed()).containsExactly("ram-user", "access-key-secret", "cni-exclusion");
    assertThat(result.outcome("addon-install").status()).isEqualTo(OutcomeStatus.SKIPPED);
    assertThat(result.outcome("addon-wait").blockedBy()).isEqualTo("addon-install");
  }

  @Test
  void aSavedPlanIsRefusedWhenItsFactsChangedListingThem() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Plan saved = reconciler(world).plan(spec);
    world.change(s -> s.toBuilder().ram(s.ram().withUser(new RamFacts.User(Specs.RAM_USER, "42"))).build());

    ApplyResult result = reconciler(world).apply(spec, saved, ApplyOptions.defaults());

    assertThat(result.refused()).contains("stale").contains("ram-user");
    assertThat(result.outcome("ram-user").status()).isEqualTo(OutcomeStatus.STALE);
    assertThat(result.outcome("ram-user").changedFacts())
        .containsExactly("ram.user/" + Specs.RAM_USER + ": was absent, now present");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aFactChangedMidApplyStopsThatActionAsStale() {
    NodeInfo newcomer = SampleClusters.cloudNode("cn-hangzhou.i-bp1cloudnode0009", true, false);
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp())
        .interfereBefore("access-key-secret", s -> s.toBuilder().node(newcomer).build());

    ApplyResult result = reconciler(world).apply(spec, reconciler(world).plan(spec), ApplyOptions.defaults());

    assertThat(result.outcome("access-key-secret").status()).isEqualTo(OutcomeStatus.APPLIED);
    assertThat(result.outcome("cni-exclusion").status()).isEqualTo(OutcomeStatus.STALE);
    assertThat(result.outcome("cni-exclusion").changedFacts()).singleElement().asString()
        .startsWith("nodes.labelled/").contains("i-bp1cloudnode0009");
    assertThat(result.outcome("addon-install").status()).isEqualTo(OutcomeStatus.SKIPPED);
  }

  @Test
  void anOnPremisesNodeJoiningMidApplyLeavesTheExclusionValidSinceItsExecutorJudgesWhereCalicoRunsItself() {
    NodeInfo newcomer = new NodeInfo("onprem-9", Map.of(), null, true, false);
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp())
        .interfereBefore("access-key-secret", s -> s.toBuilder().node(newcomer).build());

    ApplyResult result = reconciler(world).apply(spec, reconciler(world).plan(spec), ApplyOptions.defaults());

    assertThat(result.outcome("cni-exclusion").status()).isEqualTo(OutcomeStatus.APPLIED);
    assertThat(result.outcome("addon-install").status()).isEqualTo(OutcomeStatus.APPLIED);
  }

  @Test
  void aPlanWithBlockersIsRefusedWithoutRunningAnything() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.mislabelledOnPremisesNode());

    ApplyResult result = reconciler(world).apply(spec, reconciler(world).plan(spec), ApplyOptions.defaults());

    assertThat(result.refused()).contains("blockers").contains("CALICO_WOULD_LEAVE_ON_PREMISES_NODE");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void aHeldLockFailsFastNamingTheHolder() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    ApplyLock held = (holder, wait) -> {
      throw new LockUnavailableException("Lease kube-system/hybridcni-apply", "ci-runner-7",
          Duration.ofSeconds(30));
    };
    Reconciler locked = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).lock(held)
        .build();

    assertThatThrownBy(() -> locked.reconcile(spec, ApplyOptions.defaults()))
        .isInstanceOf(LockUnavailableException.class)
        .hasMessageContaining("ci-runner-7").hasMessageContaining("expired in 30 s");
    assertThat(world.executed()).isEmpty();
  }

  @Test
  void theLockIsHeldForTheWholeApplyAndReleasedAfter() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    List<String> events = new ArrayList<>();
    ApplyLock lock = (holder, wait) -> {
      events.add("acquire " + holder + " " + wait);
      return () -> events.add("release");
    };
    ApplyListener listener = new ApplyListener() {
      @Override
      public void actionStarted(Action action) {
        events.add("start " + action.id());
      }
    };
    Reconciler r = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world).lock(lock).build();

    r.apply(spec, r.plan(spec), ApplyOptions.defaults().withHolder("me").withWaitForLock(Duration.ofSeconds(5))
        .withListener(listener));

    assertThat(events.get(0)).isEqualTo("acquire me PT5S");
    assertThat(events).endsWith("start addon-wait", "release").hasSize(9);
  }

  /** A lock that this process holds until {@code actionsBefore} actions have run, then loses. */
  private static ApplyLock losesAfter(InMemoryWorld world, int actionsBefore, List<String> events) {
    return (holder, wait) -> new ApplyLock.Held() {
      @Override
      public java.util.Optional<String> lost() {
        events.add("asked");
        return world.executed().size() < actionsBefore ? java.util.Optional.empty()
            : java.util.Optional.of("could not renew Lease kube-system/hybridcni-apply before its renew deadline");
      }

      @Override
      public void close() {
        events.add("release");
      }
    };
  }

  @Test
  void aLockLostMidApplyStopsBeforeTheNextActionAndSkipsTheRestSayingWhy() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    List<String> events = new ArrayList<>();
    Reconciler r = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world)
        .lock(losesAfter(world, 2, events)).build();

    ReconcileResult result = r.reconcile(spec, ApplyOptions.defaults());

    assertThat(world.executed()).containsExactly("ram-user", "ram-policy");
    ApplyResult applied = result.apply();
    assertThat(applied.succeeded()).isFalse();
    assertThat(applied.refused()).isNull();
    assertThat(applied.stopped()).isEqualTo(
        "lost the apply Lease: could not renew Lease kube-system/hybridcni-apply before its renew deadline");
    assertThat(applied.outcomes()).extracting(ActionOutcome::status).containsExactly(OutcomeStatus.APPLIED,
        OutcomeStatus.APPLIED, OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED,
        OutcomeStatus.SKIPPED, OutcomeStatus.SKIPPED);
    assertThat(applied.withStatus(OutcomeStatus.SKIPPED)).extracting(ActionOutcome::message)
        .allMatch(m -> m.startsWith("lost the apply Lease: could not renew"));
    assertThat(result.converged()).isFalse();
    assertThat(result.why()).startsWith("apply stopped: lost the apply Lease: ");
    // Asked before each of the three actions it reached, once the loss is known never again; released at the end.
    assertThat(events).containsExactly("asked", "asked", "asked", "release");
  }

  @Test
  void continueOnErrorRunsNothingMoreOnceTheLockIsLost() {
    InMemoryWorld world = new InMemoryWorld(SampleClusters.freshBgp());
    Reconciler r = Reconciler.builder().cluster(world).cloud(world.cloud()).executor(world)
        .lock(losesAfter(world, 1, new ArrayList<>())).build();

    ApplyResult result = r.apply(spec, r.plan(spec), ApplyOptions.defaults().withContinueOnError(true));

    assertThat(world.executed()).containsExactly("ram-user");
    assertThat(result.withStatus(OutcomeStatus.SKIPPED)).hasSize(6);
    assertThat(result.stopped()).startsWith("lost the apply Lease: ");
  }
}
