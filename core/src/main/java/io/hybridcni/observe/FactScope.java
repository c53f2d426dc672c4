package io.hybridcni.observe;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which parts of the observed state an apply must read again before one action: the parts its fingerprint's facts
 * are computed from, and nothing else. Built by {@code io.hybridcni.planner.Facts#scope} from fact keys, served by
 * the observers' {@code refresh}, which read only these parts and keep the rest of the previous observation.
 *
 * @param ramUsers users whose record (existence, comments) is read
 * @param ramUserAttachments users whose attached policies are read
 * @param ramUserAccessKeys users whose AccessKeys are read
 * @param ramPolicies policies whose record, versions and default document are read
 * @param ramPolicyHolders policies whose holders are read
 * @param clusters ACK clusters whose record is read
 * @param addons addons whose instance is read
 * @param secrets Secrets read, as {@code namespace/name}
 * @param workloads workloads whose placement and update strategy are read
 * @param nodes whether the nodes (names, the labels placements look at, provider ids) are read
 * @param calicoPods whether on which nodes Calico's pods run is read (with the nodes: it is a property of each)
 */
public record FactScope(Set<String> ramUsers, Set<String> ramUserAttachments, Set<String> ramUserAccessKeys,
    Set<String> ramPolicies, Set<String> ramPolicyHolders, Set<String> clusters, Set<String> addons,
    Set<String> secrets, Set<WorkloadRef> workloads, boolean nodes, boolean calicoPods) {

  /** Nothing to read. */
  public static final FactScope NOTHING = new FactScope(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(),
      Set.of(), Set.of(), Set.of(), false, false);

  public FactScope {
    ramUsers = Set.copyOf(ramUsers);
    ramUserAttachments = Set.copyOf(ramUserAttachments);
    ramUserAccessKeys = Set.copyOf(ramUserAccessKeys);
    ramPolicies = Set.copyOf(ramPolicies);
    ramPolicyHolders = Set.copyOf(ramPolicyHolders);
    clusters = Set.copyOf(clusters);
    addons = Set.copyOf(addons);
    secrets = Set.copyOf(secrets);
    workloads = Set.copyOf(workloads);
    if (calicoPods && !nodes) {
      throw new IllegalArgumentException("where Calico's pods run is a property of the nodes: calicoPods needs nodes");
    }
  }

  /** Whether any RAM or ACK part is to be read. */
  public boolean touchesCloud() {
    return !ramUsers.isEmpty() || !ramUserAttachments.isEmpty() || !ramUserAccessKeys.isEmpty()
        || !ramPolicies.isEmpty() || !ramPolicyHolders.isEmpty() || !clusters.isEmpty() || !addons.isEmpty();
  }

  /** Whether any Kubernetes part is to be read. */
  public boolean touchesKubernetes() {
    return !secrets.isEmpty() || !workloads.isEmpty() || nodes;
  }

  /** Every user any RAM part names. */
  public Set<String> allRamUsers() {
    Set<String> all = new TreeSet<>(ramUsers);
    all.addAll(ramUserAttachments);
    all.addAll(ramUserAccessKeys);
    return all;
  }

  /** Every policy any RAM part names. */
  public Set<String> allRamPolicies() {
    Set<String> all = new TreeSet<>(ramPolicies);
    all.addAll(ramPolicyHolders);
    return all;
  }
}
