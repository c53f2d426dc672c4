package io.hybridcni.kube;

import io.hybridcni.port.SecretValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Masks known secret values (and their base64 forms, as they travel in a Secret's {@code data}) in text that
 * came back from the API server, before it goes into a message, a log line or an exception. The one place in
 * the adapter that decides what a server answer may carry out.
 */
final class Redaction {

  static final Redaction NONE = new Redaction(List.of());

  private final List<String> needles;

  private Redaction(List<String> needles) {
    this.needles = needles;
  }

  static Redaction of(String... secrets) {
    List<String> needles = new ArrayList<>();
    for (String s : secrets) {
      if (s == null || s.isEmpty()) {
        continue;
      }
      needles.add(s);
      needles.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
    }
    return new Redaction(List.copyOf(needles));
  }

  String apply(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String needle : needles) {
      result = result.replace(needle, SecretValue.MASK);
    }
    return result;
  }
}
