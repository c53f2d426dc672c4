package io.hybridcni.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one-way hash under which Secret values are remembered: {@code sha256:<hex>} of the UTF-8 value, domain
 * separated so that the hash of a value is not the plain SHA-256 found in lookup tables.
 */
public final class ValueHash {

  private static final byte[] DOMAIN = "hybridcni/secret-value/v1\0".getBytes(StandardCharsets.UTF_8);

  private ValueHash() {}

  public static String of(String value) {
    return of(value.getBytes(StandardCharsets.UTF_8));
  }

  public static String of(byte[] value) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(DOMAIN);
      return "sha256:" + HexFormat.of().formatHex(digest.digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
