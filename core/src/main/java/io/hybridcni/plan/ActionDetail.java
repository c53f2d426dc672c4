package io.hybridcni.plan;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.hybridcni.observe.Frozen;
import io.hybridcni.observe.NodeSelectorTerm;
import io.hybridcni.observe.UpdateStrategy;
import io.hybridcni.observe.WorkloadRef;
import java.util.List;
import java.util.Objects;

/**
 * What exactly an action does, in the typed form an executor reads. Every value here was decided by the planner;
 * executors add nothing of their own. No detail ever holds a secret value.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ActionDetail.RamUser.class, name = "ram_user"),
    @JsonSubTypes.Type(value = ActionDetail.RamPolicy.class, name = "ram_policy"),
    @JsonSubTypes.Type(value = ActionDetail.PolicyAttachment.class, name = "ram_policy_attachment"),
    @JsonSubTypes.Type(value = ActionDetail.OrphanAccessKey.class, name = "orphan_access_key"),
    @JsonSubTypes.Type(value = ActionDetail.AccessKeySecret.class, name = "access_key_secret"),
    @JsonSubTypes.Type(value = ActionDetail.TerwayRestart.class, name = "terway_restart"),
    @JsonSubTypes.Type(value = ActionDetail.CniExclusion.class, name = "cni_exclusion"),
    @JsonSubTypes.Type(value = ActionDetail.Addon.class, name = "addon"),
    @JsonSubTypes.Type(value = ActionDetail.AddonWait.class, name = "addon_wait"),
    @JsonSubTypes.Type(value = ActionDetail.AddonUninstall.class, name = "addon_uninstall"),
    @JsonSubTypes.Type(value = ActionDetail.AddonRemovalWait.class, name = "addon_removal_wait"),
    @JsonSubTypes.Type(value = ActionDetail.CniExclusionRemoval.class, name = "cni_exclusion_removal"),
    @JsonSubTypes.Type(value = ActionDetail.SecretDeletion.class, name = "secret_deletion"),
    @JsonSubTypes.Type(value = ActionDetail.AccessKeyDeletion.class, name = "access_key_deletion"),
    @JsonSubTypes.Type(value = ActionDetail.PolicyDetachment.class, name = "ram_policy_detachment"),
    @JsonSubTypes.Type(value = ActionDetail.RamPolicyDeletion.class, name = "ram_policy_deletion"),
    @JsonSubTypes.Type(value = ActionDetail.RamUserDeletion.class, name = "ram_user_deletion")
})
public sealed interface ActionDetail {

  /**
   * A detail that acts on one ACK cluster, named by its id: a saved plan's check refuses one whose id is not the
   * plan's own cluster, so a plan made for one cluster can never install or remove an addon on another.
   */
  interface OnCluster {
    /** The ACK cluster the action acts on. */
    String clusterId();
  }

  /** Create the RAM user. */
  record RamUser(String userName) implements ActionDetail {
    public RamUser {
      Objects.requireNonNull(userName, "userName");
    }
  }

  /**
   * Create the custom policy, or add a new default version with {@code document}. When the policy already holds
   * RAM's maximum of versions, {@code deleteVersionFirst} names the oldest non-default version to delete first.
   */
  record RamPolicy(String policyName, String document, boolean newVersion, String deleteVersionFirst)
      implements ActionDetail {
    public RamPolicy {
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(document, "document");
    }
  }

  /** Attach the custom policy to the user. */
  record PolicyAttachment(String userName, String policyName, String policyType) implements ActionDetail {
    public PolicyAttachment {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(policyType, "policyType");
    }
  }

  /**
   * Delete an AccessKey of the user that the spec's Secret does not hold (only when the spec allows it). The Secret
   * is read again right before the delete: a key it names by then is kept.
   */
  record OrphanAccessKey(String userName, String accessKeyId, String secretNamespace, String secretName)
      implements ActionDetail {
    public OrphanAccessKey {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretNamespace, "secretNamespace");
      Objects.requireNonNull(secretName, "secretName");
    }
  }

  /**
   * Create a new AccessKey for the user and write it at once to the Secret (keys {@code access-key-id} and
   * {@code access-key-secret}); if that write fails for good, the new key is deleted again. A key a
   * {@code CreateAccessKey} made whose answer was lost is unusable (its secret is only in that answer, so no one
   * holds it): it is deleted, but never while a Secret names it.
   */
  record AccessKeySecret(String userName, String secretNamespace, String secretName, boolean secretExists)
      implements ActionDetail {
    public AccessKeySecret {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(secretNamespace, "secretNamespace");
      Objects.requireNonNull(secretName, "secretName");
    }
  }

  /**
   * Restart the Terway DaemonSet {@code daemonSet} as {@code kubectl rollout restart} does, so that its pods read
   * the AccessKey now in Secret {@code secretNamespace/secretName}: the pod template gains the annotations
   * {@code kubectl.kubernetes.io/restartedAt} (the executor's time) and
   * {@code hybridcni.io/restarted-for-access-key} (the hash of the key id the Secret holds when it runs), written
   * with the {@code resourceVersion} read just before; then the rollout is waited for.
   */
  record TerwayRestart(WorkloadRef daemonSet, String secretNamespace, String secretName) implements ActionDetail {
    public TerwayRestart {
      Objects.requireNonNull(daemonSet, "daemonSet");
      Objects.requireNonNull(secretNamespace, "secretNamespace");
      Objects.requireNonNull(secretName, "secretName");
    }
  }

  /**
   * Replace the required node selector terms of {@code target} ({@link WorkloadRef#termsFieldPath()}) from
   * {@code before} to {@code after}, which adds {@code key NotIn [value]} to every non-empty term. Written with
   * the read {@code resourceVersion}.
   *
   * <p>What the change restarts, as planned: {@code rolledOut} is the DaemonSet whose pods run calico-node (the
   * target itself, or for a Tigera Installation the {@code calico-system/calico-node} the operator renders), with
   * its {@code updateStrategy} and pod {@code podSelector} ({@code kubectl -l} syntax). Under RollingUpdate the
   * controller restarts calico-node on every node, {@code maxUnavailable} at a time, and removes it from cloud
   * nodes. Under OnDelete it restarts nothing: {@code deletePodsOnNodes} names the cloud nodes whose calico pods
   * the action deletes, one at a time (empty when there are none, or the spec's
   * {@code network.deleteCloudNodePods} is false). {@code null}/empty in plans written before these fields.
   */
  record CniExclusion(WorkloadRef target, String resourceVersion, String labelKey, String labelValue,
      List<NodeSelectorTerm> before, List<NodeSelectorTerm> after, WorkloadRef rolledOut,
      UpdateStrategy updateStrategy, String podSelector, List<String> deletePodsOnNodes) implements ActionDetail {
    public CniExclusion {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(labelKey, "labelKey");
      Objects.requireNonNull(labelValue, "labelValue");
      before = Frozen.list(before);
      after = Frozen.list(after);
      deletePodsOnNodes = Frozen.list(deletePodsOnNodes);
    }

    /** An exclusion that says nothing of what it restarts. */
    public CniExclusion(WorkloadRef target, String resourceVersion, String labelKey, String labelValue,
        List<NodeSelectorTerm> before, List<NodeSelectorTerm> after) {
      this(target, resourceVersion, labelKey, labelValue, before, after, null, null, null, List.of());
    }
  }

  /**
   * Install the addon ({@code fromVersion} is {@code null}) or upgrade it from {@code fromVersion}. A {@code null}
   * {@code toVersion} means ACK's default version. {@code config} is a JSON object string or {@code null}.
   */
  record Addon(String clusterId, String name, String fromVersion, String toVersion, String config)
      implements ActionDetail, OnCluster {
    public Addon {
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(name, "name");
    }
  }

  /** Wait until the addon instance is {@code active} (at {@code version} when one is set). */
  record AddonWait(String clusterId, String name, String version) implements ActionDetail, OnCluster {
    public AddonWait {
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(name, "name");
    }
  }

  // ---- destroy ------------------------------------------------------------------------------------------------

  /** Uninstall the addon, which is at {@code version} ({@code null} when unknown). */
  record AddonUninstall(String clusterId, String name, String version) implements ActionDetail, OnCluster {
    public AddonUninstall {
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(name, "name");
    }
  }

  /** Wait until the addon instance is gone from the cluster. */
  record AddonRemovalWait(String clusterId, String name) implements ActionDetail, OnCluster {
    public AddonRemovalWait {
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Replace the required node selector terms of {@code target} from {@code before} to {@code after}, which drops
   * the requirement {@code key NotIn [value]} hybridcni added from every term, drops a term that held nothing
   * else, and leaves no required node affinity when no term is left ({@code after} empty). Written with the read
   * {@code resourceVersion}.
   */
  record CniExclusionRemoval(WorkloadRef target, String resourceVersion, String labelKey, String labelValue,
      List<NodeSelectorTerm> before, List<NodeSelectorTerm> after) implements ActionDetail {
    public CniExclusionRemoval {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(labelKey, "labelKey");
      Objects.requireNonNull(labelValue, "labelValue");
      before = Frozen.list(before);
      after = Frozen.list(after);
    }
  }

  /** Delete the Secret, only while it carries {@code app.kubernetes.io/managed-by=hybridcni}. */
  record SecretDeletion(String namespace, String name) implements ActionDetail {
    public SecretDeletion {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Delete an AccessKey of the user hybridcni created. The spec's Secret is read again right before the delete: a
   * key it names by then (the Secret was written again since the plan) is kept.
   */
  record AccessKeyDeletion(String userName, String accessKeyId, String secretNamespace, String secretName)
      implements ActionDetail {
    public AccessKeyDeletion {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretNamespace, "secretNamespace");
      Objects.requireNonNull(secretName, "secretName");
    }
  }

  /** Detach the policy from the user. */
  record PolicyDetachment(String userName, String policyName, String policyType) implements ActionDetail {
    public PolicyDetachment {
      Objects.requireNonNull(userName, "userName");
      Objects.requireNonNull(policyName, "policyName");
      Objects.requireNonNull(policyType, "policyType");
    }
  }

  /** Delete the custom policy: its non-default versions first, as RAM requires, then the policy. */
  record RamPolicyDeletion(String policyName) implements ActionDetail {
    public RamPolicyDeletion {
      Objects.requireNonNull(policyName, "policyName");
    }
  }

  /** Delete the RAM user, only while its comments say hybridcni created it. */
  record RamUserDeletion(String userName) implements ActionDetail {
    public RamUserDeletion {
      Objects.requireNonNull(userName, "userName");
    }
  }
}
