package io.hybridcni.spec;

import java.util.regex.Pattern;

/**
 * The shape rules of spec fields. Each method answers {@code null} for a valid value, or what was expected,
 * phrased to follow "expected".
 */
public final class SpecRules {

  private static final Pattern CLUSTER_ID = Pattern.compile("c[0-9a-f]{15,63}");
  private static final Pattern REGION_ID = Pattern.compile("[a-z]{2,4}(-[a-z0-9]+){1,3}");
  private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  // RAM's CreateUser reference (help.aliyun.com/document_detail/28680.html): UserName is 1 to 64 characters of
  // letters, digits, '.', '-' and '_'; no '@', which RAM would refuse only after the plan was shown.
  private static final Pattern RAM_USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern RAM_POLICY = Pattern.compile("[A-Za-z0-9-]{1,128}");
  private static final Pattern ADDON_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,62}[a-z0-9])?");

  private SpecRules() {}

  public static String clusterIdProblem(String id) {
    return id != null && CLUSTER_ID.matcher(id).matches()
        ? null
        : "an ACK cluster id: 'c' followed by 15 to 63 lowercase hex digits (e.g. c5f0e4a3b2c1d0e9f8a7b6c5d4e3f2a1b)"
            + found(id);
  }

  public static String regionProblem(String region) {
    return region != null && REGION_ID.matcher(region).matches()
        ? null
        : "an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1" + found(region);
  }

  /**
   * A label {@code key=value} with a valid Kubernetes qualified key and a non-empty label value: the value is what
   * cloud nodes carry and what the exclusion names, and an empty one would select the nodes that carry the key with
   * no value at all.
   */
  public static String labelProblem(String text) {
    int eq = text == null ? -1 : text.indexOf('=');
    if (eq < 0) {
      return "a node label key=value such as alibabacloud.com/external=true" + found(text);
    }
    String keyProblem = labelKeyProblem(text.substring(0, eq));
    if (keyProblem != null) {
      return keyProblem;
    }
    String value = text.substring(eq + 1);
    if (value.isEmpty()) {
      return "a label value after '=' (the value cloud nodes carry, e.g. true)" + found(text);
    }
    return labelValueProblem(value);
  }

  public static String labelKeyProblem(String key) {
    String expected = "a Kubernetes label key: an optional DNS subdomain prefix and '/', then a name of 1-63 "
        + "characters [A-Za-z0-9-_.] starting and ending alphanumeric (e.g. alibabacloud.com/external)";
    if (key == null || key.isEmpty()) {
      return expected + ", found an empty key";
    }
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return expected + found(key);
      }
      // Kubernetes' IsDNS1123Subdomain: at most 253 characters, and each dot-separated label at most 63.
      for (String label : prefix.split("\\.")) {
        if (label.length() > 63) {
          return "a label key prefix whose DNS labels have at most 63 characters each, found one of "
              + label.length() + found(key);
        }
      }
    }
    return LABEL_NAME.matcher(name).matches() ? null : expected + found(key);
  }

  public static String labelValueProblem(String value) {
    return value.isEmpty() || LABEL_NAME.matcher(value).matches()
        ? null
        : "a label value of at most 63 characters [A-Za-z0-9-_.] starting and ending alphanumeric" + found(value);
  }

  public static String namespaceProblem(String namespace) {
    return namespace != null && DNS_LABEL.matcher(namespace).matches()
        ? null
        : "a Kubernetes namespace: 1-63 lowercase letters, digits and '-'" + found(namespace);
  }

  public static String objectNameProblem(String name) {
    return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches()
        ? null
        : "a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters" + found(name);
  }

  public static String ramUserProblem(String name) {
    return name != null && RAM_USER.matcher(name).matches()
        ? null
        : "a RAM user name of 1-64 characters [A-Za-z0-9._-]" + found(name);
  }

  public static String ramPolicyProblem(String name) {
    return name != null && RAM_POLICY.matcher(name).matches()
        ? null
        : "a RAM policy name of 1-128 characters [A-Za-z0-9-]" + found(name);
  }

  public static String addonNameProblem(String name) {
    return name != null && ADDON_NAME.matcher(name).matches()
        ? null
        : "an ACK addon name such as terway-eniip" + found(name);
  }

  /** {@code , found "value"}, shortened so that a huge value cannot flood a message. */
  static String found(String value) {
    if (value == null) {
      return ", found nothing";
    }
    String shown = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    return ", found \"" + shown + "\"";
  }
}
