package io.hybridcni.planner;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.spec.NodeLabel;
import java.util.regex.Pattern;

/**
 * Tells cloud nodes from on-premises ones. A cloud node carries the cloud label and an Alibaba Cloud ECS
 * {@code spec.providerID} ({@code <region>.i-<id>}); a node with the label but without such a provider id looks
 * on-premises, since a label is easy to set by mistake and the provider id is set by the cloud.
 */
public final class NodeClassifier {

  private static final Pattern ECS_PROVIDER_ID =
      Pattern.compile("(alicloud://)?[a-z]{2,4}(-[a-z0-9]+){1,3}\\.i-[a-z0-9]+");

  private final NodeLabel cloudLabel;

  /** Classifies by {@code cloudLabel}, the spec's {@code network.cloudNodeLabel}. */
  public NodeClassifier(NodeLabel cloudLabel) {
    this.cloudLabel = cloudLabel;
  }

  /** Whether the node carries the cloud label. */
  public boolean labelledCloud(NodeInfo node) {
    return node.hasLabel(cloudLabel.key(), cloudLabel.value());
  }

  /** Whether {@code providerId} is an Alibaba Cloud ECS instance's ({@code <region>.i-<id>}). */
  public static boolean ecsProviderId(String providerId) {
    return providerId != null && ECS_PROVIDER_ID.matcher(providerId).matches();
  }

  /** A node that carries the cloud label and is an ECS instance. */
  public boolean cloud(NodeInfo node) {
    return labelledCloud(node) && ecsProviderId(node.providerId());
  }

  /** Why a node counts as on-premises, for evidence. */
  public String describe(NodeInfo node) {
    String label = labelledCloud(node) ? "has " + cloudLabel : "lacks " + cloudLabel;
    String provider = node.providerId() == null ? "no providerID" : "providerID " + node.providerId();
    return node.name() + " (" + label + ", " + provider + ")";
  }
}
