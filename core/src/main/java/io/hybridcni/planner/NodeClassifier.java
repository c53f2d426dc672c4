package io.hybridcni.planner;

import io.hybridcni.observe.NodeInfo;
import io.hybridcni.spec.NodeLabel;

/**
 * Tells cloud nodes from on-premises ones. A cloud node carries the cloud label and an Alibaba Cloud ECS
 * {@code spec.providerID} ({@code <region>.i-<id>}); a node with the label but without such a provider id looks
 * on-premises, since a label is easy to set by mistake and the provider id is set by the cloud.
 */
public final class NodeClassifier {

  /**
   * The form an ECS provider id has, {@code (alicloud://)?[a-z]{2,4}(-[a-z0-9]+){1,3}\\.i-[a-z0-9]+}; {@link
   * #ecsProviderId} checks it by hand (a test holds the two equal) because a plan classifies every node several
   * times and a regex {@code Matcher} per call was a tenth of a 5,000-node plan's allocation.
   */
  static final String ECS_PROVIDER_ID_FORM = "(alicloud://)?[a-z]{2,4}(-[a-z0-9]+){1,3}\\.i-[a-z0-9]+";

  private static final String ALICLOUD_PREFIX = "alicloud://";

  private final NodeLabel cloudLabel;
  /** The label's key interned, as a node's label keys are: the lookup then compares no characters. */
  private final String cloudKey;

  /** Classifies by {@code cloudLabel}, the spec's {@code network.cloudNodeLabel}. */
  public NodeClassifier(NodeLabel cloudLabel) {
    this.cloudLabel = cloudLabel;
    this.cloudKey = cloudLabel.key().intern();
  }

  /** The label this classifier looks for. */
  public NodeLabel cloudLabel() {
    return cloudLabel;
  }

  /** Whether the node carries the cloud label. */
  public boolean labelledCloud(NodeInfo node) {
    return node.hasLabel(cloudKey, cloudLabel.value());
  }

  /** Whether {@code providerId} is an Alibaba Cloud ECS instance's ({@code <region>.i-<id>}). */
  public static boolean ecsProviderId(String providerId) {
    return providerId != null && ecsProviderId(providerId, new char[providerId.length()]);
  }

  /**
   * {@link #ecsProviderId(String)} with {@code scratch} to read the id's chars into (a new array when it is too
   * short): a pass over many nodes passes one array for all, and parses that array instead of the string one
   * {@code charAt} at a time, which was a tenth of a large plan's time.
   */
  static boolean ecsProviderId(String providerId, char[] scratch) {
    if (providerId == null) {
      return false;
    }
    int end = providerId.length();
    char[] s = scratch.length >= end ? scratch : new char[end];
    providerId.getChars(0, end, s, 0);
    // The prefix is taken whenever present: without it, "alicloud" would have to be followed by '-'.
    int at = providerId.startsWith(ALICLOUD_PREFIX) ? ALICLOUD_PREFIX.length() : 0;
    // The region: 2 to 4 letters, then 1 to 3 groups of '-' and at least one letter or digit.
    int letters = run(s, at, end, false);
    if (letters < 2 || letters > 4) {
      return false;
    }
    at += letters;
    int groups = 0;
    while (at < end && s[at] == '-') {
      int n = run(s, at + 1, end, true);
      if (n == 0) {
        return false;
      }
      at += 1 + n;
      groups++;
    }
    if (groups < 1 || groups > 3) {
      return false;
    }
    // Then ".i-" and the instance: at least one letter or digit, up to the end.
    if (!providerId.startsWith(".i-", at)) {
      return false;
    }
    at += 3;
    int instance = run(s, at, end, true);
    return instance > 0 && at + instance == end;
  }

  /** How many chars from {@code from} are lowercase ASCII letters (or digits too, when {@code digits}). */
  private static int run(char[] s, int from, int end, boolean digits) {
    int i = from;
    while (i < end) {
      char c = s[i];
      if (!(c >= 'a' && c <= 'z') && !(digits && c >= '0' && c <= '9')) {
        break;
      }
      i++;
    }
    return i - from;
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
