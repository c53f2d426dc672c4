package io.hybridcni.planner;

import io.hybridcni.observe.ClusterFacts;
import io.hybridcni.observe.ClusterIdentity;
import io.hybridcni.observe.IdentitySignal;
import io.hybridcni.observe.NamespaceFacts;
import io.hybridcni.observe.ObservedState;
import io.hybridcni.plan.Finding;
import io.hybridcni.spec.ClusterIdVerification;
import io.hybridcni.spec.HybridNetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * The checks that tie a plan to the right cluster before anything is written: the kubeconfig's cluster is
 * {@code cluster.id}, ACK's record of that cluster is in {@code cluster.region}, and the Secret goes where it can
 * be written and where Terway reads it.
 */
final class ClusterChecks {

  private ClusterChecks() {}

  /**
   * Compares the cluster ids the cluster carries with {@code cluster.id}: one matching id is a note naming the
   * signals that decided; a different id, or signals that name different ids, is a blocker; no id at all is a
   * blocker unless the spec says the operator verified it ({@code cluster.idVerifiedBy: operator}).
   */
  static List<Finding> identity(HybridNetworkSpec spec, ObservedState s) {
    ClusterIdentity identity = s.identity();
    List<IdentitySignal> signals = identity == null ? List.of() : identity.signals();
    List<String> evidence = signals.stream().map(sig -> sig.kind() + ": " + sig.describe()).toList();
    SortedSet<String> ids = identity == null ? new java.util.TreeSet<>() : identity.clusterIds();
    List<Finding> findings = new ArrayList<>();
    if (ids.size() > 1) {
      findings.add(Finding.blocker("CLUSTER_IDENTITY_CONFLICT", "The kubeconfig's cluster names more than one ACK "
          + "cluster: " + String.join(", ", signals.stream().map(IdentitySignal::describe).toList())
          + "; hybridcni cannot tell whether it is cluster.id " + spec.clusterId() + " and writes nothing. "
          + "Find out which cluster this is, and fix the node labels or the cluster profile that disagree.", evidence));
    } else if (ids.size() == 1 && !ids.first().equals(spec.clusterId())) {
      findings.add(Finding.blocker("CLUSTER_IDENTITY_MISMATCH", "The kubeconfig's cluster is ACK cluster "
          + ids.first() + ", not cluster.id " + spec.clusterId() + " (signal: " + String.join("; ",
              signals.stream().map(sig -> sig.kind() + " " + sig.where()).toList()) + "). Point --kubeconfig/"
          + "--context at cluster " + spec.clusterId() + ", or fix cluster.id.", evidence));
    } else if (ids.size() == 1) {
      findings.add(Finding.note("CLUSTER_IDENTITY_VERIFIED", "The kubeconfig's cluster is cluster.id "
          + spec.clusterId() + ", as the cluster itself says (" + String.join(", ", signals.stream()
              .map(sig -> sig.kind().name()).distinct().toList()) + ").", evidence));
    } else if (spec.clusterIdVerifiedBy() == ClusterIdVerification.OPERATOR) {
      findings.add(Finding.note("CLUSTER_IDENTITY_STATED", "Nothing in the kubeconfig's cluster names its ACK "
          + "cluster id; the spec states that the operator verified it is " + spec.clusterId()
          + " (cluster.idVerifiedBy: operator).", profileEvidence(identity)));
    } else {
      findings.add(Finding.blocker("CLUSTER_IDENTITY_UNKNOWN", "Nothing in the kubeconfig's cluster names its ACK "
          + "cluster id (no node carries the label " + ClusterIdentity.NODE_LABEL + ", and "
          + (identity != null && identity.profilePresent() ? "ACK's cluster profile " + profileAddress()
              + " names none" : "ACK's cluster profile " + profileAddress() + " was not found")
          + "), so hybridcni cannot tell whether it is cluster.id " + spec.clusterId() + ". Check that the "
          + "kubeconfig points at that cluster, then state it in the spec: cluster.idVerifiedBy: operator.",
          profileEvidence(identity)));
    }
    return findings;
  }

  private static String profileAddress() {
    return "ConfigMap " + ClusterIdentity.PROFILE_NAMESPACE + "/" + ClusterIdentity.PROFILE_NAME;
  }

  private static List<String> profileEvidence(ClusterIdentity identity) {
    if (identity == null) {
      return List.of("the cluster's identity was not observed");
    }
    return List.of(profileAddress() + (identity.profilePresent() ? " present, naming no cluster id" : " absent"),
        "no node labelled " + ClusterIdentity.NODE_LABEL);
  }

  /** A blocker when ACK reports the cluster in another region than {@code cluster.region}. */
  static List<Finding> region(HybridNetworkSpec spec, ClusterFacts cluster) {
    if (cluster == null || cluster.regionId() == null || cluster.regionId().equals(spec.regionId())) {
      return List.of();
    }
    return List.of(Finding.blocker("CLUSTER_REGION_MISMATCH", "cluster.region is " + spec.regionId()
        + " but ACK reports cluster " + cluster.clusterId() + " in region " + cluster.regionId()
        + "; fix cluster.region.", List.of("region_id=" + cluster.regionId())));
  }

  /**
   * A blocker when the Secret's namespace does not exist (found before the RAM user, policy and key are made),
   * and a blocker (or, when the spec names what reads it, a warning) when the Secret is not the one Terway mounts.
   */
  static List<Finding> secretLocation(HybridNetworkSpec spec, NamespaceFacts namespace) {
    List<Finding> findings = new ArrayList<>();
    String location = spec.secretNamespace() + "/" + spec.secretName();
    if (namespace != null && namespace.name().equals(spec.secretNamespace()) && !namespace.present()) {
      findings.add(Finding.blocker("SECRET_NAMESPACE_NOT_FOUND", "Namespace " + spec.secretNamespace()
          + " of secret.namespace does not exist, so Secret " + location + " cannot be written; nothing (no RAM "
          + "user, policy or AccessKey) is created. Create the namespace, or fix secret.namespace.",
          List.of("namespace " + spec.secretNamespace() + " absent")));
    }
    if (!spec.secretIsTerways()) {
      String terways = HybridNetworkSpec.TERWAY_SECRET_NAMESPACE + "/" + HybridNetworkSpec.TERWAY_SECRET_NAME;
      if (spec.secretReadBy() == null) {
        findings.add(Finding.blocker("SECRET_NOT_READ_BY_TERWAY", "Secret " + location + " is not the one "
            + "Terway mounts (" + terways + ", read from /var/alibaba-addon-secret/): Terway will not read the "
            + "AccessKey written there. Use " + terways + ", or name what reads it in secret.readBy.",
            List.of("secret " + location)));
      } else {
        findings.add(Finding.warning("SECRET_READ_BY_OTHER", "Secret " + location + " is not the one Terway "
            + "mounts (" + terways + "); the spec says " + spec.secretReadBy() + " reads it (secret.readBy), so "
            + "Terway itself will not.", List.of("secret " + location, "secret.readBy " + spec.secretReadBy())));
      }
    }
    return findings;
  }
}
