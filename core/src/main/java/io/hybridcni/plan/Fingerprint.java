package io.hybridcni.plan;

import io.hybridcni.observe.Frozen;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The observed facts an action relied on (fact key to value) and a hash over them. Before the action runs, the
 * same facts are read again; any difference makes the action stale.
 */
public record Fingerprint(Map<String, String> facts, String hash) {

  public Fingerprint {
    facts = Frozen.map(facts);
  }

  public static Fingerprint of(Map<String, String> facts) {
    Map<String, String> sorted = Frozen.map(facts);
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : sorted.entrySet()) {
        digest.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(String.valueOf(e.getValue()).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return new Fingerprint(sorted, "sha256:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
