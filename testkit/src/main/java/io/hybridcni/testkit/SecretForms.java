package io.hybridcni.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The forms in which an API server or an admission webhook echoes a secret it received, for tests to make a fake
 * echo them and to scan outputs for them. Written independently of the code under test's masking, so that a scan
 * does not share its blind spots.
 */
public final class SecretForms {

  /** The shortest run of a secret's characters that counts as leaking it (the project's rule). */
  public static final int WINDOW = 8;

  private SecretForms() {}

  public static String base64(String secret) {
    return Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** As Go prints a {@code []byte} with {@code %v}: {@code [76 84 65 ...]}. */
  public static String goBytes(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    return IntStream.range(0, bytes.length).mapToObj(i -> Integer.toString(bytes[i] & 0xff))
        .collect(Collectors.joining(" ", "[", "]"));
  }

  /** The base64 of the secret, URL-encoded ({@code +} {@code /} {@code =} as {@code %2B} {@code %2F} {@code %3D}). */
  public static String urlEncodedBase64(String secret) {
    return URLEncoder.encode(base64(secret), StandardCharsets.UTF_8);
  }

  /** Every echo, by name: the texts a server may put in a message, reason or cause. */
  public static Map<String, String> echoes(String secret) {
    Map<String, String> echoes = new LinkedHashMap<>();
    echoes.put("plain", secret);
    echoes.put("base64", base64(secret));
    echoes.put("url-safe base64 without padding",
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    echoes.put("go []byte", goBytes(secret));
    echoes.put("url-encoded base64", urlEncodedBase64(secret));
    echoes.put("8-character prefix", secret.substring(0, WINDOW));
    echoes.put("12-character window", secret.substring(5, 17));
    return echoes;
  }

  /**
   * Where {@code text} holds {@code secret}: whole, any {@value #WINDOW}-character window of it, its base64 (std,
   * URL-safe, unpadded), that URL-encoded, or its Go byte list; each hit as the line around it with the hit replaced
   * by {@code <SECRET>}. Empty when it holds none.
   */
  public static List<String> hits(String text, String secret) {
    List<String> hits = new ArrayList<>();
    if (text == null) {
      return hits;
    }
    List<String> forms = new ArrayList<>(List.of(base64(secret), urlEncodedBase64(secret), goBytes(secret),
        goBytes(secret).substring(0, goBytes(secret).length() / 2),
        Base64.getUrlEncoder().withoutPadding().encodeToString(secret.getBytes(StandardCharsets.UTF_8))));
    if (secret.length() < WINDOW) {
      forms.add(secret);
    }
    for (int i = 0; i + WINDOW <= secret.length(); i++) {
      forms.add(secret.substring(i, i + WINDOW));
    }
    for (String form : forms) {
      int at = text.indexOf(form);
      if (at >= 0) {
        int from = Math.max(text.lastIndexOf('\n', at) + 1, at - 160);
        int newline = text.indexOf('\n', at);
        int to = Math.min(newline < 0 ? text.length() : newline, at + form.length() + 160);
        hits.add(text.substring(from, to).replace(form, "<SECRET>"));
      }
    }
    return hits;
  }
}
