package io.hybridcni.testkit.aliyun;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as received: method, raw and decoded path, decoded query parameters, headers with lower-case
 * names (first value only), and the body.
 */
record IncomingRequest(
    String method, String rawPath, Map<String, String> query, Map<String, String> headers, byte[] body) {

  IncomingRequest {
    query = Collections.unmodifiableMap(new LinkedHashMap<>(query));
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  static IncomingRequest of(String method, String rawPath, String rawQuery,
      Map<String, ? extends Iterable<String>> headers, byte[] body) {
    Map<String, String> lowerHeaders = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      var it = values.iterator();
      if (it.hasNext()) {
        lowerHeaders.putIfAbsent(name.toLowerCase(Locale.ROOT), it.next());
      }
    });
    return new IncomingRequest(method, rawPath == null || rawPath.isEmpty() ? "/" : rawPath,
        parseForm(rawQuery), lowerHeaders, body);
  }

  /** Parses {@code a=b&c=d} with URL decoding; a later duplicate key wins. */
  static Map<String, String> parseForm(String encoded) {
    Map<String, String> params = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return params;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(decode(key), decode(value));
    }
    return params;
  }

  /** URL-decodes, keeping the text as sent when it is not valid encoding (the signature check then fails). */
  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /** The non-empty path segments, each URL-decoded (a {@code +} in a path stays a plus sign). */
  List<String> segments() {
    List<String> segments = new ArrayList<>();
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        segments.add(decode(segment.replace("+", "%2B")));
      }
    }
    return segments;
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
