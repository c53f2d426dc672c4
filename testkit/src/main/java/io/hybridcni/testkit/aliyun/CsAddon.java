package io.hybridcni.testkit.aliyun;

/**
 * An addon instance in a cluster, as the fake holds it right now (reading it here does not count as a poll).
 *
 * @param name e.g. {@code terway-eniip}
 * @param version the installed version (the target version once an upgrade settles)
 * @param state as ACK spells it: {@code active}, {@code installing}, {@code initial}, {@code updating},
 *     {@code upgrading}, {@code deleting}, {@code Failed}, {@code failed}, {@code Canceled} or {@code unhealthy}
 * @param config the {@code config} JSON string last sent, or {@code ""}
 */
public record CsAddon(String name, String version, String state, String config) {

  /** True when the state is {@code active}, in any case. */
  public boolean active() {
    return "active".equalsIgnoreCase(state);
  }
}
