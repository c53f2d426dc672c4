package io.hybridcni.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.hybridcni.error.Sensitive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Masks known secret values in text that came back from the API server, before it goes into a message, a log line
 * or an exception. What counts as sensitive, and in which forms, is decided by {@link Sensitive}; this is its face in
 * the adapter, with what a Kubernetes answer adds (the values of a Secret's {@code data}).
 */
final class Redaction {

  /** Knows no value; still masks credentials that name themselves ({@code Bearer ...}). */
  static final Redaction NONE = new Redaction(Sensitive.NONE);

  private final Sensitive sensitive;

  private Redaction(Sensitive sensitive) {
    this.sensitive = sensitive;
  }

  static Redaction of(String... secrets) {
    return new Redaction(Sensitive.of(secrets));
  }

  /**
   * Every value of {@code secret}'s {@code data} (decoded; base64 and the other forms follow) and
   * {@code stringData}: an API server or a webhook that echoes the object echoes the keys hybridcni did not write
   * too, and those are somebody's secrets as well.
   */
  static Redaction ofSecret(Secret secret, String... more) {
    List<String> values = new ArrayList<>(List.of(more));
    if (secret != null && secret.getData() != null) {
      for (String encoded : secret.getData().values()) {
        if (encoded == null) {
          continue;
        }
        values.add(encoded);
        try {
          values.add(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
          // A value the server would refuse; masked as it is.
        }
      }
    }
    if (secret != null && secret.getStringData() != null) {
      values.addAll(secret.getStringData().values());
    }
    return new Redaction(Sensitive.of(values));
  }

  Redaction and(Redaction other) {
    return new Redaction(sensitive.and(other.sensitive));
  }

  Sensitive sensitive() {
    return sensitive;
  }

  boolean knowsNoValue() {
    return sensitive.knowsNoValue();
  }

  String apply(String text) {
    return sensitive.mask(text);
  }

  /** {@code error} itself when its chain holds nothing sensitive, otherwise a masked copy of the chain. */
  Throwable scrub(Throwable error) {
    return sensitive.scrub(error);
  }
}
