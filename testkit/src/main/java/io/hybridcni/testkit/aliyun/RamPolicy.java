package io.hybridcni.testkit.aliyun;

import java.util.List;

/**
 * A RAM policy with all its versions.
 *
 * @param name the {@code PolicyName}
 * @param type {@code Custom} or {@code System}
 * @param description the {@code Description}, possibly empty
 * @param defaultVersion the id of the default version
 * @param versions every version, oldest first
 */
public record RamPolicy(String name, String type, String description, String defaultVersion,
    List<RamPolicyVersion> versions) {

  /** Copies the versions, so the record stays immutable. */
  public RamPolicy {
    versions = List.copyOf(versions);
  }

  /** The document of the default version. */
  public String defaultDocument() {
    return versions.stream()
        .filter(RamPolicyVersion::isDefault)
        .map(RamPolicyVersion::document)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("Policy " + name + " has no default version"));
  }

  /** The version ids, oldest first. */
  public List<String> versionIds() {
    return versions.stream().map(RamPolicyVersion::versionId).toList();
  }
}
