package io.hybridcni.controller.resource;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.AnyType;

/**
 * The schema the CRD publishes for each section of a {@link HybridNetworkResourceSpec}, so that {@code kubectl
 * explain hybridnetwork.spec.network} documents the fields and the API server checks their types. These classes are
 * never instantiated: the resource holds each section as the JSON it was given, and {@code SpecFiles} judges it.
 *
 * <p>Every section keeps fields it does not know ({@code x-kubernetes-preserve-unknown-fields}), for two reasons: a
 * field a newer hybridcni adds to the spec reaches the controller without a CRD change, and a misspelt field is
 * refused by the same rule as in a spec file ("no such field; allowed here: ...") instead of being pruned silently
 * by the API server. Types are stated only where {@code SpecFiles} accepts exactly one, so the API server never
 * refuses what the file would accept.
 */
final class SpecSchema {

  private SpecSchema() {}

  /** The {@code cluster} section. */
  @PreserveUnknownFields
  static final class Cluster {
    @Required
    @JsonPropertyDescription("The ACK cluster id of the registered cluster, e.g. c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b.")
    public String id;
    @Required
    @JsonPropertyDescription("The region of the cluster, e.g. cn-hangzhou.")
    public String region;
    @JsonPropertyDescription("Who confirmed that the id belongs to this cluster: cluster (the default: hybridcni checks "
        + "the cluster's own signals) or operator (the person vouches for it).")
    public String idVerifiedBy;
  }

  /** The {@code network} section. */
  @PreserveUnknownFields
  static final class Network {
    @JsonPropertyDescription("The on-premises network mode: AUTO (the default: detected), OVERLAY, BGP or HOST_NETWORK.")
    public String mode;
    @JsonPropertyDescription("The label cloud nodes carry, key=value. Default alibabacloud.com/external=true.")
    public String cloudNodeLabel;
    @JsonPropertyDescription("The on-premises CNI workload to keep off cloud nodes. Default: what detection finds.")
    public OnPremisesCni onPremisesCni;
    @JsonPropertyDescription("Whether the on-premises CNI's pods on cloud nodes may be deleted when its DaemonSet "
        + "updates OnDelete. Default true.")
    public Boolean deleteCloudNodePods;
  }

  /** The {@code network.onPremisesCni} section. */
  @PreserveUnknownFields
  static final class OnPremisesCni {
    @JsonPropertyDescription("DaemonSet (the default) or Installation (a Tigera operator's Installation).")
    public String kind;
    @JsonPropertyDescription("The DaemonSet's namespace; none for an Installation.")
    public String namespace;
    @Required
    @JsonPropertyDescription("The workload's name, e.g. calico-node.")
    public String name;
  }

  /** The {@code ram} section. */
  @PreserveUnknownFields
  static final class Ram {
    @JsonPropertyDescription("The RAM user. Default ack-one-user-<first 10 characters of the cluster id>.")
    public String userName;
    @JsonPropertyDescription("The custom policy. Default ack-one-registered-cluster-policy-<addon name>.")
    public String policyName;
    @JsonPropertyDescription("The policy document as JSON text. Default: the vendor runbook's Terway policy.")
    public String policyDocument;
    @JsonPropertyDescription("Whether AccessKeys of the user that the Secret does not hold may be deleted. "
        + "Default false.")
    public Boolean deleteOrphanAccessKeys;
  }

  /** The {@code secret} section. */
  @PreserveUnknownFields
  static final class Secret {
    @JsonPropertyDescription("The namespace of the Secret holding the AccessKey. Default kube-system.")
    public String namespace;
    @JsonPropertyDescription("The Secret's name. Default alibaba-addon-secret.")
    public String name;
    @JsonPropertyDescription("Who reads the Secret when it is not the one Terway mounts, for people.")
    public String readBy;
  }

  /** The {@code addon} section. */
  @PreserveUnknownFields
  static final class Addon {
    @JsonPropertyDescription("The addon to install. Default terway-eniip.")
    public String name;
    @JsonPropertyDescription("The addon version, e.g. v1.9.0. Default: what ACK installs.")
    public String version;
    @JsonPropertyDescription("The addon's configuration: a mapping, or a JSON object as a string.")
    public AnyType config;
  }
}
