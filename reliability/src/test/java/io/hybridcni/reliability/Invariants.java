package io.hybridcni.reliability;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
import io.hybridcni.planner.Planner;
import io.hybridcni.spec.HybridNetworkSpec;
import io.hybridcni.testkit.aliyun.RamAccessKey;
import io.hybridcni.testkit.aliyun.RamPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What must hold of a world after any run, crashed, faulted or not ({@link #noLostData}), what must hold once
 * a run converged ({@link #converged}), and once a destroy converged ({@link #destroyed}). Each answers the list of
 * violations, empty when all hold, so that a failing test can print every one of them together with the seed or
 * crash point that led there.
 */
final class Invariants {

  static final NodeSelectorRequirement EXCLUSION = new NodeSelectorRequirementBuilder()
      .withKey("alibabacloud.com/external").withOperator("NotIn").withValues("true").build();

  private Invariants() {}

  /**
   * Nothing anyone relies on was lost or broken: calico-node keeps every original term (each either as it was or
   * with exactly the exclusion added) and every other field; the Secret, when it names an AccessKey, names a live key
   * of the user with the matching secret (unless someone else deleted that key in RAM); the user holds at most 2
   * keys; the policy has one version, or, when it held some before, at most one more and never more than RAM's 5;
   * every data key a third party put into the Secret is still there with its value; what others own beside
   * hybridcni is intact ({@link #othersIntact}); and in a brownfield world, what hybridcni adopted is as it was
   * ({@link #adoptionIntact}). "The user" is the one whose key the Secret should hold: {@link World#keyOwner()}.
   */
  static List<String> noLostData(World world, Map<String, String> thirdPartyData) {
    return noLostData(world, thirdPartyData, world.keyOwner());
  }

  /** As {@link #noLostData(World, Map)}, with {@code keyOwner} the RAM user whose key the Secret should hold. */
  static List<String> noLostData(World world, Map<String, String> thirdPartyData, String keyOwner) {
    List<String> violations = new ArrayList<>();
    List<RamAccessKey> keys = world.aliyun().accessKeys(keyOwner);
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
      if (id != null && !world.keysDeletedOutside().contains(id)) {
        Optional<RamAccessKey> key = keys.stream().filter(k -> k.id().equals(id)).findFirst();
        if (key.isEmpty()) {
          violations.add("the Secret names AccessKey " + id + ", which the user " + keyOwner + " does not hold "
              + keys);
        } else if (!world.aliyun().secretMatches(id, String.valueOf(decoded(data.get("access-key-secret"))))) {
          violations.add("the Secret holds a secret that is not AccessKey " + id + "'s");
        }
      }
    }
    if (keys.size() > 2) {
      violations.add("the user " + keyOwner + " holds more than 2 AccessKeys: " + keys);
    }
    Optional<RamPolicy> policy = world.policy();
    // hybridcni adds at most one version, deleting the oldest non-default one first at RAM's limit of 5.
    int mostVersions = Math.max(1, Math.min(Planner.MAX_POLICY_VERSIONS, world.policyVersionsBefore() + 1));
    if (policy.isPresent() && policy.get().versions().size() > mostVersions) {
      violations.add("the policy has " + policy.get().versions().size() + " versions, expected "
          + (mostVersions == 1 ? "1" : "at most " + mostVersions) + ": " + policy.get().versionIds());
    }
    violations.addAll(othersIntact(world));
    violations.addAll(adoptionIntact(world));
    return violations;
  }

  /**
   * In a brownfield world ({@link World#seedBrownfieldSecret()}), hybridcni adopted the key in the shared Secret and
   * touched nothing it adopted: the Secret's bytes are as seeded (every data key, its type and labels), no RAM user
   * was created (no {@link Specs#RAM_USER}, no CreateUser or CreateAccessKey ever sent), the adopted user holds
   * exactly its one seeded key, active, and still holds the policy it had. Empty in any other world.
   */
  static List<String> adoptionIntact(World world) {
    Secret seeded = world.adoptedSecret();
    if (seeded == null) {
      return List.of();
    }
    List<String> violations = new ArrayList<>();
    Optional<Secret> now = world.secret();
    if (now.isEmpty()) {
      violations.add("the shared Secret whose key hybridcni adopted was deleted");
    } else if (!seeded.getData().equals(now.get().getData()) || !seeded.getType().equals(now.get().getType())
        || !java.util.Objects.equals(seeded.getMetadata().getLabels(), now.get().getMetadata().getLabels())) {
      violations.add("the shared Secret whose key hybridcni adopted was changed: data keys "
          + now.get().getData().keySet() + ", labels " + now.get().getMetadata().getLabels());
    }
    if (world.aliyun().user(Specs.RAM_USER).isPresent()) {
      violations.add("hybridcni created its own RAM user " + Specs.RAM_USER + " beside the adopted key's");
    }
    List<String> creations = world.aliyun().journal().stream().map(e -> e.operation())
        .filter(op -> op.equals("CreateUser") || op.equals("CreateAccessKey")).toList();
    if (!creations.isEmpty()) {
      violations.add("a brownfield run sent " + creations);
    }
    List<RamAccessKey> keys = world.aliyun().accessKeys(World.ADOPTED_USER);
    if (world.aliyun().user(World.ADOPTED_USER).isEmpty()) {
      violations.add("the adopted key's user " + World.ADOPTED_USER + " was deleted");
    } else if (keys.size() != 1 || !keys.get(0).id().equals(world.adoptedKey().id()) || !keys.get(0).active()) {
      violations.add("the adopted user's AccessKeys changed: " + keys);
    }
    if (!world.aliyun().attachedPolicies(World.ADOPTED_USER).contains(World.ADOPTED_USER_POLICY)) {
      violations.add("the adopted user lost its own policy " + World.ADOPTED_USER_POLICY);
    }
    return violations;
  }

  /**
   * What others own beside hybridcni is as it was seeded: another addon's Secret (its data, type and labels), and
   * another team's RAM user with its AccessKey and its attachment of the (shared) policy, which must still exist.
   */
  static List<String> othersIntact(World world) {
    List<String> violations = new ArrayList<>();
    Secret seeded = world.foreignSecret();
    if (seeded != null) {
      Secret now = world.client().secrets().inNamespace(World.NAMESPACE).withName(World.FOREIGN_SECRET).get();
      if (now == null) {
        violations.add("the foreign Secret " + World.FOREIGN_SECRET + " was deleted");
      } else if (!seeded.getData().equals(now.getData()) || !seeded.getType().equals(now.getType())
          || !seeded.getMetadata().getLabels().equals(now.getMetadata().getLabels())) {
        violations.add("the foreign Secret " + World.FOREIGN_SECRET + " was changed");
      }
    }
    if (world.otherUserHoldsPolicy()) {
      if (world.aliyun().user(World.OTHER_USER).isEmpty()) {
        violations.add("the other team's RAM user " + World.OTHER_USER + " was deleted");
      } else if (world.aliyun().accessKeys(World.OTHER_USER).size() != 1) {
        violations.add("the other team's user lost its AccessKey: " + world.aliyun().accessKeys(World.OTHER_USER));
      }
      if (world.policy().isEmpty()) {
        violations.add("the policy " + Specs.RAM_POLICY + " was deleted while " + World.OTHER_USER + " holds it");
      } else if (!world.aliyun().attachedPolicies(World.OTHER_USER).contains(Specs.RAM_POLICY)) {
        violations.add("the policy was detached from " + World.OTHER_USER + ", which hybridcni does not own");
      }
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
    return converged(world, World.spec(), verification);
  }

  /**
   * As {@link #converged(World, Plan)}, for a run of {@code spec}: the addon also runs the version the spec asks
   * for, if it asks one; and calico-node's terms are judged where the world's Calico keeps them (calico-node, or
   * the Tigera Installation and the calico-node it renders; nothing on the host network).
   */
  static List<String> converged(World world, HybridNetworkSpec spec, Plan verification) {
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
    } else if (!spec.policyDocument().semanticallyEquals(policy.get().defaultDocument())) {
      violations.add("the policy's default document is not the spec's");
    }
    if (!world.aliyun().attachedPolicies(world.keyOwner()).contains(Specs.RAM_POLICY)) {
      violations.add("the policy is not attached to " + world.keyOwner());
    }
    if (world.addon().map(a -> !a.active()).orElse(true)) {
      violations.add("the addon is not active: " + world.addon());
    } else if (spec.addonVersion() != null && !spec.addonVersion().equals(world.addon().get().version())) {
      violations.add("the addon runs " + world.addon().get().version() + ", the spec asks " + spec.addonVersion());
    }
    return violations;
  }

  /**
   * A destroy converged: its verification plan is empty and has no blocker; nothing of hybridcni's is left (no
   * Secret, no RAM user of hybridcni's name nor its AccessKeys, no addon, no Terway DaemonSet, the policy gone
   * unless another principal holds it); Calico's terms are exactly as seeded (the exclusion taken out, nothing else
   * changed); and what others own is intact. In a brownfield world the shared Secret, the adopted user and its key
   * stay as seeded ({@link #adoptionIntact}) and only the policy attachment hybridcni made is gone.
   */
  static List<String> destroyed(World world, Plan verification) {
    List<String> violations = new ArrayList<>(noLostData(world, Map.of()));
    if (!verification.actions().isEmpty() || verification.hasBlockers()) {
      violations.add("the destroy plan after the run is not empty: " + verification.actions().stream()
          .map(a -> a.id()).toList() + " blockers " + verification.blockers().stream().map(Finding::code).toList());
    }
    if (world.adoptedSecret() != null) {
      // What was adopted stays (adoptionIntact, through noLostData); only the attachment hybridcni made goes.
      if (world.aliyun().attachedPolicies(World.ADOPTED_USER).contains(Specs.RAM_POLICY)) {
        violations.add("the policy is still attached to the adopted user " + World.ADOPTED_USER);
      }
    } else if (world.secret().isPresent()) {
      violations.add("hybridcni's Secret is still there");
    }
    if (world.aliyun().user(Specs.RAM_USER).isPresent() || !world.aliyun().accessKeys(Specs.RAM_USER).isEmpty()) {
      violations.add("hybridcni's RAM user or its AccessKeys are still there: "
          + world.aliyun().accessKeys(Specs.RAM_USER));
    }
    if (world.addon().isPresent()) {
      violations.add("the addon is still there: " + world.addon());
    }
    if (world.client().apps().daemonSets().inNamespace(World.NAMESPACE).withName("terway-eniip").get() != null) {
      violations.add("Terway's DaemonSet is still there");
    }
    if (!world.otherUserHoldsPolicy() && world.policy().isPresent()) {
      violations.add("the policy is still there although no one else holds it");
    }
    violations.addAll(calicoIntact(world, Exclusion.REMOVED));
    return violations;
  }

  /** Where hybridcni's exclusion may stand in calico-node's required terms, judged against the terms as seeded. */
  enum Exclusion {
    /** Each original term as it was, or with exactly the exclusion added (any moment of an apply). */
    EITHER,
    /** Each original term with exactly the exclusion added (an apply converged). */
    ADDED,
    /** Each original term exactly as it was (a destroy converged). */
    REMOVED
  }

  /**
   * calico-node's original required terms, each as it was or with exactly the exclusion added ({@code excluded}:
   * each must have it), its preferred terms, nodeSelector and every other field as seeded.
   */
  static List<String> calicoIntact(World world, boolean excluded) {
    return calicoIntact(world, excluded ? Exclusion.ADDED : Exclusion.EITHER);
  }

  /**
   * calico-node's original required terms, each as {@code mode} allows, its preferred terms, nodeSelector and every
   * other field as seeded; in the operator's world, the same of the Installation's {@code calicoNodeDaemonSet}
   * override (and the rest of the Installation as seeded). On the host network there is no Calico to judge.
   */
  static List<String> calicoIntact(World world, Exclusion mode) {
    if (world.flavour() == World.Flavour.HOST_NETWORK) {
      return List.of();
    }
    List<String> violations = new ArrayList<>();
    DaemonSet original = world.originalCalico();
    DaemonSet now = world.calico();
    if (now == null) {
      return List.of("calico-node is gone");
    }
    violations.addAll(termsIntact("calico-node", required(original.getSpec()), required(now.getSpec()), mode));
    if (!withoutRequiredTerms(original.getSpec()).equals(withoutRequiredTerms(now.getSpec()))) {
      violations.add("calico-node changed beyond its required node selector terms");
    }
    if (world.flavour() == World.Flavour.CALICO_OPERATOR) {
      GenericKubernetesResource seeded = world.originalInstallation();
      GenericKubernetesResource installation = world.installation();
      if (installation == null) {
        return List.of("Installation default is gone");
      }
      violations.addAll(termsIntact("Installation default", world.installationTerms(seeded),
          world.installationTerms(installation), mode));
      if (!withoutRequiredTerms(world, seeded).equals(withoutRequiredTerms(world, installation))) {
        violations.add("Installation default changed beyond calicoNodeDaemonSet's required node selector terms");
      }
    }
    return violations;
  }

  private static List<String> termsIntact(String what, List<NodeSelectorTerm> before, List<NodeSelectorTerm> after,
      Exclusion mode) {
    List<String> violations = new ArrayList<>();
    if (after.size() != before.size()) {
      violations.add(what + " has " + after.size() + " required terms, it had " + before.size() + ": " + after);
      return violations;
    }
    for (int i = 0; i < before.size(); i++) {
      List<NodeSelectorRequirement> was = before.get(i).getMatchExpressions();
      List<NodeSelectorRequirement> is = after.get(i).getMatchExpressions();
      List<NodeSelectorRequirement> withExclusion = new ArrayList<>(was);
      withExclusion.add(EXCLUSION);
      boolean ok = switch (mode) {
        case EITHER -> is.equals(was) || is.equals(withExclusion);
        case ADDED -> is.equals(withExclusion);
        case REMOVED -> is.equals(was);
      };
      if (!ok || !before.get(i).getMatchFields().equals(after.get(i).getMatchFields())) {
        violations.add(what + "'s required term " + i + " was " + was + ", is now " + is
            + switch (mode) {
              case EITHER -> "";
              case ADDED -> " (expected the exclusion added to it)";
              case REMOVED -> " (expected it as it was before hybridcni)";
            });
      }
    }
    return violations;
  }

  /** The Installation's spec without calicoNodeDaemonSet's required node affinity, as a plain tree. */
  @SuppressWarnings("unchecked")
  private static Object withoutRequiredTerms(World world, GenericKubernetesResource installation) {
    Map<String, Object> tree = world.client().getKubernetesSerialization().convertValue(
        installation.getAdditionalProperties().get("spec"), Map.class);
    Object node = tree;
    for (String key : List.of("calicoNodeDaemonSet", "spec", "template", "spec", "affinity", "nodeAffinity")) {
      if (!(node instanceof Map<?, ?> map)) {
        return tree;
      }
      node = ((Map<String, Object>) map).get(key);
    }
    if (node instanceof Map<?, ?> nodeAffinity) {
      ((Map<String, Object>) nodeAffinity).remove("requiredDuringSchedulingIgnoredDuringExecution");
    }
    return tree;
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
