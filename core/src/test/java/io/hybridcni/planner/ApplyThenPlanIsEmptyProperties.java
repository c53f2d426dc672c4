package io.hybridcni.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridcni.fixtures.SampleClusters;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.observe.AddonInstance;
import io.hybridcni.observe.NodeInfo;
import io.hybridcni.observe.NodeSelectorRequirement;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.observe.Placement;
import io.hybridcni.observe.RamFacts;
import io.hybridcni.observe.SecretFacts;
import io.hybridcni.observe.TerwayFacts;
import io.hybridcni.observe.ValueHash;
import io.hybridcni.observe.Workload;
import io.hybridcni.observe.WorkloadRef;
import io.hybridcni.plan.Plan;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.spec.NetworkMode;
import io.hybridcni.spec.PolicyDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Our idempotence guarantee: for any observed state whose plan has no blocker, planning again against the state
 * that plan predicts yields an empty plan, and the predicted state is a fixed point of simulation. 1,700 tries
 * give over 1,000 checked states (about 40% of generated states have a blocker and are rejected).
 */
class ApplyThenPlanIsEmptyProperties {

  private final Planner planner = new Planner();

  @Property(tries = 1700, edgeCases = EdgeCasesMode.NONE)
  void applyingAPlanConverges(@ForAll("specs") HybridNetworkSpec spec, @ForAll("states") ObservedState state) {
    Plan plan = planner.plan(spec, state);
    Assume.that(!plan.hasBlockers());

    ObservedState after = PlannedState.simulate(plan, state);
    Plan again = planner.plan(spec, after);

    assertThat(again.hasBlockers()).as("blockers after apply: %s", again.blockers()).isFalse();
    assertThat(again.actions()).as("actions after apply").isEmpty();
    assertThat(PlannedState.simulate(again, after)).isEqualTo(after);
  }

  @Property(tries = 200)
  void planningIsAPureFunctionOfItsInputs(@ForAll("specs") HybridNetworkSpec spec,
      @ForAll("states") ObservedState state) {
    assertThat(planner.plan(spec, state)).isEqualTo(planner.plan(spec, state));
  }

  @Provide
  Arbitrary<HybridNetworkSpec> specs() {
    Arbitrary<NetworkMode> mode = Arbitraries.of(NetworkMode.AUTO, NetworkMode.BGP, NetworkMode.HOST_NETWORK);
    Arbitrary<String> version = Arbitraries.of("v1.9.0", "v1.10.0").injectNull(0.5);
    Arbitrary<Boolean> orphans = Arbitraries.of(true, false);
    return Combinators.combine(mode, version, orphans).as((m, v, o) -> Specs.builder().mode(m).addonVersion(v)
        .deleteOrphanAccessKeys(o).build());
  }

