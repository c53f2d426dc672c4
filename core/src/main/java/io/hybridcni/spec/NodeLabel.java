package io.hybridcni.spec;

import java.util.Objects;

/** A node label {@code key=value}, such as the cloud-node label {@code alibabacloud.com/external=true}. */
public record NodeLabel(String key, String value) {

  public static final NodeLabel ALIBABA_CLOUD_EXTERNAL = new NodeLabel("alibabacloud.com/external", "true");

  public NodeLabel {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** Parses {@code key=value}; see {@link SpecRules#labelProblem(String)} for what is accepted. */
  public static NodeLabel parse(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("expected key=value, found " + text);
    }
    return new NodeLabel(text.substring(0, eq), text.substring(eq + 1));
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
