package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.CalicoFacts;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.plan.Action;
import io.hybridcni.plan.ChangeType;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.spec.PolicyDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What destroy guarantees: destroying twice leaves nothing for the second destroy; applying a plan to a cluster
 * that holds nothing of hybridcni's and destroying it again takes the cluster back to where {@code plan} starts
 * over; and a destroy plan only deletes or waits, in an order its own edges allow.
 */
class DestroyProperties {

  private static final NodeSelectorRequirement EXCLUSION =
      NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "NotIn", "true");

  private final Planner planner = new Planner();

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void destroyingADestroyedStateHasNothingLeftToDo(@ForAll("specs") HybridNetworkSpec spec,
      @ForAll("anyStates") ObservedState state) {
    Plan destroy = planner.planDestroy(spec, state);
    Assume.that(!destroy.hasBlockers());

    ObservedState after = PlannedState.simulate(destroy, state);
    Plan again = planner.planDestroy(spec, after);

    assertThat(again.actions()).as("actions of a second destroy").isEmpty();
    assertThat(again.hasBlockers()).as("blockers of a second destroy: %s", again.blockers()).isFalse();
    assertThat(PlannedState.simulate(again, after)).isEqualTo(after);
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void applyThenDestroyThenPlanEqualsAFreshPlan(@ForAll("specs") HybridNetworkSpec spec,
      @ForAll("cleanStates") ObservedState clean) {
    Plan plan = planner.plan(spec, clean);
    Assume.that(!plan.hasBlockers());
    ObservedState applied = PlannedState.simulate(plan, clean);

    Plan destroy = planner.planDestroy(spec, applied);
    assertThat(destroy.hasBlockers()).as("blockers destroying what hybridcni applied: %s", destroy.blockers())
        .isFalse();
    ObservedState destroyed = PlannedState.simulate(destroy, applied);

    assertThat(planner.plan(spec, destroyed)).isEqualTo(plan);
    assertThat(planner.planDestroy(spec, destroyed).actions()).isEmpty();
    assertThat(planner.planDestroy(spec, clean).actions()).as("a clean state has nothing to destroy").isEmpty();
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void destroyPlansOnlyDeleteOrWaitAndListEveryActionAfterItsDependencies(
      @ForAll("specs") HybridNetworkSpec spec, @ForAll("anyStates") ObservedState state) {
    Plan destroy = planner.planDestroy(spec, state);

    assertThat(destroy.destroy()).isTrue();
    assertThat(destroy).isEqualTo(planner.planDestroy(spec, state));
    Set<String> seen = new HashSet<>();
    for (Action a : destroy.actions()) {
      assertThat(a.change()).isIn(ChangeType.DELETE, ChangeType.WAIT);
      assertThat(seen).as("dependencies of %s", a.id()).containsAll(a.dependsOn());
      seen.add(a.id());
    }
  }

  // ---- generators -----------------------------------------------------------------------------------------------

  @Provide
  Arbitrary<HybridNetworkSpec> specs() {
    Arbitrary<NetworkMode> mode = Arbitraries.of(NetworkMode.AUTO, NetworkMode.BGP, NetworkMode.HOST_NETWORK);
    Arbitrary<String> version = Arbitraries.of("v1.9.0", "v1.10.0").injectNull(0.5);
    Arbitrary<Boolean> orphans = Arbitraries.of(true, false);
    return Combinators.combine(mode, version, orphans).as((m, v, o) -> Specs.builder().mode(m).addonVersion(v)
        .deleteOrphanAccessKeys(o).build());
  }

  /** Placements of calico-node hybridcni may meet before it applies anything (none holds the exclusion). */
  private static Arbitrary<Placement> cleanPlacements() {
    return Arbitraries.of(
        SampleClusters.linuxOnly(),
        Placement.terms(NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux"))),
        new Placement(Map.of("kubernetes.io/os", "linux"), List.of(
            NodeSelectorTerm.of(NodeSelectorRequirement.of("node-role.kubernetes.io/worker", "Exists")),
            new NodeSelectorTerm(List.of(), List.of(NodeSelectorRequirement.of("metadata.name", "NotIn", "x"))),
            new NodeSelectorTerm(List.of(), List.of()))),
        Placement.terms(NodeSelectorTerm.of(
            NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "NotIn", "true", "maybe"))));
  }

  /** Placements as hybridcni leaves them, and shapes it would never write. */
  private static Arbitrary<Placement> anyPlacements() {
    return Arbitraries.oneOf(cleanPlacements(), Arbitraries.of(
        Placement.terms(NodeSelectorTerm.of(EXCLUSION)),
        new Placement(Map.of("kubernetes.io/os", "linux"), List.of(
            NodeSelectorTerm.of(NodeSelectorRequirement.of("node-role.kubernetes.io/worker", "Exists"), EXCLUSION),
            new NodeSelectorTerm(List.of(EXCLUSION),
                List.of(NodeSelectorRequirement.of("metadata.name", "NotIn", "x"))),
            new NodeSelectorTerm(List.of(), List.of()))),
        Placement.terms(NodeSelectorTerm.of(EXCLUSION, EXCLUSION)),
        Placement.terms(NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux")),
            NodeSelectorTerm.of(EXCLUSION))));
  }

  /** A cluster and account that hold nothing of hybridcni's, with Calico (if any) settled on its nodes. */
  @Provide
  Arbitrary<ObservedState> cleanStates() {
    Arbitrary<Integer> calico = Arbitraries.integers().between(0, 2);
    return Combinators.combine(nodes(), calico, cleanPlacements(), Arbitraries.of(true, false))
        .as((n, c, p, secretAbsent) -> {
          ObservedState.Builder b = ObservedState.builder().cluster(SampleClusters.registeredCluster())
              .secret(secretAbsent ? SecretFacts.absent("kube-system", "alibaba-addon-secret") : null);
          Placement placement = c == 2 ? operatorPlacement(p) : p;
          if (c == 1) {
            b.calico(SampleClusters.calicoBgp(placement));
          } else if (c == 2) {
            b.calico(operator(placement));
          }
          return SampleClusters.identified(b.nodes(settled(n, c == 0 ? null : placement, false)).build());
        });
  }

  /** Anything: hybridcni's objects, foreign ones, half-destroyed ones, busy addons, shared policies. */
  @Provide
  Arbitrary<ObservedState> anyStates() {
    Arbitrary<Integer> calico = Arbitraries.integers().between(0, 2);
    Arbitrary<AddonInstance> addon = Arbitraries.of("active", "updating", "upgrading", "deleting")
        .map(st -> new AddonInstance(Specs.ADDON, "v1.9.0", st)).injectNull(0.3);
    Arbitrary<Integer> secretKind = Arbitraries.integers().between(0, 3);
    return Combinators.combine(nodes(), calico, anyPlacements(), ram(), secretKind, addon, Arbitraries.of(true, false))
        .as((n, c, p, r, sk, a, terway) -> {
          ObservedState.Builder b = ObservedState.builder().cluster(SampleClusters.registeredCluster()).ram(r)
              .secret(secret(sk));
          Placement placement = c == 2 ? operatorPlacement(p) : p;
          if (c == 1) {
            b.calico(SampleClusters.calicoBgp(placement));
          } else if (c == 2) {
            b.calico(operator(placement));
          }
          if (a != null) {
            b.addon(a);
          }
          if (a != null || terway) {
            b.terway(new TerwayFacts(SampleClusters.terwayDaemonSet()));
          }
          return SampleClusters.identified(b.nodes(settled(n, c == 0 ? null : placement, a != null || terway))
              .build());
        });
  }

  private static Placement operatorPlacement(Placement p) {
    return new Placement(Map.of(), p.requiredTerms());
  }

  private static CalicoFacts operator(Placement placement) {
    CalicoFacts calico = SampleClusters.operatorCalico().cni().calico();
    return calico.withInstallation(calico.installation().withCalicoNodePlacement(placement))
        .withDaemonSet(calico.daemonSet().withPlacement(placement));
  }

  private static Arbitrary<List<NodeInfo>> nodes() {
    return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 3))
        .as((onPrem, cloud) -> {
          List<NodeInfo> result = new ArrayList<>();
          for (int i = 0; i < onPrem; i++) {
            result.add(SampleClusters.onPremNode("onprem-" + i, false));
          }
          for (int i = 0; i < cloud; i++) {
            result.add(SampleClusters.cloudNode("cn-hangzhou.i-bp1node" + i, false, false));
          }
          return result;
        });
  }

  /** Calico runs wherever its placement allows (as a DaemonSet does once rolled out); Terway on cloud nodes. */
  private static List<NodeInfo> settled(List<NodeInfo> nodes, Placement calico, boolean terway) {
    Placement terwayPlacement = SampleClusters.terwayDaemonSet().placement();
    return nodes.stream().map(n -> n.withRunsCalico(calico != null && calico.allows(n))
        .withRunsTerway(terway && terwayPlacement.allows(n))).toList();
  }

  private static Arbitrary<RamFacts> ram() {
    Arbitrary<Integer> user = Arbitraries.integers().between(0, 3);
    Arbitrary<Integer> versions = Arbitraries.integers().between(0, 5);
    Arbitrary<Integer> elsewhere = Arbitraries.integers().between(0, 2).injectNull(0.2);
    Arbitrary<Integer> attached = Arbitraries.integers().between(0, 2);
    Arbitrary<List<String>> keys = Arbitraries.of("Active", "Inactive").list().ofMaxSize(2);
    return Combinators.combine(user, versions, elsewhere, attached, keys).as((u, vs, others, at, ks) -> {
      // 0 absent, 1 hybridcni's, 2 someone else's, 3 comments not observed.
      RamFacts.User ramUser = switch (u) {
        case 1 -> new RamFacts.User(Specs.RAM_USER, "1", RamFacts.User.HYBRIDCNI_COMMENTS);
        case 2 -> new RamFacts.User(Specs.RAM_USER, "1", "Created by onectl");
        case 3 -> new RamFacts.User(Specs.RAM_USER, "1");
        default -> null;
      };
      List<RamFacts.AttachedPolicy> attachedPolicies = new ArrayList<>();
      if (ramUser != null && at >= 1 && vs > 0) {
        attachedPolicies.add(new RamFacts.AttachedPolicy(Specs.RAM_POLICY, "Custom"));
      }
      if (ramUser != null && at == 2) {
        attachedPolicies.add(new RamFacts.AttachedPolicy("AliyunVPCReadOnlyAccess", "System"));
      }
      RamFacts.Policy policy = null;
      if (vs > 0) {
        List<RamFacts.PolicyVersion> list = new ArrayList<>();
        for (int i = 1; i <= vs; i++) {
          list.add(new RamFacts.PolicyVersion("v" + i, i == vs, null));
        }
        Integer count = others == null ? null
            : others + (attachedPolicies.stream().anyMatch(p -> p.name().equals(Specs.RAM_POLICY)) ? 1 : 0);
        policy = new RamFacts.Policy(Specs.RAM_POLICY, "Custom", "v" + vs, list, PolicyDocument.TERWAY_ENIIP_TEXT,
            count);
      }
      List<RamFacts.AccessKey> accessKeys = new ArrayList<>();
      if (ramUser != null) {
        for (int i = 0; i < ks.size(); i++) {
          accessKeys.add(new RamFacts.AccessKey(i == 0 ? SampleClusters.FIXTURE_ACCESS_KEY_ID
              : SampleClusters.OTHER_ACCESS_KEY_ID, ks.get(i), null));
        }
      }
      return new RamFacts(ramUser, policy, attachedPolicies, accessKeys);
    });
  }

  /** 0 absent, 1 hybridcni's holding the first key, 2 hybridcni's holding another key, 3 someone else's. */
  private static SecretFacts secret(int kind) {
    return switch (kind) {
      case 0 -> SecretFacts.absent("kube-system", "alibaba-addon-secret");
      case 1 -> SampleClusters.fixtureSecret();
      case 2 -> new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "1",
          Map.of("access-key-id", ValueHash.of("LTAIformerkey"), "access-key-secret", ValueHash.of("s")),
          Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE));
      default -> new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "1",
          SampleClusters.fixtureSecret().valueHashes(), Map.of());
    };
  }
}
