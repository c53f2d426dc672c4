package io.hybridcni.spec;

import io.hybridcni.error.InvalidInputException;
import io.hybridcni.observe.WorkloadRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The desired network of one registered cluster. Load it from YAML with {@link SpecFiles}, or build it in Java:
 *
 * <pre>{@code
 * HybridNetworkSpec spec = HybridNetworkSpec.builder()
 *     .clusterId("c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b")
 *     .regionId("cn-hangzhou")
 *     .mode(NetworkMode.BGP)
 *     .build();
 * }</pre>
 *
 * <p>Every value is validated when built; see {@link Builder} for each field's default.
 */
public record HybridNetworkSpec(
    String clusterId,
    String regionId,
    NetworkMode mode,
    NodeLabel cloudNodeLabel,
    WorkloadRef onPremisesCni,
    String ramUserName,
    String ramPolicyName,
    PolicyDocument policyDocument,
    boolean deleteOrphanAccessKeys,
    String secretNamespace,
    String secretName,
    String addonName,
    String addonVersion,
    String addonConfig,
    ClusterIdVerification clusterIdVerifiedBy,
    String secretReadBy,
    boolean deleteCloudNodePods,
    ControllerPolicy controller) {

  public static final String DEFAULT_ADDON = "terway-eniip";
  public static final String DEFAULT_SECRET_NAMESPACE = "kube-system";
  public static final String DEFAULT_SECRET_NAME = "alibaba-addon-secret";
  /**
   * Where Terway reads its AccessKey: since v1.8.0 from {@code /var/alibaba-addon-secret/}, mounted from
   * {@code kube-system/alibaba-addon-secret} (the vendor runbook, "Terway reads its credentials").
   */
  public static final String TERWAY_SECRET_NAMESPACE = DEFAULT_SECRET_NAMESPACE;
  /** The Secret Terway mounts, see {@link #TERWAY_SECRET_NAMESPACE}. */
  public static final String TERWAY_SECRET_NAME = DEFAULT_SECRET_NAME;

  public HybridNetworkSpec {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(regionId, "regionId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(cloudNodeLabel, "cloudNodeLabel");
    Objects.requireNonNull(ramUserName, "ramUserName");
    Objects.requireNonNull(ramPolicyName, "ramPolicyName");
    Objects.requireNonNull(policyDocument, "policyDocument");
    Objects.requireNonNull(secretNamespace, "secretNamespace");
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(addonName, "addonName");
    Objects.requireNonNull(clusterIdVerifiedBy, "clusterIdVerifiedBy");
    Objects.requireNonNull(controller, "controller");
  }

  /** Whether the Secret is the one Terway mounts ({@code kube-system/alibaba-addon-secret}). */
  public boolean secretIsTerways() {
    return TERWAY_SECRET_NAMESPACE.equals(secretNamespace) && TERWAY_SECRET_NAME.equals(secretName);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The vendor's RAM user name: {@code ack-one-user-} and the first 10 characters of the cluster id. */
  public static String defaultRamUserName(String clusterId) {
    return "ack-one-user-" + clusterId.substring(0, Math.min(10, clusterId.length()));
  }

  /** The vendor's policy name: {@code ack-one-registered-cluster-policy-} and the addon name. */
  public static String defaultRamPolicyName(String addonName) {
    return "ack-one-registered-cluster-policy-" + addonName;
  }

  /**
   * A builder holding this spec's values. RAM names equal to their vendor defaults are left to default again, so
   * that changing the cluster id or the addon name on the builder moves the derived names along.
   */
  public Builder toBuilder() {
    return new Builder()
        .clusterId(clusterId)
        .regionId(regionId)
        .mode(mode)
        .cloudNodeLabel(cloudNodeLabel)
        .onPremisesCni(onPremisesCni)
        .ramUserName(ramUserName.equals(defaultRamUserName(clusterId)) ? null : ramUserName)
        .ramPolicyName(ramPolicyName.equals(defaultRamPolicyName(addonName)) ? null : ramPolicyName)
        .policyDocument(policyDocument)
        .deleteOrphanAccessKeys(deleteOrphanAccessKeys)
        .secret(secretNamespace, secretName)
        .addonName(addonName)
        .addonVersion(addonVersion)
        .addonConfig(addonConfig)
        .clusterIdVerifiedBy(clusterIdVerifiedBy)
        .secretReadBy(secretReadBy)
        .deleteCloudNodePods(deleteCloudNodePods)
        .controller(controller);
  }

  /** Fluent construction with the vendor's defaults; {@link #build()} validates every field. */
  public static final class Builder {
    private String source = "builder";
    private String clusterId;
    private String regionId;
    private NetworkMode mode = NetworkMode.AUTO;
    private NodeLabel cloudNodeLabel = NodeLabel.ALIBABA_CLOUD_EXTERNAL;
    private WorkloadRef onPremisesCni;
    private String ramUserName;
    private String ramPolicyName;
    private PolicyDocument policyDocument;
    private boolean deleteOrphanAccessKeys;
    private String secretNamespace = DEFAULT_SECRET_NAMESPACE;
    private String secretName = DEFAULT_SECRET_NAME;
    private String addonName = DEFAULT_ADDON;
    private String addonVersion;
    private String addonConfig;
    private ClusterIdVerification clusterIdVerifiedBy = ClusterIdVerification.CLUSTER;
    private String secretReadBy;
    private boolean deleteCloudNodePods = true;
    private ControllerPolicy controller = ControllerPolicy.DEFAULT;

    private Builder() {}

    /**
     * What {@code hybridcni controller} may apply by itself ({@code controller.autoApply}). Default
     * {@link ControllerPolicy#DEFAULT}: the CNI exclusion and the Secret's repair. Not part of the spec's digest.
     */
    public Builder controller(ControllerPolicy value) {
      this.controller = Objects.requireNonNull(value, "controller");
      return this;
    }

    /**
     * Whether the exclusion of cloud nodes may delete the on-premises CNI's pods that run on cloud nodes when its
     * DaemonSet's {@code updateStrategy} is {@code OnDelete} (a template change then restarts nothing, so those pods
     * would keep running). Default {@code true}; with {@code false} such pods are a blocker that names the
     * {@code kubectl} command to delete them.
     */
    public Builder deleteCloudNodePods(boolean value) {
      this.deleteCloudNodePods = value;
      return this;
    }

    /** Where the values come from, used in error messages. Default {@code builder}. */
    public Builder source(String value) {
      this.source = Objects.requireNonNull(value, "source");
      return this;
    }

    /** The ACK cluster id. Required. */
    public Builder clusterId(String value) {
      this.clusterId = value;
      return this;
    }

    /** The region id, e.g. {@code cn-hangzhou}. Required. */
    public Builder regionId(String value) {
      this.regionId = value;
      return this;
    }

    /** The on-premises network mode. Default {@link NetworkMode#AUTO}. */
    public Builder mode(NetworkMode value) {
      this.mode = Objects.requireNonNull(value, "mode");
      return this;
    }

    /** The label cloud nodes carry. Default {@code alibabacloud.com/external=true}. */
    public Builder cloudNodeLabel(NodeLabel value) {
      this.cloudNodeLabel = Objects.requireNonNull(value, "cloudNodeLabel");
      return this;
    }

    /** The on-premises CNI workload to keep off cloud nodes. Default: what detection finds. */
    public Builder onPremisesCni(WorkloadRef value) {
      this.onPremisesCni = value;
      return this;
    }

    /** The RAM user. Default {@code ack-one-user-<first 10 characters of the cluster id>}. */
    public Builder ramUserName(String value) {
      this.ramUserName = value;
      return this;
    }

    /** The custom policy. Default {@code ack-one-registered-cluster-policy-<addon name>}. */
    public Builder ramPolicyName(String value) {
      this.ramPolicyName = value;
      return this;
    }

    /** The policy document. Default: the runbook's {@link PolicyDocument#TERWAY_ENIIP_TEXT}. */
    public Builder policyDocument(PolicyDocument value) {
      this.policyDocument = value;
      return this;
    }

    /** Whether AccessKeys of the user that the Secret does not hold may be deleted. Default {@code false}. */
    public Builder deleteOrphanAccessKeys(boolean value) {
      this.deleteOrphanAccessKeys = value;
      return this;
    }

    /** The Secret that holds the AccessKey. Default {@code kube-system/alibaba-addon-secret}. */
    public Builder secret(String namespace, String name) {
      this.secretNamespace = namespace;
      this.secretName = name;
      return this;
    }

    /** The addon to install. Default {@code terway-eniip}. */
    public Builder addonName(String value) {
      this.addonName = value;
      return this;
    }

    /** The addon version. Default: none, i.e. whatever ACK installs by default, and no upgrades. */
    public Builder addonVersion(String value) {
      this.addonVersion = value;
      return this;
    }

    /** The addon config as a JSON object string. Default: none. */
    public Builder addonConfig(String value) {
      this.addonConfig = value;
      return this;
    }

    /**
     * Who vouches that the kubeconfig's cluster is the cluster id. Default {@link ClusterIdVerification#CLUSTER}:
     * the cluster must carry its id (the {@code ack.aliyun.com} label of a cloud node, or ACK's agent).
     */
    public Builder clusterIdVerifiedBy(ClusterIdVerification value) {
      this.clusterIdVerifiedBy = Objects.requireNonNull(value, "clusterIdVerifiedBy");
      return this;
    }

    /**
     * What reads the Secret when it is not the one Terway mounts ({@code kube-system/alibaba-addon-secret}), e.g.
     * {@code my-terway-fork}. Default: none, and then any other Secret location is a blocker (Terway would not
     * read it); with a value it is a warning.
     */
    public Builder secretReadBy(String value) {
      this.secretReadBy = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidInputException listing every invalid field, with its path as in the YAML form
     */
    public HybridNetworkSpec build() {
      List<InvalidInputException.Problem> problems = new ArrayList<>();
      check(problems, "cluster.id", clusterId, SpecRules::clusterIdProblem);
      check(problems, "cluster.region", regionId, SpecRules::regionProblem);
      check(problems, "network.cloudNodeLabel", cloudNodeLabel.toString(), SpecRules::labelProblem);
      if (onPremisesCni != null) {
        if (onPremisesCni.namespace() != null) {
          check(problems, "network.onPremisesCni.namespace", onPremisesCni.namespace(),
              SpecRules::namespaceProblem);
        }
        check(problems, "network.onPremisesCni.name", onPremisesCni.name(), SpecRules::objectNameProblem);
      }
      String effectiveAddon = addonName;
      check(problems, "addon.name", effectiveAddon, SpecRules::addonNameProblem);
      String user = ramUserName != null ? ramUserName
          : clusterId == null ? null : defaultRamUserName(clusterId);
      String policy = ramPolicyName != null ? ramPolicyName
          : effectiveAddon == null ? null : defaultRamPolicyName(effectiveAddon);
      if (ramUserName != null || clusterId != null) {
        check(problems, "ram.userName", user, SpecRules::ramUserProblem);
      }
      // Without an addon name there is no default policy name to check; addon.name is reported already.
      if (ramPolicyName != null || effectiveAddon != null) {
        check(problems, "ram.policyName", policy, SpecRules::ramPolicyProblem);
      }
      check(problems, "secret.namespace", secretNamespace, SpecRules::namespaceProblem);
      check(problems, "secret.name", secretName, SpecRules::objectNameProblem);
      if (addonConfig != null) {
        check(problems, "addon.config", addonConfig, AddonConfig::problemWith);
      }
      if (addonVersion != null && addonVersion.isBlank()) {
        problems.add(new InvalidInputException.Problem(source, "addon.version", "a non-empty version or no field"));
      }
      if (secretReadBy != null && (secretReadBy.isBlank() || secretReadBy.length() > 253)) {
        problems.add(new InvalidInputException.Problem(source, "secret.readBy",
            "the name of what reads the Secret (1 to 253 characters) or no field"));
      }
      if (!problems.isEmpty()) {
        throw new InvalidInputException(problems);
      }
      return new HybridNetworkSpec(clusterId, regionId, mode, cloudNodeLabel, onPremisesCni, user, policy,
          policyDocument != null ? policyDocument : PolicyDocument.terwayEniip(), deleteOrphanAccessKeys,
          secretNamespace, secretName, addonName, addonVersion,
          addonConfig == null ? null : AddonConfig.canonical(addonConfig), clusterIdVerifiedBy, secretReadBy,
          deleteCloudNodePods, controller);
    }

    private void check(List<InvalidInputException.Problem> problems, String field, String value,
        Function<String, String> rule) {
      String problem = value == null ? "a value (the field is required)" : rule.apply(value);
      if (problem != null) {
        problems.add(new InvalidInputException.Problem(source, field, problem));
      }
    }
  }
}