  @Provide
  Arbitrary<ObservedState> states() {
    Arbitrary<List<NodeInfo>> nodes = Combinators.combine(
        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 4),
        Arbitraries.of(true, false).list().ofSize(9), Arbitraries.of(true, false).list().ofSize(9))
        .as(ApplyThenPlanIsEmptyProperties::nodes);
    Arbitrary<Placement> calicoPlacement = Arbitraries.of(
        SampleClusters.linuxOnly(),
        Placement.terms(NodeSelectorTerm.of(NodeSelectorRequirement.of("kubernetes.io/os", "In", "linux"))),
        new Placement(Map.of("kubernetes.io/os", "linux"), List.of(
            NodeSelectorTerm.of(NodeSelectorRequirement.of("node-role.kubernetes.io/worker", "Exists")),
            new NodeSelectorTerm(List.of(), List.of(NodeSelectorRequirement.of("metadata.name", "NotIn", "x"))),
            new NodeSelectorTerm(List.of(), List.of()))),
        Placement.terms(NodeSelectorTerm.of(
            NodeSelectorRequirement.of(SampleClusters.CLOUD_LABEL_KEY, "NotIn", "true"))));
    Arbitrary<Boolean> bgpCalico = Arbitraries.of(true, false);
    Arbitrary<RamFacts> ram = ram();
    Arbitrary<Integer> secretKind = Arbitraries.integers().between(0, 3);
    Arbitrary<AddonInstance> addon = Combinators.combine(Arbitraries.of("v1.9.0", "v1.10.0"),
        Arbitraries.of("active", "updating", "upgrading")).as((v, st) -> new AddonInstance(Specs.ADDON, v, st))
        .injectNull(0.4);
    Arbitrary<Tuple.Tuple2<Boolean, Placement>> calico = Combinators.combine(bgpCalico, calicoPlacement)
        .as(Tuple::of);
    // Terway reading no Secret, reading it never restarted by hybridcni, or restarted for the fixture key or another.
    Arbitrary<Integer> terwayKind = Arbitraries.integers().between(0, 3);
    return Combinators.combine(nodes, calico, ram, secretKind, addon, terwayKind).as((n, c, r, sk, a, tk) -> {
      ObservedState.Builder b = ObservedState.builder().nodes(n).cluster(SampleClusters.registeredCluster())
          .ram(r).secret(secret(sk, r));
      if (c.get1()) {
        b.calico(SampleClusters.calicoBgp(c.get2()));
      }
      if (a != null) {
        b.addon(a).terway(switch (tk) {
          case 0 -> new TerwayFacts(SampleClusters.terwayDaemonSet());
          case 1 -> SampleClusters.terway();
          case 2 -> SampleClusters.terway().withRestartedForKey(
              io.hybridcni.observe.ValueHash.of(SampleClusters.FIXTURE_ACCESS_KEY_ID));
          default -> SampleClusters.terway().withRestartedForKey(io.hybridcni.observe.ValueHash.of("LTAIearlier"));
        });
      }
      return SampleClusters.identified(b.build());
    });
  }

  private static List<NodeInfo> nodes(int onPrem, int cloud, List<Boolean> calico, List<Boolean> terway) {
    List<NodeInfo> result = new ArrayList<>();
    for (int i = 0; i < onPrem; i++) {
      result.add(SampleClusters.onPremNode("onprem-" + i, calico.get(i)));
    }
    for (int i = 0; i < cloud; i++) {
      result.add(SampleClusters.cloudNode("cn-hangzhou.i-bp1node" + i, calico.get(5 + i % 4), terway.get(i)));
    }
    return result;
  }

  private static Arbitrary<RamFacts> ram() {
    Arbitrary<Boolean> user = Arbitraries.of(true, false);
    Arbitrary<Integer> policy = Arbitraries.integers().between(0, 5);
    // The default document: the runbook's, one lacking actions (a widening), one granting another action too (a
    // narrowing), one granting more (a superset, kept).
    Arbitrary<String> document = Arbitraries.of(PolicyDocument.TERWAY_ENIIP_TEXT, SampleClusters.driftedDocument(),
        SampleClusters.driftedDocumentWithExtraAction(), SampleClusters.wildcardDocument());
    Arbitrary<Boolean> attached = Arbitraries.of(true, false);
    Arbitrary<List<String>> keys = Arbitraries.of("Active", "Inactive").list().ofMaxSize(2);
    // Holders: 0 not observed (no count either), 1 not observed but counted, 2 observed, 3 observed and another
    // cluster's user holds the policy too.
    Arbitrary<Integer> holders = Arbitraries.integers().between(0, 3);
    return Combinators.combine(user, policy, document, attached, keys, holders).as((u, versions, d, at, ks, h) -> {
      RamFacts.Policy p = null;
      if (versions > 0) {
        List<RamFacts.PolicyVersion> vs = new ArrayList<>();
        for (int i = 1; i <= versions; i++) {
          vs.add(new RamFacts.PolicyVersion("v" + i, i == versions, null));
        }
        List<RamFacts.PolicyHolder> held = new ArrayList<>();
        if (u && at) {
          held.add(new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER, Specs.RAM_USER));
        }
        if (h == 3) {
          held.add(new RamFacts.PolicyHolder(RamFacts.PolicyHolder.Kind.USER, SampleClusters.OTHER_CLUSTER_USER));
        }
        p = new RamFacts.Policy(Specs.RAM_POLICY, "Custom", "v" + versions, vs, d, h == 0 ? null : held.size(),
            h < 2 ? null : held);
      }
      if (!u) {
        return new RamFacts(null, p, List.of(), List.of());
      }
      List<RamFacts.AccessKey> accessKeys = new ArrayList<>();
      for (int i = 0; i < ks.size(); i++) {
        accessKeys.add(new RamFacts.AccessKey(i == 0 ? SampleClusters.FIXTURE_ACCESS_KEY_ID
            : SampleClusters.OTHER_ACCESS_KEY_ID, ks.get(i), null));
      }
      return new RamFacts(new RamFacts.User(Specs.RAM_USER, "1"), p,
          at && p != null ? List.of(new RamFacts.AttachedPolicy(Specs.RAM_POLICY, "Custom")) : List.of(),
          accessKeys);
    });
  }

  /** 0 absent, 1 holds the first key, 2 holds it but lacks the secret value, 3 managed but holds another key. */
  private static SecretFacts secret(int kind, RamFacts ram) {
    Map<String, String> labels = Map.of(SecretFacts.MANAGED_BY_LABEL, SecretFacts.MANAGED_BY_VALUE);
    return switch (kind) {
      case 0 -> SecretFacts.absent("kube-system", "alibaba-addon-secret");
      case 1 -> SampleClusters.fixtureSecret();
      case 2 -> new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "1",
          Map.of("access-key-id", ValueHash.of(SampleClusters.FIXTURE_ACCESS_KEY_ID)), labels);
      default -> new SecretFacts("kube-system", "alibaba-addon-secret", true, "Opaque", "1",
          Map.of("access-key-id", ValueHash.of("LTAIformerkey"), "access-key-secret", ValueHash.of("s")), labels);
    };
  }
}
