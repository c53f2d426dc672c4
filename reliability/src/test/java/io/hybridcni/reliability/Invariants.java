package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpecBuilder;
import io.hybridcni.fixtures.Specs;
import io.hybridcni.plan.Finding;
import io.hybridcni.plan.Plan;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import io.hybridcni.testkit.aliyun.RamPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What must hold of a world after any run, crashed, faulted or not ({@link #noLostData}), and what must hold once
 * a run converged ({@link #converged}). Each answers the list of violations, empty when all hold, so that a failing
 * test can print every one of them together with the seed or crash point that led there.
 */
final class Invariants {

  static final NodeSelectorRequirement EXCLUSION = new NodeSelectorRequirementBuilder()
      .withKey("alibabacloud.com/external").withOperator("NotIn").withValues("true").build();

  private Invariants() {}

  /**
   * Nothing anyone relies on was lost or broken: calico-node keeps every original term (each either as it was or
   * with exactly the exclusion added) and every other field; the Secret, when it names an AccessKey, names a live key
   * of the user with the matching secret; the user holds at most 2 keys; the policy has one version; and every data
   * key a third party put into the Secret is still there with its value.
   */
  static List<String> noLostData(World world, Map<String, String> thirdPartyData) {
    List<String> violations = new ArrayList<>();
    violations.addAll(calicoIntact(world, false));
    Optional<Secret> secret = world.secret();
    if (secret.isPresent()) {
      Map<String, String> data = secret.get().getData() == null ? Map.of() : secret.get().getData();
      thirdPartyData.forEach((key, value) -> {
        if (!value.equals(data.get(key))) {
          violations.add("the Secret lost the key " + key + " another writer put there");
        }
      });
      String id = decoded(data.get("access-key-id"));
      if (id != null) {
        Optional<RamAccessKey> key = world.accessKeys().stream().filter(k -> k.id().equals(id)).findFirst();
        if (key.isEmpty()) {
          violations.add("the Secret names AccessKey " + id + ", which the user does not hold "
              + world.accessKeys());
        } else if (!world.aliyun().secretMatches(id, String.valueOf(decoded(data.get("access-key-secret"))))) {
          violations.add("the Secret holds a secret that is not AccessKey " + id + "'s");
        }
      }
    }
    if (world.accessKeys().size() > 2) {
      violations.add("the user holds more than 2 AccessKeys: " + world.accessKeys());
    }
    Optional<RamPolicy> policy = world.policy();
    if (policy.isPresent() && policy.get().versions().size() != 1) {
      violations.add("the policy has " + policy.get().versions().size() + " versions, expected 1: "
          + policy.get().versionIds());
    }
    return violations;
  }

  /**
   * The world matches the spec: exactly one AccessKey is referenced by the Secret (active, with the matching
   * secret), every other key of the user is reported as an orphan by {@code verification}, calico-node has the
   * exclusion in each original term and nothing else changed, the policy has one version with the spec's document
   * and is attached, and the addon is active.
   */
  static List<String> converged(World world, Plan verification) {
    List<String> violations = new ArrayList<>(noLostData(world, Map.of()));
    if (!verification.actions().isEmpty() || verification.hasBlockers()) {
      violations.add("the plan after the run is not empty: " + verification.actions().stream()
          .map(a -> a.id()).toList() + " blockers " + verification.blockers().stream().map(Finding::code).toList());
    }
    Optional<Secret> secret = world.secret();
    String held = secret.map(s -> s.getData() == null ? null : decoded(s.getData().get("access-key-id")))
        .orElse(null);
    if (held == null) {
      violations.add("the Secret " + (secret.isPresent() ? "holds no AccessKey" : "does not exist"));
    } else if (world.accessKeys().stream().noneMatch(k -> k.id().equals(held) && k.active())) {
      violations.add("the Secret's AccessKey " + held + " is not an active key of the user " + world.accessKeys());
    }
    List<String> reported = verification.findings().stream().filter(f -> f.code().equals("ORPHAN_ACCESS_KEYS"))
        .flatMap(f -> f.evidence().stream()).toList();
    for (RamAccessKey key : world.accessKeys()) {
      if (!key.id().equals(held) && reported.stream().noneMatch(e -> e.contains(key.id()))) {
        violations.add("AccessKey " + key.id() + " is neither in the Secret nor reported as an orphan "
            + "(findings " + verification.findings().stream().map(Finding::code).toList() + ")");
      }
    }
    violations.addAll(calicoIntact(world, true));
    Optional<RamPolicy> policy = world.policy();
    if (policy.isEmpty()) {
      violations.add("the policy does not exist");
    } else if (!World.spec().policyDocument().semanticallyEquals(policy.get().defaultDocument())) {
      violations.add("the policy's default document is not the spec's");
    }
    if (!world.aliyun().attachedPolicies(Specs.RAM_USER).contains(Specs.RAM_POLICY)) {
      violations.add("the policy is not attached to " + Specs.RAM_USER);
    }
    if (world.addon().map(a -> !a.active()).orElse(true)) {
      violations.add("the addon is not active: " + world.addon());
    }
    return violations;
  }

  /**
   * calico-node's original required terms, each as it was or with exactly the exclusion added ({@code excluded}:
   * each must have it), its preferred terms, nodeSelector and every other field as seeded.
   */
  static List<String> calicoIntact(World world, boolean excluded) {
    List<String> violations = new ArrayList<>();
    DaemonSet original = world.originalCalico();
    DaemonSet now = world.calico();
    if (now == null) {
      return List.of("calico-node is gone");
    }
    List<NodeSelectorTerm> before = required(original.getSpec());
    List<NodeSelectorTerm> after = required(now.getSpec());
    if (after.size() != before.size()) {
      violations.add("calico-node has " + after.size() + " required terms, it had " + before.size() + ": " + after);
    } else {
      for (int i = 0; i < before.size(); i++) {
        List<NodeSelectorRequirement> was = before.get(i).getMatchExpressions();
        List<NodeSelectorRequirement> is = after.get(i).getMatchExpressions();
        List<NodeSelectorRequirement> withExclusion = new ArrayList<>(was);
        withExclusion.add(EXCLUSION);
        boolean ok = excluded ? is.equals(withExclusion) : is.equals(was) || is.equals(withExclusion);
        if (!ok || !before.get(i).getMatchFields().equals(after.get(i).getMatchFields())) {
          violations.add("calico-node's required term " + i + " was " + was + ", is now " + is
              + (excluded ? " (expected the exclusion added to it)" : ""));
        }
      }
    }
    if (!withoutRequiredTerms(original.getSpec()).equals(withoutRequiredTerms(now.getSpec()))) {
      violations.add("calico-node changed beyond its required node selector terms");
    }
    return violations;
  }

  private static List<NodeSelectorTerm> required(DaemonSetSpec spec) {
    PodSpec pod = spec.getTemplate().getSpec();
    if (pod.getAffinity() == null || pod.getAffinity().getNodeAffinity() == null
        || pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return List.of();
    }
    return pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms();
  }

  private static DaemonSetSpec withoutRequiredTerms(DaemonSetSpec spec) {
    DaemonSetSpec copy = new DaemonSetSpecBuilder(spec).build();
    var affinity = copy.getTemplate().getSpec().getAffinity();
    if (affinity != null && affinity.getNodeAffinity() != null) {
      affinity.getNodeAffinity().setRequiredDuringSchedulingIgnoredDuringExecution(null);
    }
    return copy;
  }

  static String decoded(String base64) {
    return base64 == null ? null : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
